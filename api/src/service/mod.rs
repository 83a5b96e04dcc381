//! Commands as both REST and GraphQL run them: parse the input into domain values, load what
//! the decision needs, decide, and plan the append. Nothing here knows about HTTP bodies.

pub mod content;
pub mod identity;
pub mod keys;
pub mod members;
pub mod spaces;
pub mod subscriptions;
pub mod tiers;
pub mod webhooks;

use crate::error::ApiError;
use lyceum_domain::Aggregate;
use lyceum_domain::content::Content;
use lyceum_domain::ids::SpaceId;
use lyceum_domain::membership::member::Member;
use lyceum_domain::membership::tier::Tier;
use lyceum_domain::space::Space;
use lyceum_store::Db;
use lyceum_store::command::{Loaded, load};
use uuid::Uuid;

/// Aggregates that belong to one space.
pub trait InSpace: Aggregate {
    /// The name used in "not found" messages.
    const NOUN: &'static str;
    fn space_id(&self) -> Option<SpaceId>;
}

impl InSpace for Space {
    const NOUN: &'static str = "space";
    fn space_id(&self) -> Option<SpaceId> {
        None
    }
}

impl InSpace for Tier {
    const NOUN: &'static str = "tier";
    fn space_id(&self) -> Option<SpaceId> {
        self.defined.as_ref().map(|t| t.space_id)
    }
}

impl InSpace for Member {
    const NOUN: &'static str = "member";
    fn space_id(&self) -> Option<SpaceId> {
        self.state.as_ref().map(|m| m.space_id)
    }
}

impl InSpace for lyceum_domain::membership::subscription::Subscription {
    const NOUN: &'static str = "subscription";
    fn space_id(&self) -> Option<SpaceId> {
        self.state.as_ref().map(|s| s.space_id)
    }
}

impl InSpace for Content {
    const NOUN: &'static str = "content";
    fn space_id(&self) -> Option<SpaceId> {
        self.state.as_ref().map(|c| c.space_id)
    }
}

/// Loads an aggregate that must exist in `space`; anything else is 404.
pub async fn load_in_space<A: InSpace>(
    db: &Db,
    space: SpaceId,
    id: Uuid,
) -> Result<Loaded<A>, ApiError> {
    let loaded = load::<A>(db, id).await?;
    if loaded.state.space_id() == Some(space) {
        Ok(loaded)
    } else {
        Err(ApiError::not_found(A::NOUN))
    }
}

/// Parses a path id.
pub fn parse_id(raw: &str, noun: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::bad_request(format!("{noun} id must be a UUID")))
}
