//! `GET /v1/spaces/{space}/feed`: what a member can read, newest first.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::ContentItem;
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::space::Intent;
use actix_web::get;
use actix_web::web::{Json, Path, Query};

/// A member's feed
///
/// The space's published items the caller may read, newest first, a page at a time. A member
/// session sees only items its tiers, purchases or membership admit, whole; items it cannot
/// open are left out (the catalog at `…/content` shows them locked). An API key sees every
/// published item.
#[utoipa::path(
    tag = "content",
    params(PageQuery),
    responses((status = 200, description = "A page of the feed.", body = Paged<ContentItem>)),
)]
#[get("/v1/spaces/{space}/feed")]
#[tracing::instrument(skip_all)]
pub async fn get_feed(
    call: Call,
    path: Path<String>,
    page: Query<PageQuery>,
    _fresh: Fresh<(read_model::Content, read_model::Entitlements)>,
) -> Result<Json<Paged<ContentItem>>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    let viewer = service::catalog::viewer(&call.state, &call.auth, space.id).await?;
    let feed = service::feed::page(&call.state, &viewer, &space, page.slice()?).await?;
    Ok(Json(Paged::from_page(feed, |item| item)))
}
