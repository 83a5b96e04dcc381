//! What operations share, added to each here instead of repeated on every handler: the `space`
//! path parameter, the bearer security requirement, the `Lyceum-Position` header on a write's
//! success, and the rate-limit headers on success and on 429.

use utoipa::PartialSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Required, ResponseBuilder, response::Response};

/// Operations that need no key: sign-up and sign-in, Stripe's deliveries, which are
/// authenticated by their signature, and the public key that verifies the log's checkpoints.
pub fn anonymous(path: &str) -> bool {
    path == "/v1/audit/public-key"
        || path.ends_with("/auth/sign-up")
        || path.ends_with("/auth/sign-in")
        || path.starts_with("/v1/webhooks/stripe/")
}

/// Writes that append nothing to the log, so have no position to answer with: sessions,
/// Stripe signing secrets and webhook replays.
fn writes_no_event(path: &str, method: &str) -> bool {
    (method == "delete" && path == "/v1/auth/session")
        || path.ends_with("/auth/sign-in")
        || path.ends_with("/member-sessions")
        || path.ends_with("/integrations/stripe/secrets")
        || path.ends_with("/replay")
}

/// Adds the shared parts to one operation.
pub fn add_shared(path: &str, method: &str, operation: &mut Operation) {
    if path.contains("{space}") {
        // The route's own `{space}` (undocumented, wherever it was put) gives way to this one.
        let parameters = operation.parameters.get_or_insert_with(Vec::new);
        parameters.retain(|p| !matches!(p, RefOr::T(p) if p.name == "space"));
        let space = ParameterBuilder::new()
            .name("space")
            .parameter_in(ParameterIn::Path)
            .description(Some("The space's id or slug"))
            .required(Required::True)
            .schema(Some(String::schema()))
            .build();
        parameters.insert(0, RefOr::T(space));
    }
    if !anonymous(path) && operation.security.is_none() {
        let bearer = SecurityRequirement::new("bearer", Vec::<String>::new());
        operation.security = Some(vec![bearer]);
    }
    let positioned = method != "get" && !writes_no_event(path, method);
    for (status, response) in operation.responses.responses.iter_mut() {
        if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
            if positioned {
                add_position(response);
            }
            for (name, header) in rate_limit_headers() {
                response.headers.entry(name.to_owned()).or_insert(header);
            }
        }
    }
}

/// The headers every counted answer carries (see `crate::limits`).
fn rate_limit_headers() -> [(&'static str, RefOr<utoipa::openapi::header::Header>); 2] {
    let header = |description: &str| {
        RefOr::T(
            HeaderBuilder::new()
                .schema(Some(String::schema()))
                .description(Some(description))
                .build(),
        )
    };
    [
        (
            "RateLimit-Policy",
            header(
                "The caller's quota: `\"default\";q=600;w=60` per API key or member session, \
                 `\"anonymous\";q=120;w=60` per address without one (requests per window of \
                 `w` seconds; the numbers are the deployment's)",
            ),
        ),
        (
            "RateLimit",
            header(
                "What is left of it: `\"default\";r=599;t=42`, `r` requests for the `t` \
                 seconds until the window ends",
            ),
        ),
    ]
}

/// A 429's headers: the rate-limit headers and `Retry-After`.
pub fn rate_limited(mut response: ResponseBuilder) -> ResponseBuilder {
    let retry_after = HeaderBuilder::new()
        .schema(Some(u32::schema()))
        .description(Some("Seconds until a retry can succeed: the window's end"))
        .build();
    response = response.header("Retry-After", retry_after);
    for (name, header) in rate_limit_headers() {
        if let RefOr::T(header) = header {
            response = response.header(name, header);
        }
    }
    response
}

fn add_position(response: &mut Response) {
    let header = HeaderBuilder::new()
        .schema(Some(i64::schema()))
        .description(Some("Global position of the write"))
        .build();
    response
        .headers
        .entry("Lyceum-Position".to_owned())
        .or_insert(RefOr::T(header));
}
