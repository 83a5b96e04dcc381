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
/// Answers 200 when the database answers, with the log's high-water mark and the lowest
/// read-model checkpoint; 503 otherwise.
#[utoipa::path(tag = "operations", responses(
    (status = 200, description = "Ready.", example = json!({"status": "ready", "log_position": 42, "read_models_position": 42})),
    (status = 503, description = "Not ready: the database does not answer.", example = json!({"status": "unavailable"}))))]
#[get("/readyz")]
pub async fn readyz(state: Data<AppState>) -> HttpResponse {
    let positions = async {
        let log = lyceum_store::read::high_water_mark(&state.db).await?;
        let models = lyceum_projections::min_checkpoint(&state.db).await?;
        Ok::<_, lyceum_store::StoreError>((log, models))
    };
    match positions.await {
        Ok((log, models)) => HttpResponse::Ok().json(json!({
            "status": "ready", "log_position": log, "read_models_position": models
        })),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"}))
        }
    }
}
