//! Read-your-writes. Every write answers with `Lyceum-Position`; a read that passes
//! `?min_position=N` waits until every read model has applied the log up to N, for at most the
//! configured timeout, then answers 503 with `Retry-After`. A position beyond the log's head was
//! never handed to a writer, so waiting for it could only time out: it is refused at once with
//! 409 `position_not_reached` (it conflicts with the log as it stands; once writes reach it, the
//! same read succeeds).

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use lyceum_domain::Code;
use std::time::Duration;
use tokio::time::Instant;

/// The response header that carries a write's global position.
pub const POSITION_HEADER: &str = "Lyceum-Position";

/// Extracting this waits for `min_position`, if the query string has one.
#[derive(Debug, Clone, Copy)]
pub struct Fresh;

/// `min_position` from a query string, if present.
fn min_position(query: &str) -> Result<Option<i64>, ApiError> {
    for pair in query.split('&') {
        if let Some(value) = pair.strip_prefix("min_position=") {
            return value
                .parse::<i64>()
                .ok()
                .filter(|p| *p >= 0)
                .map(Some)
                .ok_or_else(|| {
                    ApiError::bad_request("min_position must be a non-negative integer")
                });
        }
    }
    Ok(None)
}

/// Waits until every read model has reached `position`.
pub async fn wait_for(state: &AppState, position: i64) -> Result<(), ApiError> {
    let deadline = Instant::now() + state.consistency_timeout;
    let mut pause = Duration::from_millis(2);
    let mut first = true;
    loop {
        if lyceum_projections::min_checkpoint(&state.db).await? >= position {
            return Ok(());
        }
        // Only a read that has to wait asks where the log ends.
        if std::mem::take(&mut first) {
            let head = lyceum_store::read::head(&state.db).await?;
            if position > head {
                return Err(ApiError::new(
                    Code::PositionNotReached,
                    format!("min_position {position} is beyond the log's last position, {head}"),
                ));
            }
        }
        if Instant::now() + pause > deadline {
            return Err(ApiError::new(
                Code::NotReady,
                format!("the read models have not reached position {position} yet"),
            )
            .with_retry_after(1));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

impl FromRequest for Fresh {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let wanted = min_position(req.query_string());
        Box::pin(async move {
            if let (Some(state), Some(position)) = (state, wanted?) {
                wait_for(&state, position).await?;
            }
            Ok(Fresh)
        })
    }
}
