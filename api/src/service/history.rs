//! One aggregate's history for auditors: its stream cut at a position or a time of the log, and
//! its state as of that point, folded through the domain's own `Aggregate::apply`. The one place
//! that maps an aggregate type's name to its aggregate.

use crate::auth::{Auth, Role};
use crate::dto::history::StreamState;
use crate::error::ApiError;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use lyceum_domain::content::Content;
use lyceum_domain::content::question::Question;
use lyceum_domain::content::topic::Topic;
use lyceum_domain::engagement::comment::Comment;
use lyceum_domain::engagement::interaction::Interaction;
use lyceum_domain::engagement::progress::CourseProgress;
use lyceum_domain::engagement::report::Report;
use lyceum_domain::gamification::check_in::CheckInLog;
use lyceum_domain::gamification::project::CheckInProject;
use lyceum_domain::membership::member::Member;
use lyceum_domain::membership::offer::Offer;
use lyceum_domain::membership::subscription::Subscription;
use lyceum_domain::membership::tier::Tier;
use lyceum_domain::payment::order::Order;
use lyceum_domain::space::Space;
use lyceum_domain::webhook::WebhookEndpoint;
use lyceum_domain::{Aggregate, Code};
use lyceum_store::{StoreError, StoredEvent};
use serde::Serialize;
use serde_json::Value;

/// Folds a stream into its aggregate's state, serialised.
type Fold = fn(&[StoredEvent]) -> Result<Value, ApiError>;

/// Every aggregate type the log holds, with how its stream folds. An aggregate added to the
/// domain joins here; until it does, reading its state fails as an internal error.
const AGGREGATES: [(&str, Fold); 16] = [
    (Space::TYPE, fold::<Space>),
    (Tier::TYPE, fold::<Tier>),
    (Member::TYPE, fold::<Member>),
    (Subscription::TYPE, fold::<Subscription>),
    (Offer::TYPE, fold::<Offer>),
    (Order::TYPE, fold::<Order>),
    (Content::TYPE, fold::<Content>),
    (Question::TYPE, fold::<Question>),
    (Topic::TYPE, fold::<Topic>),
    (Comment::TYPE, fold::<Comment>),
    (Interaction::TYPE, fold::<Interaction>),
    (CourseProgress::TYPE, fold::<CourseProgress>),
    (Report::TYPE, fold::<Report>),
    (CheckInLog::TYPE, fold::<CheckInLog>),
    (CheckInProject::TYPE, fold::<CheckInProject>),
    (WebhookEndpoint::TYPE, fold::<WebhookEndpoint>),
];

/// The names of every aggregate type, in the order the contract lists them.
pub fn aggregate_types() -> impl Iterator<Item = &'static str> {
    AGGREGATES.iter().map(|(name, _)| *name)
}

/// Where a history is cut: the last event it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Every event.
    Head,
    /// Events at or below this global position.
    Position(i64),
    /// Events recorded at or before this time (the stream up to the first recorded later).
    Time(DateTime<Utc>),
}

impl Cut {
    /// The cut a request asks for: at most one of a position and an RFC 3339 time.
    pub fn parse(as_of_position: Option<i64>, as_of: Option<&str>) -> Result<Self, ApiError> {
        let position = as_of_position
            .map(|p| {
                (p >= 0).then_some(p).ok_or_else(|| {
                    ApiError::bad_request("as_of_position must be a non-negative position")
                })
            })
            .transpose()?;
        let time = as_of
            .map(|t| {
                lyceum_store::time::parse(t)
                    .map_err(|_| ApiError::bad_request("as_of must be an RFC 3339 time"))
            })
            .transpose()?;
        match (position, time) {
            (Some(_), Some(_)) => Err(ApiError::new(
                Code::ValidationFailed,
                "give as_of_position or as_of, not both",
            )),
            (Some(position), None) => Ok(Cut::Position(position)),
            (None, Some(time)) => Ok(Cut::Time(time)),
            (None, None) => Ok(Cut::Head),
        }
    }
}

/// The events of one aggregate the caller may read, cut at `cut`, in version order. Admin or
/// auditor keys; an auditor reads only its space's aggregates. A stream with no event at that
/// point, or one the caller may not read, is not found.
pub async fn stream(
    state: &AppState,
    auth: &Auth,
    aggregate_type: &str,
    aggregate_id: &str,
    cut: Cut,
) -> Result<Vec<StoredEvent>, ApiError> {
    auth.require_history_reader()?;
    let id = super::parse_id(aggregate_id, "aggregate")?;
    let through = match cut {
        Cut::Position(position) => position,
        Cut::Head | Cut::Time(_) => i64::MAX,
    };
    let mut events =
        lyceum_store::read::stream_through(&state.db, aggregate_type, id, through).await?;
    if let Cut::Time(as_of) = cut {
        // Compared as times, not as text: the stored text is fixed-width, but a row written
        // another way would still compare right.
        let mut kept = 0;
        for event in &events {
            if lyceum_store::time::parse(&event.recorded_at)? > as_of {
                break;
            }
            kept += 1;
        }
        events.truncate(kept);
    }
    let visible = match auth.0.role {
        Role::Admin => true,
        _ => events
            .iter()
            .all(|e| e.space_id.is_some() && e.space_id == auth.0.space_id),
    };
    if events.is_empty() || !visible {
        return Err(ApiError::not_found("stream"));
    }
    Ok(events)
}

/// One aggregate's state as of `cut`, for the callers [`stream`] lets read it.
pub async fn state_as_of(
    state: &AppState,
    auth: &Auth,
    aggregate_type: &str,
    aggregate_id: &str,
    cut: Cut,
) -> Result<StreamState, ApiError> {
    let events = stream(state, auth, aggregate_type, aggregate_id, cut).await?;
    let last = events.last().ok_or_else(|| ApiError::not_found("stream"))?;
    let folded = fold_stream(aggregate_type, &events)?;
    Ok(StreamState {
        aggregate_type: last.aggregate_type.clone(),
        aggregate_id: last.aggregate_id,
        version: last.version,
        position: last.position,
        recorded_at: last.recorded_at.clone(),
        state: folded,
    })
}

/// The state `events` fold to, by the aggregate `aggregate_type` names.
fn fold_stream(aggregate_type: &str, events: &[StoredEvent]) -> Result<Value, ApiError> {
    let (_, fold) = AGGREGATES
        .iter()
        .find(|(name, _)| *name == aggregate_type)
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "the log holds {aggregate_type} events, which no aggregate folds"
            ))
        })?;
    fold(events)
}

fn fold<A: Aggregate + Serialize>(events: &[StoredEvent]) -> Result<Value, ApiError> {
    let mut aggregate = A::default();
    for stored in events {
        aggregate.apply(&stored.decode::<A::Event>()?);
    }
    serde_json::to_value(&aggregate)
        .map_err(|e| ApiError::from(StoreError::Corrupt(format!("state of {}: {e}", A::TYPE))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aggregate_type_is_named_once_and_folds_an_empty_stream_to_an_object() {
        let mut names: Vec<&str> = aggregate_types().collect();
        for name in &names {
            let state = fold_stream(name, &[]).unwrap_or_else(|_| panic!("{name} folds"));
            assert!(state.is_object(), "{name}: {state}");
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AGGREGATES.len());
        assert!(fold_stream("ledger", &[]).is_err());
    }

    #[test]
    fn a_cut_is_a_position_or_a_time_never_both() {
        assert_eq!(Cut::parse(None, None).ok(), Some(Cut::Head));
        assert_eq!(Cut::parse(Some(7), None).ok(), Some(Cut::Position(7)));
        let time = Cut::parse(None, Some("2026-11-21T09:05:00+01:00")).ok();
        assert_eq!(
            time,
            lyceum_store::time::parse("2026-11-21T08:05:00Z")
                .ok()
                .map(Cut::Time)
        );
        let code = |r: Result<Cut, ApiError>| r.err().map(|e| e.code);
        assert_eq!(
            code(Cut::parse(Some(7), Some("2026-11-21T08:05:00Z"))),
            Some(Code::ValidationFailed)
        );
        assert_eq!(code(Cut::parse(Some(-1), None)), Some(Code::BadRequest));
        assert_eq!(
            code(Cut::parse(None, Some("yesterday"))),
            Some(Code::BadRequest)
        );
    }
}
