//! The space's double-entry ledger as the API shows it: every account's totals per currency,
//! each account's balance on its normal side, and the trial balance.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One account in one currency.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerAccount {
    /// `member_payments`, `creator_earnings`, `platform_fees`, `referral_commissions`,
    /// `refunds` or `disputes`.
    pub account: String,
    pub currency: String,
    pub debits_minor: i64,
    pub credits_minor: i64,
    /// On the account's normal side: debits less credits for `member_payments`, credits less
    /// debits for the others.
    pub balance_minor: i64,
}

/// Debits and credits of one currency.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrialBalance {
    pub currency: String,
    pub debits_minor: i64,
    pub credits_minor: i64,
    pub balanced: bool,
}

/// The ledger of a space.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "accounts": [
        {"account": "creator_earnings", "currency": "EUR", "debits_minor": 500, "credits_minor": 2400, "balance_minor": 1900},
        {"account": "member_payments", "currency": "EUR", "debits_minor": 2400, "credits_minor": 0, "balance_minor": 2400},
        {"account": "refunds", "currency": "EUR", "debits_minor": 0, "credits_minor": 500, "balance_minor": 500}
    ],
    "trial_balance": [{"currency": "EUR", "debits_minor": 2900, "credits_minor": 2900, "balanced": true}]
}))]
pub struct Ledger {
    pub accounts: Vec<LedgerAccount>,
    pub trial_balance: Vec<TrialBalance>,
}
