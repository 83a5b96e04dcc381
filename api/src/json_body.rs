//! Request bodies are JSON objects. serde binds a JSON array to a struct by position, so
//! `["Renamed","desc"]` would rename a space; this middleware refuses every JSON body that is
//! valid JSON but not an object (an array, a string, a number, `true`, `null`) with 422 before a
//! handler sees it. A number with a zero fraction (`5.0`, `5e2`) is an integer as JSON Schema
//! counts them, so it is passed on written as one (`5`, `500`). Bodies that are not JSON at all
//! are left to the `Json` extractor (400), and `/graphql` reads its own body.

use crate::body::{self, MAX_BODY};
use crate::error::ApiError;
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use lyceum_domain::Code;
use serde_json::Value;

/// Whether the request carries a JSON body this middleware should look at.
fn checked(req: &ServiceRequest) -> bool {
    let has_body = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let json = body::is_json(req.headers(), false);
    let declared_too_large = body::declared_length(req.headers()).is_some_and(|n| n > MAX_BODY);
    has_body && json && !declared_too_large && req.path() != "/graphql"
}

/// What a body is, as far as this middleware cares.
#[derive(Debug, PartialEq)]
pub enum Shape {
    /// Not JSON, or empty: left to the extractor.
    Other,
    /// Valid JSON, not an object.
    NotObject,
    /// Passed on as sent: an object (or, if not valid JSON, left to the extractor's 400).
    Object,
    /// An object in which whole-number floats were rewritten as integers.
    Rewritten(Vec<u8>),
}

/// The shape of `body`.
pub fn shape(body: &[u8]) -> Shape {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Shape::Other,
        // An object with no number that has a fraction or an exponent is passed on unparsed:
        // the extractor parses it once.
        Some(b'{') if !may_hold_a_float(body) => return Shape::Object,
        Some(_) => {}
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
        return Shape::Other;
    };
    if !value.is_object() {
        return Shape::NotObject;
    }
    if !whole_floats_to_integers(&mut value) {
        return Shape::Object;
    }
    serde_json::to_vec(&value).map_or(Shape::Object, Shape::Rewritten)
}

/// Whether a JSON number in `body` could have a fraction or an exponent: such a number has a
/// digit right before its `.`, `e` or `E`. (Text in strings can match too; that costs a parse.)
fn may_hold_a_float(body: &[u8]) -> bool {
    body.windows(2)
        .any(|w| w[0].is_ascii_digit() && matches!(w[1], b'.' | b'e' | b'E'))
}

/// Rewrites every float with a zero fraction that fits an `i64` as an integer; whether any was.
fn whole_floats_to_integers(value: &mut Value) -> bool {
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // The bounds are exact powers of two, so the comparison is exact.
            let fits = f.fract() == 0.0
                && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f);
            if fits {
                *value = Value::from(f as i64);
            }
            fits
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, v| whole_floats_to_integers(v) | any),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |any, v| whole_floats_to_integers(v) | any),
        _ => false,
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
    let payload = req.take_payload();
    let read = body::read(req.headers(), payload).await;
    let body = match read {
        Ok(body) => body,
        Err(unread) => {
            let error = ApiError::from(unread);
            return Ok(req.error_response(error).map_into_right_body());
        }
    };
    let body = match shape(&body) {
        Shape::NotObject => {
            let error = ApiError::new(
                Code::ValidationFailed,
                "the body must be a JSON object, not an array or a single value",
            );
            return Ok(req.error_response(error).map_into_right_body());
        }
        Shape::Rewritten(bytes) => bytes.into(),
        Shape::Other | Shape::Object => body,
    };
    req.set_payload(Payload::from(body));
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::{Shape, shape};

    #[test]
    fn only_valid_non_objects_are_caught() {
        for body in [&b"[1,2]"[..], b" \"x\"", b"5", b"true", b"null", b"\n[]"] {
            assert_eq!(shape(body), Shape::NotObject, "{body:?}");
        }
        for body in [&b" {\"a\":1}"[..], b"{\"a\":[1.5]}", b"{\"v\":\"1.0\"}"] {
            assert_eq!(shape(body), Shape::Object, "{body:?}");
        }
        for body in [&b""[..], b"  ", b"[1,", b"nope"] {
            assert_eq!(shape(body), Shape::Other, "{body:?}");
        }
    }

    #[test]
    fn whole_floats_become_integers() {
        let rewritten = shape(br#"{"a":5.0,"b":[2e2,1.5],"c":{"d":-0.0},"e":1e300}"#);
        let Shape::Rewritten(bytes) = rewritten else {
            panic!("{rewritten:?}");
        };
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(text, r#"{"a":5,"b":[200,1.5],"c":{"d":0},"e":1e+300}"#);
    }
}
