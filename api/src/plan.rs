//! A decided command, as the service layer hands it to REST and GraphQL: what to append and
//! what to answer, with the kind of outcome in the domain's words. Nothing here knows HTTP;
//! `crate::write` turns an [`Outcome`] into a status code, and [`commit`] appends a plan
//! without an idempotency record (GraphQL).

use crate::auth::Auth;
use crate::error::ApiError;
use crate::request_id;
use crate::state::AppState;
use lyceum_domain::ids::SpaceId;
use lyceum_store::append::{self, Append, Metadata};

/// What a command did, for the answer: REST maps it to 201, 200, 202 or 204.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new resource, answered in full.
    Created,
    /// An existing resource changed (or was read back), answered as it is now.
    Changed,
    /// Taken on, to be carried out later; answered with what was queued.
    Accepted,
    /// Done, with nothing to answer.
    Done,
}

/// A decided command: what to append and what to answer.
pub struct Planned<T> {
    pub outcome: Outcome,
    pub output: T,
    /// `None` when the command changed nothing.
    pub append: Option<Append>,
    /// The position to report when nothing is appended: the aggregate's last event.
    pub position: Option<i64>,
    /// What to store for replays instead of the response body (to keep secrets out).
    pub replay_body: Option<serde_json::Value>,
}

impl<T> Planned<T> {
    pub fn new(outcome: Outcome, output: T, append: Append) -> Self {
        Self {
            outcome,
            output,
            append: Some(append),
            position: None,
            replay_body: None,
        }
    }

    /// Appends `append` if it holds events, otherwise reports `position`.
    pub fn maybe(outcome: Outcome, output: T, append: Append, position: Option<i64>) -> Self {
        let append =
            (!append.events.is_empty() || !append.side_writes.is_empty()).then_some(append);
        Self {
            outcome,
            output,
            append,
            position,
            replay_body: None,
        }
    }

    /// The same plan answering `f(output)`: for callers that wrap a service's answer.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Planned<U> {
        Planned {
            outcome: self.outcome,
            output: f(self.output),
            append: self.append,
            position: self.position,
            replay_body: self.replay_body,
        }
    }
}

/// Event metadata for a command sent by this caller.
pub fn metadata(auth: &Auth, space_id: Option<SpaceId>) -> Metadata {
    Metadata {
        space_id: space_id.map(|s| s.0),
        actor: auth.actor(),
        correlation_id: request_id::correlation(),
        causation_id: None,
        request_id: request_id::current(),
    }
}

/// Appends a planned command without idempotency (GraphQL). Returns its output and position.
pub async fn commit<T>(
    state: &AppState,
    planned: Planned<T>,
) -> Result<(T, Option<i64>), ApiError> {
    let position = match &planned.append {
        Some(append) => append::append(&state.db, append, None).await?,
        None => None,
    };
    state.nudge.nudge();
    Ok((planned.output, position.or(planned.position)))
}
