//! What operations share, added to each here instead of repeated on every handler: the `space`
//! path parameter, the bearer security requirement, and the `Lyceum-Position` header on a
//! write's success.

use utoipa::PartialSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Required, response::Response};

/// Operations that need no key: sign-up and sign-in, and Stripe's deliveries, which are
/// authenticated by their signature.
pub fn anonymous(path: &str) -> bool {
    path.ends_with("/auth/sign-up")
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
    if method != "get" && !writes_no_event(path, method) {
        for (status, response) in operation.responses.responses.iter_mut() {
            if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
                add_position(response);
            }
        }
    }
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
