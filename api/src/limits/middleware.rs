//! The rate limit on every request but health checks and the docs: each API key and member
//! session counts against its quota (bucketed by the SHA-256 of its secret, so no lookup is
//! needed first), everyone else against their address's. Every counted answer carries the IETF
//! `RateLimit-Policy` and `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers); past the
//! quota the answer is 429 `rate_limited` with `Retry-After`. A made-up secret would get a
//! fresh quota of its own, so every refused secret (a 401) also counts against its address's
//! anonymous quota; past that, the address's refused secrets are answered 429.

use super::{Quota, Tally};
use crate::auth::bearer;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Data;
use lyceum_domain::Code;

const POLICY_HEADER: HeaderName = HeaderName::from_static("ratelimit-policy");
const STATE_HEADER: HeaderName = HeaderName::from_static("ratelimit");

/// Which quota a request counts against, and in which bucket.
struct Caller {
    /// The policy's name in the headers.
    policy: &'static str,
    bucket: String,
    quota: Quota,
    /// Who is limited, for the 429's detail.
    who: &'static str,
}

/// Routes no caller is limited on: liveness, readiness, metrics and the documentation.
fn exempt(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/readyz" | "/metrics" | "/openapi.json" | "/docs"
    ) || path.starts_with("/docs/")
}

/// The bucket of a request's address, with a prefix naming what it counts.
fn address_bucket(peer: Option<std::net::SocketAddr>, prefix: &str) -> String {
    match peer {
        Some(address) => format!("{prefix}:{}", address.ip()),
        None => format!("{prefix}:unknown"),
    }
}

fn caller(req: &ServiceRequest, state: &AppState) -> Caller {
    let policies = state.limits.policies;
    let secret = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| bearer(Some(value)).ok());
    match secret {
        Some(secret) => Caller {
            policy: "default",
            bucket: format!("key:{}", lyceum_store::keys::hash(secret)),
            quota: policies.caller,
            who: "with this key or session",
        },
        None => Caller {
            policy: "anonymous",
            bucket: address_bucket(req.peer_addr(), "ip"),
            quota: policies.anonymous,
            who: "without a key from this address",
        },
    }
}

/// The `RateLimit-Policy` and `RateLimit` header values for a counted request.
fn header_values(policy: &str, tally: &Tally) -> (String, String) {
    (
        format!(
            "\"{policy}\";q={};w={}",
            tally.quota.limit,
            tally.quota.window()
        ),
        format!("\"{policy}\";r={};t={}", tally.remaining(), tally.reset),
    )
}

fn add_headers(headers: &mut HeaderMap, policy: &str, tally: &Tally) {
    let (quota, state) = header_values(policy, tally);
    for (name, value) in [(POLICY_HEADER, quota), (STATE_HEADER, state)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

fn refusal(caller: &Caller, tally: &Tally) -> ApiError {
    let per = match tally.quota.window() {
        60 => "a minute".to_owned(),
        seconds => format!("per {seconds} s"),
    };
    ApiError::new(
        Code::RateLimited,
        format!(
            "at most {} requests {per} {}; retry in {} s",
            tally.quota.limit, caller.who, tally.reset
        ),
    )
    .with_retry_after(tally.reset)
}

/// Middleware that counts each request against its caller's quota.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let state = req.app_data::<Data<AppState>>().cloned();
    let Some(state) = state.filter(|_| !exempt(req.path())) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let caller = caller(&req, &state);
    let counted = state
        .limits
        .count(&caller.bucket, caller.quota, state.clock.now())
        .await;
    let tally = match counted {
        Ok(Some(tally)) => tally,
        Ok(None) => return Ok(next.call(req).await?.map_into_left_body()),
        Err(error) => {
            let response = error.error_response();
            return Ok(req.into_response(response).map_into_right_body());
        }
    };
    if !tally.admitted() {
        let mut response = req.into_response(refusal(&caller, &tally).error_response());
        add_headers(response.headers_mut(), caller.policy, &tally);
        return Ok(response.map_into_right_body());
    }
    let mut response = next.call(req).await?;
    if caller.policy == "default" && response.status() == StatusCode::UNAUTHORIZED {
        let quota = state.limits.policies.anonymous;
        let refused_secrets = address_bucket(response.request().peer_addr(), "refused-secret");
        let counted = state
            .limits
            .count(&refused_secrets, quota, state.clock.now());
        if let Ok(Some(failures)) = counted.await
            && !failures.admitted()
        {
            let who = Caller {
                who: "with refused keys from this address",
                ..caller
            };
            let (request, _) = response.into_parts();
            let refused = refusal(&who, &failures).error_response();
            let mut response = ServiceResponse::new(request, refused);
            add_headers(response.headers_mut(), "anonymous", &failures);
            return Ok(response.map_into_right_body());
        }
    }
    add_headers(response.headers_mut(), caller.policy, &tally);
    Ok(response.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_follow_the_structured_field_form() {
        let tally = Tally {
            quota: Quota::new(600, 60),
            hits: 1,
            reset: 42,
        };
        let (policy, state) = header_values("default", &tally);
        assert_eq!(policy, "\"default\";q=600;w=60");
        assert_eq!(state, "\"default\";r=599;t=42");
    }

    #[test]
    fn health_and_docs_are_not_limited() {
        for path in [
            "/healthz",
            "/readyz",
            "/metrics",
            "/openapi.json",
            "/docs",
            "/docs/index.html",
        ] {
            assert!(exempt(path), "{path}");
        }
        for path in ["/graphql", "/v1/spaces", "/docsx", "/healthz/x"] {
            assert!(!exempt(path), "{path}");
        }
    }
}
