//! Reading a request body under the one size limit, [`MAX_BODY`]: a declared length above it
//! is refused before any byte is read, a streamed body as soon as it passes it. Shared by the
//! REST body check ([`crate::json_body`]) and GraphQL's own reader.

use crate::error::ApiError;
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderMap};
use actix_web::web::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use lyceum_domain::Code;

/// The largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;

/// Why a body was not read.
#[derive(Debug, thiserror::Error)]
pub enum Unread {
    #[error("the body is larger than 1 MiB")]
    TooLarge,
    #[error("the body could not be read")]
    Broken(#[source] PayloadError),
}

/// The `Content-Length` the client declared, if any.
pub fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Whether the `Content-Type` is JSON (`application/json` or `application/…+json`); `absent`
/// is the answer when there is none.
pub fn is_json(headers: &HeaderMap, absent: bool) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return absent;
    };
    let essence = value
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The whole body, refused past [`MAX_BODY`].
pub async fn read(
    headers: &HeaderMap,
    mut payload: impl Stream<Item = Result<Bytes, PayloadError>> + Unpin,
) -> Result<Bytes, Unread> {
    let declared = declared_length(headers);
    if declared.is_some_and(|length| length > MAX_BODY) {
        return Err(Unread::TooLarge);
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(Unread::Broken)?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(Unread::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

impl From<Unread> for ApiError {
    fn from(unread: Unread) -> Self {
        match unread {
            Unread::TooLarge => ApiError::new(Code::PayloadTooLarge, unread.to_string()),
            Unread::Broken(ref cause) => {
                tracing::info!(error = %cause, "request body could not be read");
                ApiError::bad_request(unread.to_string())
            }
        }
    }
}
