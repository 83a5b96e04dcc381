//! `/v1/spaces/{space}/content/{id}/parts`: a course's lessons and a column's articles, in
//! order.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{AddPart, ContentItem, ContentParts, ReorderParts};
use crate::error::ApiError;
use crate::service;
use crate::service::catalog;
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, delete, get, post, put};

/// List a course's lessons or a column's articles
///
/// The parts in order, each as the caller may see it: a member session sees published parts
/// only, and a part its access does not cover comes `locked` (excerpt, no body). A part may be
/// read by whoever its own policy or its container's policy admits.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The course's or column's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The parts, in order.", body = Vec<ContentItem>)),
)]
#[get("/v1/spaces/{space}/content/{id}/parts")]
#[tracing::instrument(skip_all)]
pub async fn list_parts(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<(read_model::Content, read_model::Entitlements)>,
) -> Result<Json<Vec<ContentItem>>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let viewer = catalog::viewer(&call.state, &call.auth, space.id).await?;
    Ok(Json(
        catalog::parts(&call.state, &viewer, space.id, &id).await?,
    ))
}

/// Add a lesson or an article
///
/// Appends a lesson to a course, or an article to a column. The part must be of this space and
/// of the right kind, and belong to no other course or column.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The course's or column's id")),
    request_body = AddPart,
    responses((status = 200, description = "The parts, in order.", body = ContentParts)),
)]
#[post("/v1/spaces/{space}/content/{id}/parts")]
#[tracing::instrument(skip_all)]
pub async fn add_part(
    call: Call,
    path: Path<(String, String)>,
    body: Json<AddPart>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::content::parts::add(state, auth, space, &id, body.0.clone()).await
    })
    .await
}

/// Reorder lessons or articles
///
/// Puts the parts in a new order: name every part once.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The course's or column's id")),
    request_body = ReorderParts,
    responses((status = 200, description = "The parts, in order.", body = ContentParts)),
)]
#[put("/v1/spaces/{space}/content/{id}/parts")]
#[tracing::instrument(skip_all)]
pub async fn reorder_parts(
    call: Call,
    path: Path<(String, String)>,
    body: Json<ReorderParts>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::content::parts::reorder(state, auth, space, &id, body.0.clone()).await
    })
    .await
}

/// Remove a lesson or an article
///
/// Takes a part out of its course or column; the item itself stays.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The course's or column's id"),
        ("part_id" = uuid::Uuid, Path, description = "The lesson's or article's id")),
    responses((status = 200, description = "The parts left, in order.", body = ContentParts)),
)]
#[delete("/v1/spaces/{space}/content/{id}/parts/{part_id}")]
#[tracing::instrument(skip_all)]
pub async fn remove_part(
    call: Call,
    path: Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, id, part_id) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        service::content::parts::remove(state, auth, space, &id, &part_id).await
    })
    .await
}
