//! Revenue analytics read from the analytics and ledger read models.

use crate::dto::analytics::{AnalyticsSummary, money_totals};
use crate::error::ApiError;
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_projections::analytics::queries::{
    monthly_cohorts, mrr, revenue_by_tier, subscription_counts,
};
use lyceum_projections::ledger::queries::ledger_balances;

/// The summary of a space the caller has already been allowed to read.
pub async fn summary(state: &AppState, space: &SpaceRef) -> Result<AnalyticsSummary, ApiError> {
    let (db, space) = (&state.db, &space.id.to_string());
    Ok(AnalyticsSummary {
        mrr: all(mrr(db, space).await?),
        counts: subscription_counts(db, space).await?.into(),
        by_tier: all(revenue_by_tier(db, space).await?),
        cohorts: all(monthly_cohorts(db, space).await?),
        money: money_totals(ledger_balances(db, space).await?),
    })
}

/// Rows as wire types.
fn all<R, T: From<R>>(rows: Vec<R>) -> Vec<T> {
    rows.into_iter().map(T::from).collect()
}
