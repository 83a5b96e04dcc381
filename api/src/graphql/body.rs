//! Reading one GraphQL request from a POST body: at most [`MAX_BODY`] bytes, refused before it
//! is read when `Content-Length` says it is larger, and while it streams otherwise; JSON (no
//! other media type); one request object (no batches). A refusal is answered in the GraphQL
//! error format as `application/json`, with the status of its code (see [`super::coded`]).

use crate::app::MAX_BODY;
use actix_web::http::header;
use actix_web::web::{BytesMut, Payload};
use actix_web::{HttpRequest, HttpResponse};
use futures::StreamExt;
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
    #[error("the body is not a valid GraphQL request: {0}")]
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
pub async fn read(
    req: &HttpRequest,
    mut payload: Payload,
) -> Result<async_graphql::Request, Refusal> {
    if !json(req) {
        return Err(Refusal::MediaType);
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_BODY) {
        return Err(Refusal::TooLarge);
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(Refusal::Unreadable)?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(Refusal::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    parse(&body)
}

/// Whether the body is declared JSON (or not declared at all).
fn json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return true;
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
