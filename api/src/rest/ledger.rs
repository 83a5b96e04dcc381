//! The space's double-entry ledger: every account's totals per currency, each account's balance
//! on its normal side, and the trial balance that shows debits equal credits.

use super::call::Call;
use crate::consistency::Fresh;
use crate::error::ApiError;
use crate::space::Intent;
use actix_web::get;
use actix_web::web::{Json, Path};
use lyceum_domain::ledger::{AccountKind, Side};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

/// Read the ledger
///
/// Every movement of money (payments for orders and subscription periods, refunds, disputes)
/// is posted as a balanced double-entry journal entry. Returns each account's totals per
/// currency and the trial balance, which shows debits equal to credits in every currency.
#[utoipa::path(
    tag = "ledger",
    params(("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The ledger.", body = Ledger)),
)]
#[get("/v1/spaces/{space}/ledger")]
#[tracing::instrument(skip_all)]
pub async fn get_ledger(
    call: Call,
    path: Path<String>,
    _fresh: Fresh,
) -> Result<Json<Ledger>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    let rows =
        lyceum_projections::ledger::queries::ledger_balances(&call.state.db, &space.id.to_string())
            .await?;
    let mut trial: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let accounts = rows
        .into_iter()
        .map(|row| {
            let totals = trial.entry(row.currency.clone()).or_default();
            totals.0 += row.debits_minor;
            totals.1 += row.credits_minor;
            let debit_normal = AccountKind::ALL
                .iter()
                .find(|kind| kind.as_str() == row.account)
                .is_some_and(|kind| kind.normal_side() == Side::Debit);
            LedgerAccount {
                balance_minor: if debit_normal {
                    row.debits_minor - row.credits_minor
                } else {
                    row.credits_minor - row.debits_minor
                },
                account: row.account,
                currency: row.currency,
                debits_minor: row.debits_minor,
                credits_minor: row.credits_minor,
            }
        })
        .collect();
    let trial_balance = trial
        .into_iter()
        .map(|(currency, (debits, credits))| TrialBalance {
            currency,
            debits_minor: debits,
            credits_minor: credits,
            balanced: debits == credits,
        })
        .collect();
    Ok(Json(Ledger {
        accounts,
        trial_balance,
    }))
}
