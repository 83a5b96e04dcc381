//! Reads about one member's engagement: their activity log and activity features. A member
//! session reads its own; a key reads any member of its space; anyone else's is 404.

use super::reads::{map, member};
use crate::auth::Auth;
use crate::dto::{Activity, ActivityFeatures, Interaction};
use crate::error::ApiError;
use crate::pagination::Slice;
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Code;
use lyceum_projections::interactions::queries;
use lyceum_projections::page::Page;
use uuid::Uuid;

/// The member a read is about: for a member session, itself (another member's id is 404, like
/// an unknown one); for a key, `member_id`, which must be a member of the space.
pub async fn member_of(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: Option<&str>,
) -> Result<Uuid, ApiError> {
    let named = member_id
        .map(|m| super::parse_id(m, "member"))
        .transpose()?;
    if let Some(own) = auth.member_id() {
        return match named {
            Some(other) if other != own => Err(ApiError::not_found("member")),
            _ => Ok(own),
        };
    }
    // Required of a key, not of a member session, so the schema cannot say it: 422, not 400.
    let named = named.ok_or_else(|| {
        ApiError::new(
            Code::ValidationFailed,
            "name the member: a key must give member_id",
        )
    })?;
    Ok(member(state, space.id.0, named).await?.id)
}

/// A member's activity, newest first, a page at a time.
pub async fn activity(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    page: Slice,
) -> Result<Page<Activity>, ApiError> {
    let member = member_of(state, auth, space, Some(member_id)).await?;
    let before = page.before()?;
    let (space, member) = (space.id.to_string(), member.to_string());
    let page = queries::activity(&state.db, &space, &member, before, page.limit).await?;
    Ok(map(page, Activity::from))
}

/// A member's activity features now.
pub async fn features(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
) -> Result<ActivityFeatures, ApiError> {
    let member = member_of(state, auth, space, Some(member_id)).await?;
    let features = queries::member_features(
        &state.db,
        &space.id.to_string(),
        &member.to_string(),
        state.clock.now(),
    )
    .await?;
    Ok(ActivityFeatures::new(member, features))
}

/// The space's interaction matrix (of one member, if named), a page at a time.
pub async fn interactions(
    state: &AppState,
    space: &SpaceRef,
    member_id: Option<&str>,
    page: Slice,
) -> Result<Page<Interaction>, ApiError> {
    let member = member_id
        .map(|m| super::parse_id(m, "member"))
        .transpose()?
        .map(|m| m.to_string());
    if page.after().is_some_and(|key| !queries::valid_cursor(key)) {
        return Err(ApiError::bad_request("cursor is not valid"));
    }
    let space = space.id.to_string();
    let page = queries::interactions(
        &state.db,
        &space,
        member.as_deref(),
        page.after(),
        page.limit,
    )
    .await?;
    Ok(map(page, Interaction::from))
}
