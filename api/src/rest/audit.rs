//! The auditor's endpoints under `/v1/audit`: the key that signs checkpoints, the signed
//! checkpoints, and inclusion and consistency proofs (RFC 9162), so that an auditor holding one
//! old checkpoint can check that the log only grew.

use super::call::Call;
use crate::dto::audit::{AuditPublicKey, ConsistencyProof, InclusionProof, SignedCheckpoint};
use crate::error::ApiError;
use crate::pagination::{MAX_LIMIT, Paged};
use crate::service::audit;
use crate::state::AppState;
use actix_web::web::{Bytes, Data, Json, Query};
use actix_web::{HttpResponse, get};
use serde::Deserialize;
use utoipa::IntoParams;

/// Get the audit public key
///
/// The Ed25519 public key that signs every checkpoint. Open to anyone: keep a copy, and check
/// checkpoints and exports against your copy rather than against what a server says later.
#[utoipa::path(tag = "audit", responses((status = 200, description = "The key.", body = AuditPublicKey)))]
#[get("/v1/audit/public-key")]
#[tracing::instrument(skip_all)]
pub async fn get_public_key(state: Data<AppState>) -> Result<Json<AuditPublicKey>, ApiError> {
    Ok(Json(audit::public_key(&state).await?))
}

/// Checkpoint list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckpointsQuery {
    /// Checkpoints with a tree size above this one (the previous page's `next_cursor`).
    /// Default 0.
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// How many checkpoints, 1 to 100. Default 100.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// List signed checkpoints
///
/// The signed checkpoints of the log, oldest first. Admin or auditor keys.
#[utoipa::path(tag = "audit", params(CheckpointsQuery),
    responses((status = 200, description = "A page of checkpoints.", body = Paged<SignedCheckpoint>)))]
#[get("/v1/audit/checkpoints")]
#[tracing::instrument(skip_all)]
pub async fn list_checkpoints(
    call: Call,
    query: Query<CheckpointsQuery>,
) -> Result<Json<Paged<SignedCheckpoint>>, ApiError> {
    let after = query.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::bad_request("after must not be negative"));
    }
    let limit = query.limit.unwrap_or(MAX_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let data = audit::checkpoints(&call.state, &call.auth, after, limit).await?;
    let next_cursor = (data.len() as i64 == limit)
        .then(|| data.last().map(|c| c.tree_size.to_string()))
        .flatten();
    Ok(Json(Paged { data, next_cursor }))
}

/// Inclusion proof parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// The event's position in the log.
    #[param(minimum = 1)]
    pub position: i64,
    /// The size of the tree to prove it in: from the event's leaf index + 1 up to the sealed
    /// tree's size (else 422 `validation_failed`). Default: the latest checkpoint's.
    #[param(minimum = 1)]
    pub tree_size: Option<i64>,
}

/// Prove an event is in the log
///
/// The RFC 9162 inclusion proof of the event at `position` in the tree of `tree_size` events,
/// with the checkpoint signed at that size, if any. 404 for an event unknown, not yet sealed,
/// or (for an auditor key) of another space. Admin or auditor keys.
#[utoipa::path(tag = "audit", params(InclusionQuery),
    responses((status = 200, description = "The proof.", body = InclusionProof)))]
#[get("/v1/audit/proofs/inclusion")]
#[tracing::instrument(skip_all)]
pub async fn get_inclusion_proof(
    call: Call,
    query: Query<InclusionQuery>,
) -> Result<Json<InclusionProof>, ApiError> {
    let proof = audit::inclusion(&call.state, &call.auth, query.position, query.tree_size).await?;
    Ok(Json(proof))
}

/// Consistency proof parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The older tree's size: from 1 up to `to` (else 422 `validation_failed`).
    #[param(minimum = 1)]
    pub from: i64,
    /// The newer tree's size: up to the sealed tree's size (else 422 `validation_failed`).
    #[param(minimum = 1)]
    pub to: i64,
}

/// Prove the log only grew
///
/// The RFC 9162 consistency proof that the tree of `to` events extends the tree of `from`
/// events, with both roots. Admin or auditor keys.
#[utoipa::path(tag = "audit", params(ConsistencyQuery),
    responses((status = 200, description = "The proof.", body = ConsistencyProof)))]
#[get("/v1/audit/proofs/consistency")]
#[tracing::instrument(skip_all)]
pub async fn get_consistency_proof(
    call: Call,
    query: Query<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    let proof = audit::consistency(&call.state, &call.auth, query.from, query.to).await?;
    Ok(Json(proof))
}

/// Export parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only this space's events, each with its inclusion proof. An auditor key exports its own
    /// space's events whether or not it names it, and no other's.
    pub space_id: Option<uuid::Uuid>,
    /// The first position to export.
    #[param(minimum = 1)]
    pub from: Option<i64>,
    /// The last position to export: not below `from` (else 422 `validation_failed`).
    #[param(minimum = 1)]
    pub to: Option<i64>,
}

/// Export the log
///
/// Streams the log as NDJSON in the `lyceum-export-v1` format (`docs/audit-format.md`): a
/// header, the signed checkpoints that cover the events with consistency proofs between them,
/// then the events in position order with their hashes and chain links (and, in a partial
/// export, inclusion proofs). Check it offline with `lyceum-verify`. Admin keys may export the
/// whole log; an auditor key exports its own space's events.
#[utoipa::path(tag = "audit", params(ExportQuery),
    responses((status = 200, description = "The export, one JSON object per line.",
        content_type = "application/x-ndjson", body = String,
        example = json!("{\"kind\":\"header\",\"format\":\"lyceum-export-v1\",…}\n{\"kind\":\"checkpoint\",\"tree_size\":1000,…}\n{\"kind\":\"event\",\"position\":1,…}\n"))))]
#[get("/v1/audit/export")]
#[tracing::instrument(skip_all)]
pub async fn export(call: Call, query: Query<ExportQuery>) -> Result<HttpResponse, ApiError> {
    let exporter = audit::exporter(
        &call.state,
        &call.auth,
        query.space_id,
        query.from,
        query.to,
    )
    .await?;
    let lines = futures::stream::unfold(Some(exporter), |exporter| async move {
        let mut exporter = exporter?;
        match exporter.next_lines().await {
            Ok(Some(lines)) => {
                let mut chunk = lines.join("\n");
                chunk.push('\n');
                Some((Ok(Bytes::from(chunk)), Some(exporter)))
            }
            Ok(None) => None,
            Err(error) => {
                // The status line has gone: all that is left is to cut the body short, which
                // the verifier reports as a file that ends early.
                tracing::error!(%error, "the export failed midway");
                Some((
                    Err(actix_web::error::ErrorInternalServerError("export failed")),
                    None,
                ))
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .streaming(lines))
}
