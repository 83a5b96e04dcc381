//! `/v1/spaces/{space}/reports`: members report items and comments; creators work through the
//! queue.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{CreateReport, Report, ReportQuery, ResolveReport};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, post};

/// Report an item or a comment
///
/// The signed-in member reports a published item, or with `comment_id` a comment on it, to the
/// space's moderators. The details are personal data, sealed with the member's key. At most 10
/// reports a minute, and one open report per member and thing reported (409 `conflict` while
/// the first is open).
#[utoipa::path(
    tag = "moderation",
    request_body = CreateReport,
    responses((status = 201, description = "The report is in the queue.", body = Report)),
)]
#[post("/v1/spaces/{space}/reports")]
#[tracing::instrument(skip_all)]
pub async fn create_report(
    call: Call,
    path: Path<String>,
    body: Json<CreateReport>,
) -> Result<HttpResponse, ApiError> {
    call.write(
        &path,
        Intent::MemberWrite,
        &body,
        async |state, auth, space| service::reports::file(state, auth, space, body.0.clone()).await,
    )
    .await
}

/// List reports
///
/// The space's moderation queue, oldest first, a page at a time, optionally of one status
/// (`open` or `resolved`).
#[utoipa::path(
    tag = "moderation",
    params(ReportQuery, PageQuery),
    responses((status = 200, description = "A page of reports.", body = Paged<Report>)),
)]
#[get("/v1/spaces/{space}/reports")]
#[tracing::instrument(skip_all)]
pub async fn list_reports(
    call: Call,
    path: Path<String>,
    page: Query<PageQuery>,
    filter: Query<ReportQuery>,
    _fresh: Fresh<read_model::Engagement>,
) -> Result<Json<Paged<Report>>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    let status = filter.status.as_deref();
    let rows = service::reports::queue(&call.state, &space, status, page.slice()?).await?;
    Ok(Json(rows.into()))
}

/// Resolve a report
///
/// Closes a report as `dismissed` or `actioned`, with an optional note; the key that resolved
/// it is recorded as the event's actor. A report is resolved once (`invalid_transition`
/// after).
#[utoipa::path(
    tag = "moderation",
    params(("report" = uuid::Uuid, Path, description = "The report's id")),
    request_body = ResolveReport,
    responses((status = 200, description = "The resolved report.", body = Report)),
)]
#[post("/v1/spaces/{space}/reports/{report}/resolve")]
#[tracing::instrument(skip_all)]
pub async fn resolve_report(
    call: Call,
    path: Path<(String, String)>,
    body: Json<ResolveReport>,
) -> Result<HttpResponse, ApiError> {
    let (space, report) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::reports::resolve(state, auth, space, &report, body.0.clone()).await
    })
    .await
}
