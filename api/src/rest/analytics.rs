//! `/v1/spaces/{space}/analytics/summary`: a creator's revenue analytics (MRR per currency and
//! per tier, subscriptions by status, monthly cohorts) from the analytics and subscriptions
//! read models. The response bodies live here too; GraphQL converts them.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::analytics::AnalyticsSummary;
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::get;
use actix_web::web::{Json, Path};

/// Get revenue analytics
///
/// Returns the space's monthly recurring revenue (MRR) per currency and per tier, its
/// subscriptions by status, and monthly cohorts (by the month each subscription started: how
/// many started, are still paying, and have been canceled). A subscription counts towards MRR
/// at its list price normalised to a month (a yearly price counts a twelfth, rounded half away
/// from zero) while it is `active` or `past_due`; past-due subscriptions count until they are
/// canceled. Trials, incomplete subscriptions and comps count 0. For creator, auditor and admin
/// keys; member sessions are refused.
#[utoipa::path(
    tag = "analytics",
    params(("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The space's analytics.", body = AnalyticsSummary)),
)]
#[get("/v1/spaces/{space}/analytics/summary")]
#[tracing::instrument(skip_all)]
pub async fn get_analytics_summary(
    call: Call,
    path: Path<String>,
    _fresh: Fresh<(
        read_model::Analytics,
        read_model::Subscriptions,
        read_model::Ledger,
    )>,
) -> Result<Json<AnalyticsSummary>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    Ok(Json(
        service::analytics::summary(&call.state, &space).await?,
    ))
}
