//! The event history for auditors: the global feed in position order (one aggregate's stream
//! and its state are `streams.rs`'s). Admin keys see everything; auditor keys see their own
//! space.

use super::call::Call;
use crate::auth::Role;
use crate::dto::Event;
use crate::error::ApiError;
use crate::pagination::{MAX_LIMIT, Paged};
use actix_web::get;
use actix_web::web::{Json, Query};
use lyceum_store::read::{Filter, read_after};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

/// Feed parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Return events after this global position (the previous page's `next_cursor`). Default 0.
    pub after: Option<String>,
    /// How many events, 1 to 100. Default 100.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Comma-separated event types, such as `SpaceCreated,MemberAdded`.
    pub types: Option<String>,
    /// Only events of this aggregate type, such as `space`, `tier`, `member` or `content`.
    pub aggregate_type: Option<String>,
    /// Only events of this aggregate.
    pub aggregate_id: Option<Uuid>,
    /// Only events recorded at or after this time (RFC 3339).
    pub since: Option<String>,
    /// Only events recorded before this time (RFC 3339).
    pub until: Option<String>,
}

fn time_bound(name: &str, raw: &Option<String>) -> Result<Option<String>, ApiError> {
    raw.as_deref()
        .map(|t| {
            lyceum_store::time::parse(t)
                .map(lyceum_store::time::format)
                .map_err(|_| ApiError::bad_request(format!("{name} must be an RFC 3339 time")))
        })
        .transpose()
}

/// Read the global event feed
///
/// Returns events in global position order. The feed never shows a position while a lower one
/// may still commit, so paging with `after` never skips an event. Admin or auditor keys; an
/// auditor sees only its space's events.
#[utoipa::path(
    tag = "events",
    params(FeedQuery),
    responses((status = 200, description = "A page of events.", body = Paged<Event>)),
)]
#[get("/v1/events")]
#[tracing::instrument(skip_all)]
pub async fn list_events(
    call: Call,
    query: Query<FeedQuery>,
) -> Result<Json<Paged<Event>>, ApiError> {
    call.auth.require_history_reader()?;
    let after = match query.after.as_deref() {
        None | Some("") => 0,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 0)
            .ok_or_else(|| ApiError::bad_request("after must be a non-negative position"))?,
    };
    let limit = query.limit.unwrap_or(MAX_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let filter = Filter {
        space_id: match call.auth.0.role {
            Role::Admin => None,
            _ => call.auth.0.space_id,
        },
        event_types: query
            .types
            .as_deref()
            .map(|t| {
                t.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        aggregate_type: query.aggregate_type.clone(),
        aggregate_id: query.aggregate_id,
        since: time_bound("since", &query.since)?,
        until: time_bound("until", &query.until)?,
    };
    let events = read_after(&call.state.db, after, limit, &filter).await?;
    let next_cursor = (events.len() as i64 == limit)
        .then(|| events.last().map(|e| e.position.to_string()))
        .flatten();
    Ok(Json(Paged {
        data: events.into_iter().map(Event::from).collect(),
        next_cursor,
    }))
}
