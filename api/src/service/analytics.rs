//! Revenue analytics read from the analytics and ledger read models.

use crate::dto::analytics::{AnalyticsSummary, Cohort, MrrAmount, TierRevenue, money_totals};
use crate::error::ApiError;
use crate::state::AppState;

/// Loads the summary of a space the caller has already been allowed to read.
pub async fn summary(state: &AppState, space_id: &str) -> Result<AnalyticsSummary, ApiError> {
    let db = &state.db;
    Ok(AnalyticsSummary {
        mrr: lyceum_projections::analytics::queries::mrr(db, space_id)
            .await?
            .into_iter()
            .map(MrrAmount::from)
            .collect(),
        counts: lyceum_projections::analytics::queries::subscription_counts(db, space_id)
            .await?
            .into(),
        by_tier: lyceum_projections::analytics::queries::revenue_by_tier(db, space_id)
            .await?
            .into_iter()
            .map(TierRevenue::from)
            .collect(),
        cohorts: lyceum_projections::analytics::queries::monthly_cohorts(db, space_id)
            .await?
            .into_iter()
            .map(Cohort::from)
            .collect(),
        money: money_totals(
            lyceum_projections::ledger::queries::ledger_balances(db, space_id).await?,
        ),
    })
}
