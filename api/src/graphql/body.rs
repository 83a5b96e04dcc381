//! Reading one GraphQL request from a POST body: at most [`crate::body::MAX_BODY`] bytes, refused before it
//! is read when `Content-Length` says it is larger, and while it streams otherwise; JSON (no
//! other media type); one request object (no batches). A refusal is answered in the GraphQL
//! error format as `application/json`, with the status of its code (see [`super::coded`]).

use crate::body::{self, Unread};
use actix_web::web::Payload;
use actix_web::{HttpRequest, HttpResponse};
use lyceum_domain::Code;

/// Why a body is not a request.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("the body is larger than 1 MiB")]
    TooLarge,
    #[error("send the body as application/json")]
    MediaType,
    #[error("batched requests are not supported: send one JSON object per request")]
    Batch,
    #[error("the body must be a JSON object with a `query`")]
    NotAnObject,
    #[error("the body has no `query`")]
    NoQuery,
    #[error("not a valid GraphQL request: {}", crate::error::detail::from_json(.0))]
    Invalid(serde_json::Error),
    #[error("the body could not be read: {0}")]
    Unreadable(actix_web::error::PayloadError),
}

impl Refusal {
    fn code(&self) -> Code {
        match self {
            Refusal::TooLarge => Code::PayloadTooLarge,
            Refusal::MediaType => Code::UnsupportedMediaType,
            _ => Code::BadRequest,
        }
    }

    /// The answer to a refused body.
    pub fn response(&self) -> HttpResponse {
        super::coded::response(self.code(), &self.to_string())
    }
}

/// The request in the body of `req`.
pub async fn read(req: &HttpRequest, payload: Payload) -> Result<async_graphql::Request, Refusal> {
    // No `Content-Type` is taken as JSON, as GraphQL clients often send none.
    if !body::is_json(req.headers(), true) {
        return Err(Refusal::MediaType);
    }
    match body::read(req.headers(), payload).await {
        Ok(bytes) => parse(&bytes),
        Err(Unread::TooLarge) => Err(Refusal::TooLarge),
        Err(Unread::Broken(cause)) => Err(Refusal::Unreadable(cause)),
    }
}

/// Whether the body is declared JSON (or not declared at all).
fn parse(body: &[u8]) -> Result<async_graphql::Request, Refusal> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        Some(b'[') => return Err(Refusal::Batch),
        _ => return Err(Refusal::NotAnObject),
    }
    let request: async_graphql::Request = serde_json::from_slice(body).map_err(Refusal::Invalid)?;
    if request.query.trim().is_empty() {
        return Err(Refusal::NoQuery);
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_request_object_is_read() {
        let request = parse(br#" {"query": "{ viewer { id } }", "variables": null}"#);
        assert_eq!(
            request.map(|r| r.query).ok().as_deref(),
            Some("{ viewer { id } }")
        );
        assert!(matches!(
            parse(br#"[{"query": "{ a }"}]"#),
            Err(Refusal::Batch)
        ));
        assert!(matches!(parse(b"\"{ a }\""), Err(Refusal::NotAnObject)));
        assert!(matches!(parse(b""), Err(Refusal::NotAnObject)));
        assert!(matches!(
            parse(br#"{"query": 1}"#),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            parse(br#"{"query": "{ a "#),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            parse(br#"{"variables": {}}"#),
            Err(Refusal::NoQuery)
        ));
    }
}
