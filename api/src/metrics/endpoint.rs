//! `GET /metrics`: the process-wide counters and this server's database snapshot, in the
//! Prometheus text format. Open unless a metrics token is configured; then the scraper sends
//! it as a bearer token (compared by SHA-256, so the time taken says nothing about it).

use crate::auth::bearer;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

/// The media type of the Prometheus text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether a request's `Authorization` value may read the metrics.
fn authorize(expected: Option<&str>, authorization: Option<&str>) -> Result<(), ApiError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let sent = bearer(authorization)?;
    if Sha256::digest(sent.as_bytes()) == Sha256::digest(expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::unauthorized("the metrics token is not valid"))
    }
}

/// Renders the metrics.
#[tracing::instrument(skip_all)]
pub async fn scrape(req: HttpRequest, state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    authorize(state.metrics_token.as_deref(), authorization)?;
    let mut text = super::install().render();
    text.push('\n');
    text.push_str(&super::snapshot::render(&state.db).await);
    Ok(HttpResponse::Ok().content_type(TEXT_FORMAT).body(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_without_a_token_else_only_to_the_right_one() {
        assert!(authorize(None, None).is_ok());
        assert!(authorize(None, Some("Bearer anything")).is_ok());
        assert!(authorize(Some("s3cret"), Some("Bearer s3cret")).is_ok());
        assert!(authorize(Some("s3cret"), Some("bearer s3cret")).is_ok());
        for refused in [
            None,
            Some("Bearer s3cre"),
            Some("Basic s3cret"),
            Some("s3cret"),
        ] {
            let error = authorize(Some("s3cret"), refused).err();
            assert!(error.is_some(), "{refused:?}");
        }
    }
}
