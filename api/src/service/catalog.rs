//! Reading the catalog, for REST and GraphQL alike. API keys read everything. A member session
//! reads published items only, and an item its access does not cover comes locked: the
//! excerpt and what would unlock it, never the body. A lesson or article may also be read by
//! whoever the course or column it belongs to admits.

use crate::auth::{Auth, Role};
use crate::dto::{ContentItem, Revision};
use crate::error::ApiError;
use crate::pagination::Slice;
use crate::state::AppState;
use lyceum_domain::content::{Access, Reader};
use lyceum_domain::external_id::ExternalId;
use lyceum_domain::ids::{SpaceId, TierId};
use lyceum_projections::content;
use lyceum_projections::content::queries::{ContentFilter, ContentRow};
use lyceum_projections::members::access::MemberAccess;
use lyceum_projections::page::Page;
use uuid::Uuid;

/// What the caller may read: `None` for API keys (everything), a member session's
/// entitlements otherwise.
pub type Viewer = Option<MemberAccess>;

/// The caller's entitlements in `space`.
pub async fn viewer(state: &AppState, auth: &Auth, space: SpaceId) -> Result<Viewer, ApiError> {
    match (auth.0.role, auth.0.member_id) {
        (Role::Member, Some(member)) => Ok(Some(
            lyceum_projections::members::access::member_access(
                &state.db,
                &space.to_string(),
                &member.to_string(),
                state.clock.now(),
            )
            .await?,
        )),
        (Role::Member, None) => Err(ApiError::forbidden("this session names no member")),
        _ => Ok(None),
    }
}

/// Whether `access` admits this member to the item `id`.
fn admits(reader: &MemberAccess, access: &Access, id: Uuid) -> bool {
    let id = id.to_string();
    let tiers: Vec<TierId> = reader
        .tier_ids
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    access.admits(Reader {
        is_member: reader.is_member,
        tier_ids: &tiers,
        owns_item: reader.purchased_content_ids.contains(&id),
    })
}

/// An item as this viewer may see it: whole, or locked (no body). A policy that cannot be read
/// admits nobody: fail closed.
pub fn view(row: ContentRow, viewer: &Viewer) -> ContentItem {
    let Some(reader) = viewer else {
        return ContentItem::from(row);
    };
    let own = serde_json::from_value::<Access>(row.access.clone()).ok();
    let parent = match (&row.parent_id, &row.parent_access) {
        (Some(id), Some(access)) => serde_json::from_value::<Access>(access.clone())
            .ok()
            .map(|a| (*id, a)),
        _ => None,
    };
    let admitted = own.as_ref().is_some_and(|a| admits(reader, a, row.id))
        || parent
            .as_ref()
            .is_some_and(|(id, a)| admits(reader, a, *id));
    let item = ContentItem::from(row);
    if admitted {
        item
    } else {
        item.lock(
            own.as_ref().unwrap_or(&Access::Members),
            parent.as_ref().map(|(_, a)| a),
        )
    }
}

/// Whether the viewer sees the item at all: members see published items only; anything else
/// does not exist for them.
pub fn visible(row: &ContentRow, viewer: &Viewer) -> bool {
    viewer.is_none() || row.status == "published"
}

/// The statuses a list may ask for.
pub const STATUSES: [&str; 4] = ["draft", "published", "unpublished", "archived"];
/// The kinds a list may ask for.
pub const KINDS: [&str; 5] = ["post", "article", "course", "lesson", "column"];

/// A page of the space's catalog, newest first. A member's list is always of published items.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    space: SpaceId,
    mut filter: ContentFilter,
    page: Slice,
) -> Result<Page<ContentItem>, ApiError> {
    if let Some(status) = &filter.status
        && !STATUSES.contains(&status.as_str())
    {
        return Err(ApiError::bad_request(
            "status must be draft, published, unpublished or archived",
        ));
    }
    if let Some(kind) = &filter.kind
        && !KINDS.contains(&kind.as_str())
    {
        return Err(ApiError::bad_request(
            "kind must be post, article, course, lesson or column",
        ));
    }
    if let Some(topic) = &filter.topic_id {
        filter.topic_id = Some(crate::service::parse_id(topic, "topic")?.to_string());
    }
    if let Some(external) = filter.external_id.as_deref().filter(|e| !e.is_empty()) {
        ExternalId::parse(external)?;
    }
    if viewer.is_some() {
        filter.status = Some("published".into());
    }
    let page = lyceum_projections::content::queries::content(
        &state.db,
        &space.to_string(),
        &filter,
        page.after(),
        page.limit,
    )
    .await?;
    Ok(super::reads::map(page, |r| view(r, viewer)))
}

/// An item's revisions, newest first; `after` is the revision a previous page ended on. 404
/// for an item that is not in the space.
pub async fn revisions(
    state: &AppState,
    space: SpaceId,
    id: &str,
    page: Slice,
) -> Result<Page<Revision>, ApiError> {
    let id = crate::service::parse_id(id, "content")?.to_string();
    let before = page.before()?;
    let space = space.to_string();
    content::queries::content_item(&state.db, Some(&space), &id)
        .await?
        .ok_or_else(|| ApiError::not_found("content"))?;
    let page =
        content::queries::content_revisions(&state.db, &space, &id, before, page.limit).await?;
    Ok(super::reads::map(page, Revision::from))
}

/// An item by id, for a key: of the key's space, or of any for an admin key. `None` if there
/// is no such item (a malformed id names none).
pub async fn find(
    state: &AppState,
    auth: &Auth,
    id: &str,
) -> Result<Option<ContentItem>, ApiError> {
    let scope = match (auth.0.role, auth.0.space_id) {
        (Role::Admin, _) => None,
        (_, Some(space)) => Some(space.to_string()),
        (_, None) => return Ok(None),
    };
    let Ok(id) = Uuid::parse_str(id).map(|id| id.to_string()) else {
        return Ok(None);
    };
    let row = content::queries::content_item(&state.db, scope.as_deref(), &id).await?;
    Ok(row.map(ContentItem::from))
}

/// One item of the space's catalog, as the viewer may see it; 404 if they may not see it.
pub async fn get(
    state: &AppState,
    viewer: &Viewer,
    space: SpaceId,
    id: &str,
) -> Result<ContentItem, ApiError> {
    let id = crate::service::parse_id(id, "content")?;
    let row = lyceum_projections::content::queries::content_item(
        &state.db,
        Some(&space.to_string()),
        &id.to_string(),
    )
    .await?
    .filter(|row| visible(row, viewer))
    .ok_or_else(|| ApiError::not_found("content"))?;
    Ok(view(row, viewer))
}

/// A course's lessons or a column's articles, in order, as the viewer may see them.
pub async fn parts(
    state: &AppState,
    viewer: &Viewer,
    space: SpaceId,
    id: &str,
) -> Result<Vec<ContentItem>, ApiError> {
    let container = get(state, viewer, space, id).await?;
    let rows = lyceum_projections::content::queries::parts(
        &state.db,
        &space.to_string(),
        &container.id.to_string(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter(|row| visible(row, viewer))
        .map(|row| view(row, viewer))
        .collect())
}
