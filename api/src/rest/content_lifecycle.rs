//! `/v1/spaces/{space}/content/{id}/…`: scheduling, archiving, featuring, and the revision
//! history of an item.

use super::call::Call;
use super::content::transition;
use crate::consistency::{Fresh, read_model};
use crate::dto::{ContentItem, Revision, ScheduleContent};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::service::catalog;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};
use lyceum_domain::content::ContentCommand;

/// Schedule a publication
///
/// Publishes a draft or an unpublished item at `publish_at`, which must be in the future. A
/// worker publishes it exactly once when the time comes; scheduling again moves the time, and
/// publishing by hand first cancels the schedule.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    request_body = ScheduleContent,
    responses((status = 200, description = "The item with its schedule.", body = ContentItem)),
)]
#[post("/v1/spaces/{space}/content/{id}/schedule")]
#[tracing::instrument(skip_all)]
pub async fn schedule_content(
    call: Call,
    path: Path<(String, String)>,
    body: Json<ScheduleContent>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        let command = service::content::schedule_command(state, &body.publish_at)?;
        service::content::change(state, auth, space, &id, command).await
    })
    .await
}

/// Cancel a scheduled publication
///
/// Withdraws the schedule; the item stays as it is. Refused with `invalid_transition` when
/// nothing is scheduled.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The item without a schedule.", body = ContentItem)),
)]
#[delete("/v1/spaces/{space}/content/{id}/schedule")]
#[tracing::instrument(skip_all)]
pub async fn unschedule_content(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    transition(call, path, ContentCommand::Unschedule).await
}

/// Archive a content item
///
/// Retires an item for good: it leaves the members' catalog, loses its schedule and featured
/// flag, and takes no more changes. The creator still reads it (`status=archived`).
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The archived item.", body = ContentItem)),
)]
#[post("/v1/spaces/{space}/content/{id}/archive")]
#[tracing::instrument(skip_all)]
pub async fn archive_content(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    transition(call, path, ContentCommand::Archive).await
}

/// Feature a content item
///
/// Sets the featured flag (for a digest or a front page; list with `featured=true`). Featuring
/// a featured item records nothing.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The featured item.", body = ContentItem)),
)]
#[post("/v1/spaces/{space}/content/{id}/feature")]
#[tracing::instrument(skip_all)]
pub async fn feature_content(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    transition(call, path, ContentCommand::Feature).await
}

/// Stop featuring a content item
///
/// Clears the featured flag. Clearing a clear flag records nothing.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The item, not featured.", body = ContentItem)),
)]
#[post("/v1/spaces/{space}/content/{id}/unfeature")]
#[tracing::instrument(skip_all)]
pub async fn unfeature_content(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    transition(call, path, ContentCommand::Unfeature).await
}

/// List an item's revisions
///
/// The item's text after each edit, newest first: revision 1 is the draft. For API keys (the
/// bodies of every revision are here).
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id"), PageQuery),
    responses((status = 200, description = "A page of revisions.", body = Paged<Revision>)),
)]
#[get("/v1/spaces/{space}/content/{id}/revisions")]
#[tracing::instrument(skip_all)]
pub async fn list_revisions(
    call: Call,
    path: Path<(String, String)>,
    page: Query<PageQuery>,
    _fresh: Fresh<read_model::Content>,
) -> Result<Json<Paged<Revision>>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let revisions = catalog::revisions(&call.state, space.id, &id, page.slice()?).await?;
    Ok(Json(revisions.into()))
}
