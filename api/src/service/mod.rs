//! Commands as both REST and GraphQL run them: parse the input into domain values, load what
//! the decision needs, decide, and plan the append. Nothing here knows about HTTP bodies.

pub mod activity;
pub mod analytics;
pub mod audit;
pub mod catalog;
pub mod check_ins;
pub mod checkout;
pub mod comments;
pub mod content;
pub mod engagement;
pub mod feed;
pub mod history;
pub mod identity;
pub mod keys;
pub mod ledger;
pub mod members;
pub mod moderation;
pub mod offers;
pub mod orders;
pub mod points;
pub mod progress;
pub mod questions;
pub mod reads;
pub mod reports;
pub mod search;
pub mod spaces;
pub mod stripe;
pub mod subscriptions;
pub mod terms;
pub mod tiers;
pub mod topics;
pub mod webhooks;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
pub use lyceum_domain::InSpace;
use lyceum_domain::ids::{MemberId, SpaceId};
use lyceum_domain::space::{Space, SpaceState};
use lyceum_store::Append;
use lyceum_store::Db;
use lyceum_store::command::{Loaded, append_for, load};
use uuid::Uuid;

/// The append of `events` to the aggregate `id`, loaded at `version` (0 for a new one),
/// recorded as the caller's in `space`, with no side writes.
pub fn append_in<A: Aggregate>(
    auth: &Auth,
    space: &SpaceRef,
    id: Uuid,
    version: i64,
    events: &[A::Event],
) -> Result<Append, ApiError> {
    let metadata = metadata(auth, Some(space.id));
    Ok(append_for::<A>(id, version, events, metadata, vec![])?)
}

/// The space's current state, from its own stream (never behind a read model).
pub async fn space_now(state: &AppState, space: &SpaceRef) -> Result<SpaceState, ApiError> {
    load::<Space>(&state.db, space.id.0)
        .await?
        .state
        .created
        .ok_or_else(|| ApiError::not_found("space"))
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

/// Loads an aggregate that a request's body names, which must exist in `space`: anything else
/// is 422 `validation_failed` naming `field`, since a 404 would say the path's resource is
/// unknown.
pub async fn load_referenced<A: InSpace>(
    db: &Db,
    space: SpaceId,
    id: Uuid,
    field: &str,
) -> Result<Loaded<A>, ApiError> {
    match load_in_space::<A>(db, space, id).await {
        Err(error) if error.code == lyceum_domain::Code::NotFound => {
            Err(unknown_reference::<A>(field))
        }
        loaded => loaded,
    }
}

/// The 422 for a body's `field` that names nothing of kind `A` in the space.
pub fn unknown_reference<A: InSpace>(field: &str) -> ApiError {
    ApiError::new(
        lyceum_domain::Code::ValidationFailed,
        format!("{field} names no {} of this space", A::NOUN),
    )
}

/// Loads an aggregate of `space` that the caller may act on: any of the space's for a key, only
/// its own for a member session. Anything else is 404, exactly like an unknown id, so a member
/// learns nothing about other members' ids.
pub async fn load_for<A: InSpace>(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    id: Uuid,
) -> Result<Loaded<A>, ApiError> {
    let loaded = load_in_space::<A>(&state.db, space.id, id).await?;
    match auth.member_id() {
        Some(member) if loaded.state.owner() != Some(MemberId(member)) => {
            Err(ApiError::not_found(A::NOUN))
        }
        _ => Ok(loaded),
    }
}

/// A decision on an aggregate of the caller's space, planned but not yet appended.
pub struct Decision<A: Aggregate> {
    pub append: Append,
    /// The aggregate after the decision.
    pub state: A,
    /// Every event with the time it was (or will be) recorded, the new ones last.
    pub history: Vec<(A::Event, String)>,
    /// The position of the aggregate's last stored event: what a change of nothing reports.
    position: Option<i64>,
}

impl<A: Aggregate> Decision<A> {
    /// The plan that appends the decision (if it changed anything) and answers `output`.
    pub fn planned<T>(self, output: T) -> Planned<T> {
        Planned::maybe(Outcome::Changed, output, self.append, self.position)
    }
}

/// Loads an aggregate the caller may act on in `space` (404 otherwise, see [`load_for`]),
/// decides `command`, and plans the append.
pub async fn decide_in_space<A: InSpace>(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    id: Uuid,
    command: A::Command,
) -> Result<Decision<A>, ApiError> {
    let loaded = load_for::<A>(state, auth, space, id).await?;
    decide_loaded(auth, space, id, loaded, command)
}

/// Decides `command` on an aggregate already loaded (for commands that need its state first,
/// such as a quote), and plans the append after the loaded version.
pub fn decide_loaded<A: InSpace>(
    auth: &Auth,
    space: &SpaceRef,
    id: Uuid,
    loaded: Loaded<A>,
    command: A::Command,
) -> Result<Decision<A>, ApiError> {
    let events = loaded.state.decide(command)?;
    let append = append_in::<A>(auth, space, id, loaded.version, &events)?;
    let mut aggregate = loaded.state;
    for event in &events {
        aggregate.apply(event);
    }
    let mut history = loaded.history;
    history.extend(
        events
            .into_iter()
            .map(|e| (e, append.occurred().to_owned())),
    );
    Ok(Decision {
        append,
        state: aggregate,
        history,
        position: loaded.position,
    })
}

/// Parses a path id.
pub fn parse_id(raw: &str, noun: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::bad_request(format!("{noun} id must be a UUID")))
}
