//! Read-your-writes. Every write answers with `Lyceum-Position`; a read that passes
//! `?min_position=N` waits until the read models it is served from have applied the log up to
//! N, for at most the configured timeout, then answers 503 with `Retry-After`. A route names
//! those read models in its signature (`Fresh<…>`, see [`read_model`]); one that names none
//! waits for all of them. A position beyond the log's head was never handed to a writer, so
//! waiting for it could only time out: it is refused at once with 409 `position_not_reached`
//! (it conflicts with the log as it stands; once writes reach it, the same read succeeds).

pub mod read_model;
mod wait;

pub use read_model::ReadModels;
pub use wait::wait_for;

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use std::marker::PhantomData;

/// The response header that carries a write's global position.
pub const POSITION_HEADER: &str = "Lyceum-Position";

/// Extracting this waits for `min_position`, if the query string has one, until the read models
/// `R` have reached it.
#[derive(Debug)]
pub struct Fresh<R: ReadModels = read_model::All>(PhantomData<R>);

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

impl<R: ReadModels> FromRequest for Fresh<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let wanted = min_position(req.query_string());
        Box::pin(async move {
            if let (Some(state), Some(position)) = (state, wanted?) {
                wait_for(&state, &R::projections(), position).await?;
            }
            Ok(Fresh(PhantomData))
        })
    }
}
