//! Liveness and readiness.

use crate::state::AppState;
use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use serde_json::json;

/// Liveness
///
/// Answers 200 while the process is serving requests.
#[utoipa::path(tag = "operations", responses((status = 200, description = "The process is alive.",
    example = json!({"status": "ok"}))))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness
///
/// Answers 200 when the database answers and every worker of this process is doing its job
/// (the relay, the projection consumers and the live feed connected to the broker, say), with
/// the log's high-water mark, the lowest read-model checkpoint and how many times workers were
/// restarted. Otherwise 503, with what is not ready and why: while the broker is unreachable,
/// each worker that needs it is listed with the broker's error, until it consumes again.
#[utoipa::path(tag = "operations", responses(
    (status = 200, description = "Ready.", example = json!({"status": "ready", "log_position": 42, "read_models_position": 42, "restarts": 0})),
    (status = 503, description = "Not ready: the database does not answer, or a worker is not doing its job.",
        example = json!({"status": "unavailable", "not_ready": [{"task": "consumer tiers",
            "reason": "broker: IO error: Connection refused (os error 111)"}], "restarts": 3}))))]
#[get("/readyz")]
pub async fn readyz(state: Data<AppState>) -> HttpResponse {
    let positions = async {
        let log = lyceum_store::read::high_water_mark(&state.db).await?;
        let models = lyceum_projections::min_checkpoint(&state.db).await?;
        Ok::<_, lyceum_store::StoreError>((log, models))
    };
    let mut not_ready: Vec<_> = state
        .health
        .not_ready()
        .into_iter()
        .map(|(task, reason)| json!({"task": task, "reason": reason}))
        .collect();
    let restarts = state.health.restarts();
    match positions.await {
        Ok((log, models)) if not_ready.is_empty() => HttpResponse::Ok().json(json!({
            "status": "ready", "log_position": log, "read_models_position": models,
            "restarts": restarts
        })),
        Ok(_) => unavailable(not_ready, restarts),
        Err(error) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            not_ready.insert(
                0,
                json!({"task": "database", "reason": "the database does not answer"}),
            );
            unavailable(not_ready, restarts)
        }
    }
}

fn unavailable(not_ready: Vec<serde_json::Value>, restarts: u64) -> HttpResponse {
    HttpResponse::ServiceUnavailable().json(json!({
        "status": "unavailable", "not_ready": not_ready, "restarts": restarts
    }))
}
