//! The wire shapes of revenue analytics: MRR, subscription counts, revenue by tier, cohorts and money totals.

use lyceum_projections::analytics::queries::{
    CohortRow, MrrRow, SubscriptionCounts as CountsRow, TierRevenueRow,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Monthly recurring revenue in one currency.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::SimpleObject,
)]
#[schema(example = json!({"currency": "EUR", "amount_minor": 1650}))]
pub struct MrrAmount {
    pub currency: String,
    /// In minor units; yearly prices count as a twelfth per month.
    pub amount_minor: i64,
}

/// A space's subscriptions by status, now.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::SimpleObject,
)]
#[schema(example = json!({"incomplete": 1, "trialing": 1, "active": 2, "past_due": 0, "canceled": 1}))]
pub struct SubscriptionCounts {
    pub incomplete: i64,
    pub trialing: i64,
    pub active: i64,
    pub past_due: i64,
    pub canceled: i64,
    /// `active` plus `past_due`: the subscriptions that bring in MRR.
    pub paid: i64,
}

/// The MRR of one tier in one currency.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::SimpleObject,
)]
#[schema(example = json!({"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b", "currency": "EUR",
    "amount_minor": 1650, "paying": 2}))]
pub struct TierRevenue {
    #[graphql(skip, derived(owned, name = "tier_id", into = "async_graphql::ID"))]
    pub tier_id: Uuid,
    pub currency: String,
    pub amount_minor: i64,
    /// Subscriptions of the tier that contribute to its MRR now.
    pub paying: i64,
}

/// The subscriptions started in one month (UTC) and what became of them.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::SimpleObject,
)]
#[schema(example = json!({"month": "2026-11", "started": 4, "retained": 2, "churned": 1,
    "retention_basis_points": 5000}))]
pub struct Cohort {
    /// `YYYY-MM`.
    pub month: String,
    /// Every subscription started that month, whatever its status now.
    pub started: i64,
    /// Still `active` or `past_due`.
    pub retained: i64,
    /// Canceled since.
    pub churned: i64,
    /// `retained / started` in hundredths of a percent, rounded down (5000 = 50 %).
    pub retention_basis_points: i64,
}

/// Money moved in one currency, from the ledger: what members paid, and where it went.
#[derive(
    Debug,
    Clone,
    Default,
    Serialize,
    Deserialize,
    ToSchema,
    PartialEq,
    Eq,
    async_graphql::SimpleObject,
)]
pub struct MoneyTotals {
    pub currency: String,
    /// Everything members paid (before refunds and disputes).
    pub gross_minor: i64,
    /// Given back by refunds and lost disputes.
    pub refunds_minor: i64,
    /// Held by the provider on open disputes.
    pub disputes_held_minor: i64,
    /// Commissions earned by referrers.
    pub referral_payouts_minor: i64,
    pub platform_fees_minor: i64,
    /// The creator's share, net of refunds and disputes.
    pub creator_earnings_minor: i64,
}

/// Folds ledger balances into one [`MoneyTotals`] per currency, in currency order.
pub(crate) fn money_totals(
    balances: Vec<lyceum_projections::ledger::queries::AccountBalance>,
) -> Vec<MoneyTotals> {
    let mut totals: Vec<MoneyTotals> = Vec::new();
    for balance in balances {
        if totals.last().is_none_or(|t| t.currency != balance.currency) {
            totals.push(MoneyTotals {
                currency: balance.currency.clone(),
                ..MoneyTotals::default()
            });
        }
        let Some(total) = totals.last_mut() else {
            continue;
        };
        let credit_normal = balance.credits_minor - balance.debits_minor;
        match balance.account.as_str() {
            "member_payments" => total.gross_minor = balance.debits_minor - balance.credits_minor,
            "refunds" => total.refunds_minor = credit_normal,
            "disputes" => total.disputes_held_minor = credit_normal,
            "referral_commissions" => total.referral_payouts_minor = credit_normal,
            "platform_fees" => total.platform_fees_minor = credit_normal,
            "creator_earnings" => total.creator_earnings_minor = credit_normal,
            _ => {}
        }
    }
    totals
}

/// A space's revenue analytics.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::SimpleObject,
)]
#[graphql(name = "Analytics")]
#[schema(example = json!({
    "mrr": [{"currency": "EUR", "amount_minor": 1650}],
    "counts": {"incomplete": 1, "trialing": 1, "active": 2, "past_due": 0, "canceled": 1, "paid": 2},
    "by_tier": [{"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b", "currency": "EUR",
        "amount_minor": 1650, "paying": 2}],
    "cohorts": [{"month": "2026-11", "started": 5, "retained": 2, "churned": 1,
        "retention_basis_points": 4000}],
    "money": [{"currency": "EUR", "gross_minor": 5400, "refunds_minor": 900,
        "disputes_held_minor": 0, "referral_payouts_minor": 90, "platform_fees_minor": 270,
        "creator_earnings_minor": 4140}]
}))]
pub struct AnalyticsSummary {
    /// MRR per currency. Active and past-due subscriptions count; trials, incomplete and
    /// canceled subscriptions and comps do not.
    pub mrr: Vec<MrrAmount>,
    pub counts: SubscriptionCounts,
    pub by_tier: Vec<TierRevenue>,
    /// Oldest month first.
    pub cohorts: Vec<Cohort>,
    /// Per currency, from the ledger: gross takings, refunds, referral payouts, fees and the
    /// creator's earnings.
    pub money: Vec<MoneyTotals>,
}

impl From<MrrRow> for MrrAmount {
    fn from(row: MrrRow) -> Self {
        Self {
            currency: row.currency,
            amount_minor: row.mrr_minor,
        }
    }
}

impl From<CountsRow> for SubscriptionCounts {
    fn from(row: CountsRow) -> Self {
        Self {
            paid: row.active + row.past_due,
            incomplete: row.incomplete,
            trialing: row.trialing,
            active: row.active,
            past_due: row.past_due,
            canceled: row.canceled,
        }
    }
}

impl From<TierRevenueRow> for TierRevenue {
    fn from(row: TierRevenueRow) -> Self {
        Self {
            tier_id: row.tier_id,
            currency: row.currency,
            amount_minor: row.mrr_minor,
            paying: row.paying,
        }
    }
}

impl From<CohortRow> for Cohort {
    fn from(row: CohortRow) -> Self {
        let retention_basis_points = if row.started > 0 {
            row.retained * 10_000 / row.started
        } else {
            0
        };
        Self {
            month: row.month,
            started: row.started,
            retained: row.retained,
            churned: row.churned,
            retention_basis_points,
        }
    }
}
