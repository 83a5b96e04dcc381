//! Resolving `{space}` (an id or a slug) and checking that the caller may touch it. A space the
//! caller may not see answers 404, exactly like one that does not exist; a member session
//! answers 403 in its own space on creator routes, reads the catalog of its own space, changes
//! its own things where a route allows it, and answers 404 in any other.

use crate::auth::{Auth, Role};
use crate::error::ApiError;
use crate::state::AppState;
use lyceum_domain::ids::SpaceId;

/// A space the caller may use.
#[derive(Debug, Clone)]
pub struct SpaceRef {
    pub id: SpaceId,
    pub slug: String,
}

/// Whether the caller wants to read or to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Read,
    Write,
    /// A read that a member session may make too (the catalog), seeing what its access allows.
    MemberRead,
    /// A change a member session may make too, to what it owns: the service layer loads with
    /// [`crate::service::load_for`], which hides other members' things.
    MemberWrite,
}

/// Resolves `id_or_slug` for a caller who needs no key (sign-up and sign-in): any existing
/// space, 404 otherwise.
pub async fn resolve_public(state: &AppState, id_or_slug: &str) -> Result<SpaceRef, ApiError> {
    let not_found = || ApiError::not_found("space");
    if id_or_slug.len() > 100 {
        return Err(not_found());
    }
    let (id, slug) = lyceum_store::slugs::resolve(&state.db, id_or_slug)
        .await?
        .ok_or_else(not_found)?;
    Ok(SpaceRef {
        id: SpaceId(id),
        slug,
    })
}

/// Resolves `id_or_slug` for this caller.
pub async fn resolve(
    state: &AppState,
    auth: &Auth,
    id_or_slug: &str,
    intent: Intent,
) -> Result<SpaceRef, ApiError> {
    let space = resolve_public(state, id_or_slug).await?;
    let principal = &auth.0;
    if principal.role != Role::Admin && principal.space_id != Some(space.id.0) {
        return Err(ApiError::not_found("space"));
    }
    if principal.role == Role::Member && !matches!(intent, Intent::MemberRead | Intent::MemberWrite)
    {
        return Err(ApiError::forbidden(
            "member sessions may not use a space's creator routes",
        ));
    }
    if principal.role == Role::Auditor && matches!(intent, Intent::Write | Intent::MemberWrite) {
        return Err(ApiError::forbidden("auditor keys are read-only"));
    }
    Ok(space)
}
