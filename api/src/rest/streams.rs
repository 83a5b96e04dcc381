//! One aggregate's history for auditors: its stream, and its state as of a point of the log,
//! both cut at a position or a time. Thin handlers over `service::history`.

use super::call::Call;
use crate::dto::Event;
use crate::dto::history::StreamState;
use crate::error::ApiError;
use crate::service::history::{self, Cut};
use actix_web::get;
use actix_web::web::{Json, Path, Query};
use serde::Deserialize;
use utoipa::IntoParams;

/// Where to cut the history. Give at most one of the two: both at once is refused with 422
/// `validation_failed`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// Only events at or below this global position (a write's `Lyceum-Position`). Not with
    /// `as_of`: both at once is 422 `validation_failed`.
    pub as_of_position: Option<i64>,
    /// Only events recorded at or before this time (RFC 3339). Not with `as_of_position`: both
    /// at once is 422 `validation_failed`.
    pub as_of: Option<String>,
}

impl AsOfQuery {
    fn cut(&self) -> Result<Cut, ApiError> {
        Cut::parse(self.as_of_position, self.as_of.as_deref())
    }
}

/// Read one aggregate's history
///
/// Returns the events of one aggregate in version order, all of them or those up to
/// `as_of_position` or `as_of`. The aggregate types are `space`, `tier`, `member`,
/// `subscription`, `offer`, `order`, `content`, `question`, `topic`, `comment`, `interaction`,
/// `course_progress`, `report`, `check_in_log`, `check_in_project` and `webhook_endpoint`.
/// Admin or auditor keys; an auditor sees only its space's aggregates. A stream with no event
/// up to the cut is not found.
#[utoipa::path(
    tag = "events",
    params(("aggregate_type" = String, Path, description = "The aggregate type, such as `space`, `member` or `content`"),
        ("aggregate_id" = Uuid, Path, description = "The aggregate's id"),
        AsOfQuery),
    responses((status = 200, description = "The stream, oldest first.", body = Vec<Event>)),
)]
#[get("/v1/streams/{aggregate_type}/{aggregate_id}")]
#[tracing::instrument(skip_all)]
pub async fn get_stream(
    call: Call,
    path: Path<(String, String)>,
    query: Query<AsOfQuery>,
) -> Result<Json<Vec<Event>>, ApiError> {
    let (aggregate_type, id) = path.into_inner();
    let events =
        history::stream(&call.state, &call.auth, &aggregate_type, &id, query.cut()?).await?;
    Ok(Json(events.into_iter().map(Event::from).collect()))
}

/// Read one aggregate's state as of a point
///
/// Folds the aggregate's events, all of them or those up to `as_of_position` or `as_of`,
/// through the domain's own rules, and returns the state it held then, with the version,
/// position and time of the last event folded: what an auditor needs to see what the aggregate
/// decided commands on at that point. The aggregate types are those of the history route.
/// Personal data stays sealed: no state holds it in the clear. Admin or auditor keys; an
/// auditor sees only its space's aggregates. A stream with no event up to the cut is not found.
#[utoipa::path(
    tag = "events",
    params(("aggregate_type" = String, Path, description = "The aggregate type, such as `space`, `member` or `content`"),
        ("aggregate_id" = Uuid, Path, description = "The aggregate's id"),
        AsOfQuery),
    responses((status = 200, description = "The state as of the cut.", body = StreamState)),
)]
#[get("/v1/streams/{aggregate_type}/{aggregate_id}/state")]
#[tracing::instrument(skip_all)]
pub async fn get_stream_state(
    call: Call,
    path: Path<(String, String)>,
    query: Query<AsOfQuery>,
) -> Result<Json<StreamState>, ApiError> {
    let (aggregate_type, id) = path.into_inner();
    let state =
        history::state_as_of(&call.state, &call.auth, &aggregate_type, &id, query.cut()?).await?;
    Ok(Json(state))
}
