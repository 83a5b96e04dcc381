//! `/v1/spaces/{space}/content`: drafting, editing, publishing and reading content.

use crate::auth::{Auth, Role};
use crate::consistency::Fresh;
use crate::dto::{ContentItem, CreateContent, EditContent};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service::parse_id;
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
use crate::{service, write};
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use lyceum_domain::content::{Access, ContentCommand, Reader};
use lyceum_domain::ids::TierId;
use lyceum_projections::queries::{ContentRow, MemberAccess};
use serde::Deserialize;
use utoipa::IntoParams;

/// A member session's entitlements; `None` for API keys, which read every body.
async fn reader(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
) -> Result<Option<MemberAccess>, ApiError> {
    match (auth.0.role, auth.0.member_id) {
        (Role::Member, Some(member)) => Ok(Some(
            lyceum_projections::queries::member_access(
                &state.db,
                &space.id.to_string(),
                &member.to_string(),
            )
            .await?,
        )),
        (Role::Member, None) => Err(ApiError::forbidden("this session names no member")),
        _ => Ok(None),
    }
}

/// An item as this reader may see it: whole, or locked (no body) when the access policy does
/// not admit them. A policy that cannot be read locks the item: fail closed.
fn view(row: ContentRow, reader: Option<&MemberAccess>) -> ContentItem {
    let Some(reader) = reader else {
        return ContentItem::from(row);
    };
    let access = serde_json::from_value::<Access>(row.access.clone());
    let owns_item = reader.purchased_content_ids.contains(&row.id);
    let item = ContentItem::from(row);
    let tiers: Vec<TierId> = reader
        .tier_ids
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    let admitted = |access: &Access| {
        access.admits(Reader {
            is_member: reader.is_member,
            tier_ids: &tiers,
            owns_item,
        })
    };
    match access {
        Ok(access) if admitted(&access) => item,
        Ok(access) => item.locked(&access),
        Err(_) => item.locked(&Access::Members),
    }
}

/// Create a draft
///
/// Creates a content item as a draft. `access` decides who may read the body once published:
/// `public`, any `members`, or members of specific `tiers` (which must exist in this space).
#[utoipa::path(
    tag = "content",
    params(("space" = String, Path, description = "The space's id or slug")),
    request_body = CreateContent,
    responses((status = 201, description = "The draft was created.", body = ContentItem,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/content")]
#[tracing::instrument(skip_all)]
pub async fn create_content(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<String>,
    body: Json<CreateContent>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &path, Intent::Write).await?;
        service::content::create(&state, &auth, &space, body.clone()).await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}

/// Filters for the content list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContentQuery {
    /// Only items in this status: `draft`, `published` or `unpublished`.
    pub status: Option<String>,
}

/// List content
///
/// Lists the space's content, newest first, a page at a time, optionally of one status. A
/// member session sees the published catalog: items its access does not cover come `locked`,
/// with the excerpt, without the body, and with the tiers that would unlock them.
#[utoipa::path(
    tag = "content",
    params(("space" = String, Path, description = "The space's id or slug"), ContentQuery, PageQuery),
    responses((status = 200, description = "A page of content items.", body = Paged<ContentItem>)),
    security(("bearer" = []))
)]
#[get("/v1/spaces/{space}/content")]
#[tracing::instrument(skip_all)]
pub async fn list_content(
    state: Data<AppState>,
    auth: Auth,
    path: Path<String>,
    page: Query<PageQuery>,
    filter: Query<ContentQuery>,
    _fresh: Fresh,
) -> Result<Json<Paged<ContentItem>>, ApiError> {
    let space = resolve(&state, &auth, &path, Intent::MemberRead).await?;
    let reader = reader(&state, &auth, &space).await?;
    if let Some(status) = &filter.status
        && !["draft", "published", "unpublished"].contains(&status.as_str())
    {
        return Err(ApiError::bad_request(
            "status must be draft, published or unpublished",
        ));
    }
    // Members see the published catalog only.
    let status = match reader {
        Some(_) => Some("published"),
        None => filter.status.as_deref(),
    };
    let items = lyceum_projections::queries::content(
        &state.db,
        &space.id.to_string(),
        status,
        page.after()?.as_deref(),
        page.limit()?,
    )
    .await?;
    Ok(Json(Paged::from_page(items, |row| {
        view(row, reader.as_ref())
    })))
}

/// Get a content item
///
/// Returns one item of the space's catalog. A member session sees published items only, and
/// an item its access does not cover comes `locked`: excerpt yes, body no.
#[utoipa::path(
    tag = "content",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("id" = uuid::Uuid, Path, description = "The item's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The item.", body = ContentItem)),
    security(("bearer" = []))
)]
#[get("/v1/spaces/{space}/content/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_content(
    state: Data<AppState>,
    auth: Auth,
    path: Path<(String, String)>,
    _fresh: Fresh,
) -> Result<Json<ContentItem>, ApiError> {
    let (space, id) = path.into_inner();
    let space = resolve(&state, &auth, &space, Intent::MemberRead).await?;
    let reader = reader(&state, &auth, &space).await?;
    let id = parse_id(&id, "content")?;
    let row = lyceum_projections::queries::content_item(
        &state.db,
        Some(&space.id.to_string()),
        &id.to_string(),
    )
    .await?
    // Members see published items only; anything else does not exist for them.
    .filter(|row| reader.is_none() || row.status == "published")
    .ok_or_else(|| ApiError::not_found("content"))?;
    Ok(Json(view(row, reader.as_ref())))
}

/// Edit a content item
///
/// Changes the title, body, excerpt or access policy of an item in any status. Fields left out
/// keep their value; an edit that changes nothing records no event.
#[utoipa::path(
    tag = "content",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("id" = uuid::Uuid, Path, description = "The item's id")),
    request_body = EditContent,
    responses((status = 200, description = "The item after the edit.", body = ContentItem,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[patch("/v1/spaces/{space}/content/{id}")]
#[tracing::instrument(skip_all)]
pub async fn edit_content(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
    body: Json<EditContent>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &space, Intent::Write).await?;
        let command = service::content::edit_command(body.clone());
        service::content::change(&state, &auth, &space, &id, command).await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}

async fn transition(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
    command: ContentCommand,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &space, Intent::Write).await?;
        service::content::change(&state, &auth, &space, &id, command).await
    };
    write::respond(&state, &req, &auth, &(), plan).await
}

/// Publish a content item
///
/// Publishes a draft or an unpublished item. Publishing a published item is refused with
/// `invalid_transition`.
#[utoipa::path(
    tag = "content",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The published item.", body = ContentItem,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/content/{id}/publish")]
#[tracing::instrument(skip_all)]
pub async fn publish_content(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    transition(state, req, auth, path, ContentCommand::Publish).await
}

/// Unpublish a content item
///
/// Takes a published item out of the catalog; it can be published again. Only published items
/// can be unpublished.
#[utoipa::path(
    tag = "content",
    params(("space" = String, Path, description = "The space's id or slug"),
        ("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The unpublished item.", body = ContentItem,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/content/{id}/unpublish")]
#[tracing::instrument(skip_all)]
pub async fn unpublish_content(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    transition(state, req, auth, path, ContentCommand::Unpublish).await
}
