//! `/v1/spaces/{space}/webhooks`: outgoing-webhook endpoints, their delivery log and replays.
//! Creator and admin keys manage them; auditor keys read them.

use super::call::Call;
use crate::dto::webhooks::{
    CreateWebhook, CreatedWebhook, Delivery, ReplayAccepted, ReplayRequest, RotateSecret,
    RotatedSecret, Webhook,
};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};
use lyceum_projections::page::page;

/// Register a webhook endpoint
///
/// Subscribes an http(s) URL to event types (or `["*"]`). Each matching event is POSTed as
/// JSON (the shape of the event feed) with `Lyceum-Event-Id` and
/// `Lyceum-Signature: t=<unix>,v1=<hex>`, an HMAC-SHA256 over `t.body` keyed with the secret
/// returned here once. Addresses that are or resolve to private, loopback or link-local hosts
/// are refused unless the operator allows them.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhook,
    responses((status = 201, description = "The endpoint was registered.", body = CreatedWebhook)),
)]
#[post("/v1/spaces/{space}/webhooks")]
#[tracing::instrument(skip_all)]
pub async fn create_webhook(
    call: Call,
    path: Path<String>,
    body: Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::webhooks::register(state, auth, space, body.0.clone()).await
    })
    .await
}

/// List webhook endpoints
///
/// Lists the space's endpoints, active and disabled, oldest first. Secrets are never shown.
#[utoipa::path(
    tag = "webhooks",
    params(PageQuery),
    responses((status = 200, description = "A page of endpoints.", body = Paged<Webhook>)),
)]
#[get("/v1/spaces/{space}/webhooks")]
#[tracing::instrument(skip_all)]
pub async fn list_webhooks(
    call: Call,
    path: Path<String>,
    query: Query<PageQuery>,
) -> Result<Json<Paged<Webhook>>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    let limit = query.limit()?;
    let rows = lyceum_store::webhooks::endpoints(
        &call.state.db,
        space.id.0,
        query.after()?.as_deref(),
        limit + 1,
    )
    .await?;
    let rows = page(rows, limit, |r| r.id.to_string());
    Ok(Json(Paged::from_page(rows, Webhook::from)))
}

/// Disable a webhook endpoint
///
/// Stops deliveries to the endpoint: it receives no new events and its pending deliveries are
/// canceled. The endpoint and its delivery log stay readable.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 204, description = "The endpoint was disabled.")),
)]
#[delete("/v1/spaces/{space}/webhooks/{id}")]
#[tracing::instrument(skip_all)]
pub async fn disable_webhook(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        service::webhooks::disable(state, auth, space, &id).await
    })
    .await
}

/// Rotate a webhook secret
///
/// Issues a new signing secret, returned once. For `overlap_seconds` (default 86400) every
/// delivery carries two `v1=` signatures, one per secret, so a receiver can switch secrets
/// without missing a delivery.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    request_body = RotateSecret,
    responses((status = 200, description = "The secret was rotated.", body = RotatedSecret)),
)]
#[post("/v1/spaces/{space}/webhooks/{id}/rotate-secret")]
#[tracing::instrument(skip_all)]
pub async fn rotate_webhook_secret(
    call: Call,
    path: Path<(String, String)>,
    body: Json<RotateSecret>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::webhooks::rotate(state, auth, space, &id, body.overlap_seconds).await
    })
    .await
}

/// List an endpoint's deliveries
///
/// The delivery log, newest first: each event sent (or being retried) to this endpoint, with
/// its status, attempts and the last response code or error.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id"), PageQuery),
    responses((status = 200, description = "A page of deliveries.", body = Paged<Delivery>)),
)]
#[get("/v1/spaces/{space}/webhooks/{id}/deliveries")]
#[tracing::instrument(skip_all)]
pub async fn list_deliveries(
    call: Call,
    path: Path<(String, String)>,
    query: Query<PageQuery>,
) -> Result<Json<Paged<Delivery>>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let endpoint = service::webhooks::endpoint_in_space(&call.state, &space, &id).await?;
    let limit = query.limit()?;
    let rows = lyceum_store::webhooks::deliveries(
        &call.state.db,
        endpoint.id,
        query.after()?.as_deref(),
        limit + 1,
    )
    .await?;
    let rows = page(rows, limit, |r| r.id.to_string());
    Ok(Json(Paged::from_page(rows, Delivery::from)))
}

/// Replay deliveries
///
/// Queues events again as new deliveries to this endpoint: one delivery's event
/// (`delivery_id`), or every subscribed event recorded in `[since, until)` (at most 10000).
/// Answers how many were queued; they are sent in the background.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    request_body = ReplayRequest,
    responses((status = 202, description = "The deliveries were queued.", body = ReplayAccepted)),
)]
#[post("/v1/spaces/{space}/webhooks/{id}/replay")]
#[tracing::instrument(skip_all)]
pub async fn replay_webhook(
    call: Call,
    path: Path<(String, String)>,
    body: Json<ReplayRequest>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, _auth, space| {
        service::webhooks::replay(state, space, &id, body.0.clone()).await
    })
    .await
}
