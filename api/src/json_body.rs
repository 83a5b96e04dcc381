//! Request bodies are JSON objects. serde binds a JSON array to a struct by position, so
//! `["Renamed","desc"]` would rename a space; this middleware refuses every JSON body that is
//! valid JSON but not an object (an array, a string, a number, `true`, `null`) with 422 before a
//! handler sees it. Bodies that are not JSON at all are left to the `Json` extractor (400), and
//! `/graphql` reads its own body.

use crate::app::MAX_BODY;
use crate::error::ApiError;
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::BytesMut;
use futures::StreamExt;
use lyceum_domain::Code;

/// Whether the request carries a JSON body this middleware should look at.
fn checked(req: &ServiceRequest) -> bool {
    let has_body = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            let t = t.trim().to_ascii_lowercase();
            t == "application/json" || t.ends_with("+json")
        });
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY);
    has_body && json && !declared_too_large && req.path() != "/graphql"
}

/// Whether `body` is valid JSON whose top-level value is not an object.
pub fn is_json_but_not_object(body: &[u8]) -> bool {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None | Some(b'{') => false,
        Some(_) => serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok(),
    }
}

/// The middleware.
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if !checked(&req) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let mut stream = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > MAX_BODY {
            let error = ApiError::new(Code::PayloadTooLarge, "the body is larger than 1 MiB");
            return Ok(req.error_response(error).map_into_right_body());
        }
        body.extend_from_slice(&chunk);
    }
    if is_json_but_not_object(&body) {
        let error = ApiError::new(
            Code::ValidationFailed,
            "the body must be a JSON object, not an array or a single value",
        );
        return Ok(req.error_response(error).map_into_right_body());
    }
    req.set_payload(Payload::from(body.freeze()));
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::is_json_but_not_object;

    #[test]
    fn only_valid_non_objects_are_caught() {
        for body in [&b"[1,2]"[..], b" \"x\"", b"5", b"true", b"null", b"\n[]"] {
            assert!(is_json_but_not_object(body), "{body:?}");
        }
        for body in [&b"{}"[..], b" {\"a\":1}", b"", b"[1,", b"nope"] {
            assert!(!is_json_but_not_object(body), "{body:?}");
        }
    }
}
