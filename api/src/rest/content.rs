//! `/v1/spaces/{space}/content`: drafting, editing, publishing and reading content.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{ContentItem, CreateContent, EditContent};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::service::catalog;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, patch, post};
use lyceum_domain::content::ContentCommand;
use lyceum_projections::content::queries::ContentFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// Create a draft
///
/// Creates a content item as a draft. `access` decides who may read the body once published:
/// `public`, any `members`, or members of specific `tiers` (which must exist in this space).
#[utoipa::path(
    tag = "content",
    request_body = CreateContent,
    responses((status = 201, description = "The draft was created.", body = ContentItem)),
)]
#[post("/v1/spaces/{space}/content")]
#[tracing::instrument(skip_all)]
pub async fn create_content(
    call: Call,
    path: Path<String>,
    body: Json<CreateContent>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::content::create(state, auth, space, body.0.clone()).await
    })
    .await
}

/// Filters for the content list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContentQuery {
    /// Only items in this status: `draft`, `published`, `unpublished` or `archived` (ignored
    /// for member sessions, which see published items only).
    pub status: Option<String>,
    /// Only items of this kind: `post`, `article`, `course`, `lesson` or `column`.
    pub kind: Option<String>,
    /// Only items filed under this topic.
    pub topic: Option<String>,
    /// Only items with this tag.
    pub tag: Option<String>,
    /// Only the items the creator features.
    pub featured: Option<bool>,
    /// Only the item with this external id (the one an import or a migration gave it).
    pub external_id: Option<String>,
}

/// List content
///
/// Lists the space's content, newest first, a page at a time, optionally of one status, kind,
/// topic or tag, or only the featured items. A member session sees the published catalog:
/// items its access does not cover come `locked`, with the excerpt, without the body, and with
/// what would unlock them.
#[utoipa::path(
    tag = "content",
    params(ContentQuery, PageQuery),
    responses((status = 200, description = "A page of content items.", body = Paged<ContentItem>)),
)]
#[get("/v1/spaces/{space}/content")]
#[tracing::instrument(skip_all)]
pub async fn list_content(
    call: Call,
    path: Path<String>,
    page: Query<PageQuery>,
    filter: Query<ContentQuery>,
    _fresh: Fresh<(read_model::Content, read_model::Entitlements)>,
) -> Result<Json<Paged<ContentItem>>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    let viewer = catalog::viewer(&call.state, &call.auth, space.id).await?;
    let filter = filter.into_inner();
    let filter = ContentFilter {
        status: filter.status,
        kind: filter.kind,
        topic_id: filter.topic,
        tag: filter.tag.map(|t| t.trim().to_lowercase()),
        featured: filter.featured.unwrap_or(false),
        external_id: filter.external_id,
    };
    let page = catalog::list(&call.state, &viewer, space.id, filter, page.slice()?).await?;
    Ok(Json(Paged::from_page(page, |item| item)))
}

/// Get a content item
///
/// Returns one item of the space's catalog. A member session sees published items only, and
/// an item its access does not cover comes `locked`: excerpt yes, body no.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The item.", body = ContentItem)),
)]
#[get("/v1/spaces/{space}/content/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_content(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<(read_model::Content, read_model::Entitlements)>,
) -> Result<Json<ContentItem>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let viewer = catalog::viewer(&call.state, &call.auth, space.id).await?;
    Ok(Json(
        catalog::get(&call.state, &viewer, space.id, &id).await?,
    ))
}

/// Edit a content item
///
/// Changes the title, body, excerpt or access policy of an item in any status. Fields left out
/// keep their value; an edit that changes nothing records no event.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    request_body = EditContent,
    responses((status = 200, description = "The item after the edit.", body = ContentItem)),
)]
#[patch("/v1/spaces/{space}/content/{id}")]
#[tracing::instrument(skip_all)]
pub async fn edit_content(
    call: Call,
    path: Path<(String, String)>,
    body: Json<EditContent>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        let command = service::content::edit_command(body.0.clone());
        service::content::change(state, auth, space, &id, command).await
    })
    .await
}

/// Runs a content command that takes no body: a publication, an archive, a flag.
pub(crate) async fn transition(
    call: Call,
    path: Path<(String, String)>,
    command: ContentCommand,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        service::content::change(state, auth, space, &id, command).await
    })
    .await
}

/// Publish a content item
///
/// Publishes a draft or an unpublished item. Publishing a published item is refused with
/// `invalid_transition`.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The published item.", body = ContentItem)),
)]
#[post("/v1/spaces/{space}/content/{id}/publish")]
#[tracing::instrument(skip_all)]
pub async fn publish_content(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    transition(call, path, ContentCommand::Publish).await
}

/// Unpublish a content item
///
/// Takes a published item out of the catalog; it can be published again. Only published items
/// can be unpublished.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The unpublished item.", body = ContentItem)),
)]
#[post("/v1/spaces/{space}/content/{id}/unpublish")]
#[tracing::instrument(skip_all)]
pub async fn unpublish_content(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    transition(call, path, ContentCommand::Unpublish).await
}
