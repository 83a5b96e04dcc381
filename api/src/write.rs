//! The write pipeline every mutation goes through: claim the `Idempotency-Key` (if sent), plan
//! the command (load, decide), append events and complete the idempotency record in one
//! transaction, nudge the relay, and answer with `Lyceum-Position`.

use crate::auth::Auth;
use crate::consistency::POSITION_HEADER;
use crate::error::ApiError;
use crate::plan::{Outcome, Planned};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use lyceum_domain::Code;
use lyceum_store::append::{self, Completion};
use lyceum_store::idempotency::{self, Claim, ClaimOutcome, StoredResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::future::Future;

/// The request header that makes a write idempotent.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .filter(|key| (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()))
        .map(|key| Some(key.to_owned()))
        .ok_or_else(|| {
            ApiError::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters")
        })
}

/// What identifies a request for idempotency: method, path and body.
pub fn fingerprint(method: &str, path: &str, body: &impl Serialize) -> Result<String, ApiError> {
    let mut hasher = Sha256::new();
    hasher.update(method);
    hasher.update(" ");
    hasher.update(path);
    hasher.update("\n");
    hasher.update(serde_json::to_vec(body).map_err(ApiError::internal)?);
    Ok(hex::encode(hasher.finalize()))
}

fn response(
    status: StatusCode,
    body: Option<String>,
    position: Option<i64>,
    replayed: bool,
) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    if let Some(position) = position {
        builder.insert_header((POSITION_HEADER, position.to_string()));
    }
    if replayed {
        builder.insert_header(("Idempotent-Replayed", "true"));
    }
    match body {
        Some(body) if status != StatusCode::NO_CONTENT => {
            let kind = if status.is_client_error() {
                "application/problem+json"
            } else {
                "application/json"
            };
            builder.content_type(kind).body(body)
        }
        _ => builder.finish(),
    }
}

/// Runs a REST write: idempotency, plan, append, answer.
pub async fn respond<T, F>(
    state: &AppState,
    req: &HttpRequest,
    auth: &Auth,
    body: &impl Serialize,
    plan: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize,
    F: Future<Output = Result<Planned<T>, ApiError>>,
{
    let claim = match idempotency_key(req)? {
        None => None,
        Some(key) => {
            let scope = auth.0.key_id.to_string();
            match idempotency::claim(
                &state.db,
                &scope,
                &key,
                &fingerprint(req.method().as_str(), req.path(), body)?,
            )
            .await?
            {
                ClaimOutcome::Claimed(claim) => Some(claim),
                ClaimOutcome::Replay(stored) => {
                    let status = StatusCode::from_u16(stored.status).map_err(ApiError::internal)?;
                    return Ok(response(status, Some(stored.body), stored.position, true));
                }
                ClaimOutcome::Reused => {
                    return Err(ApiError::new(
                        Code::IdempotencyKeyReused,
                        "this Idempotency-Key was used with a different request",
                    ));
                }
                ClaimOutcome::InProgress => {
                    return Err(ApiError::new(
                        Code::IdempotencyRequestInProgress,
                        "a request with this Idempotency-Key is still in progress",
                    )
                    .with_retry_after(1));
                }
            }
        }
    };
    let result = run(state, plan, claim.as_ref()).await;
    if let (Err(error), Some(claim)) = (&result, &claim) {
        settle_failure(state, claim, error).await;
    }
    result
}

/// The status code that answers an outcome.
fn status(outcome: Outcome) -> StatusCode {
    match outcome {
        Outcome::Created => StatusCode::CREATED,
        Outcome::Changed => StatusCode::OK,
        Outcome::Accepted => StatusCode::ACCEPTED,
        Outcome::Done => StatusCode::NO_CONTENT,
    }
}

async fn run<T: Serialize>(
    state: &AppState,
    plan: impl Future<Output = Result<Planned<T>, ApiError>>,
    claim: Option<&Claim>,
) -> Result<HttpResponse, ApiError> {
    let planned = plan.await?;
    let status = status(planned.outcome);
    let body = match planned.outcome {
        Outcome::Done => None,
        _ => Some(serde_json::to_string(&planned.output).map_err(ApiError::internal)?),
    };
    let stored = StoredResponse {
        status: status.as_u16(),
        body: match &planned.replay_body {
            Some(replay) => replay.to_string(),
            None => body.clone().unwrap_or_default(),
        },
        position: planned.position,
    };
    let position = match (&planned.append, claim) {
        (Some(append), claim) => {
            let completion = claim.map(|claim| Completion {
                claim,
                response: stored,
            });
            append::append(&state.db, append, completion).await?
        }
        (None, Some(claim)) => {
            idempotency::complete(&state.db, claim, &stored).await?;
            None
        }
        (None, None) => None,
    };
    state.nudge.nudge();
    Ok(response(status, body, position.or(planned.position), false))
}

/// After a failed write: a refusal that a retry would meet again is stored as the answer; a
/// failure a retry may cure releases the key.
async fn settle_failure(state: &AppState, claim: &Claim, error: &ApiError) {
    let outcome = if error.is_retryable() {
        idempotency::release(&state.db, claim).await
    } else {
        let stored = StoredResponse {
            status: crate::error::codes::status(error.code).as_u16(),
            body: serde_json::to_string(&error.problem()).unwrap_or_default(),
            position: None,
        };
        idempotency::complete(&state.db, claim, &stored).await
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "could not settle an idempotency claim");
    }
}
