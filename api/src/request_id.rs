//! Request and correlation ids: the request id is taken from a well-formed incoming
//! `X-Request-Id` or made fresh, the correlation id from a UUID in `Lyceum-Correlation-Id` or
//! made fresh. Both live in a task-local for the request's duration (errors and event metadata
//! read them); the request id is echoed in the response's `X-Request-Id`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use uuid::Uuid;

#[derive(Clone)]
struct Ids {
    request: String,
    correlation: Uuid,
}

tokio::task_local! {
    static IDS: Ids;
}

const REQUEST_HEADER: &str = "x-request-id";
const CORRELATION_HEADER: &str = "lyceum-correlation-id";

/// The current request's id, or an empty string outside a request.
pub fn current() -> String {
    IDS.try_with(|ids| ids.request.clone()).unwrap_or_default()
}

/// The current request's correlation id, or a fresh one outside a request.
pub fn correlation() -> Uuid {
    IDS.try_with(|ids| ids.correlation)
        .unwrap_or_else(|_| Uuid::new_v4())
}

fn well_formed(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware that scopes every request with its ids.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let request = header(REQUEST_HEADER)
        .filter(|v| well_formed(v))
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let correlation = header(CORRELATION_HEADER)
        .and_then(|v| Uuid::parse_str(v).ok())
        .unwrap_or_else(Uuid::new_v4);
    let ids = Ids {
        request: request.clone(),
        correlation,
    };
    let mut response = IDS.scope(ids, next.call(req)).await?;
    if let Ok(value) = HeaderValue::from_str(&request) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_HEADER), value);
    }
    Ok(response)
}
