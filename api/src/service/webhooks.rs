//! Outgoing-webhook endpoints: registering (after the address guard), rotating the secret,
//! disabling, and replaying deliveries. Secrets go to the store's side table in the same
//! transaction as the endpoint's event, and into a response once; never into the log or into
//! a stored idempotent answer.

use crate::auth::Auth;
use crate::dto::webhooks::{
    CreateWebhook, CreatedWebhook, ReplayAccepted, ReplayRequest, RotatedSecret,
};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned};
use crate::service::{load_in_space, parse_id};
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use lyceum_domain::webhook::{WebhookCommand, WebhookEndpoint, WebhookEvent};
use lyceum_domain::{Aggregate, Code};
use lyceum_store::webhooks::{self, EndpointRow, WebhookWrite};
use lyceum_workers::webhooks::guard;
use std::sync::Arc;
use uuid::Uuid;

/// How long a rotated-out secret keeps signing when the request does not say.
pub const DEFAULT_OVERLAP_SECONDS: u32 = 86_400;

/// Plans `POST /v1/spaces/{space}/webhooks`.
pub async fn register(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: CreateWebhook,
) -> Result<Planned<CreatedWebhook>, ApiError> {
    guard::check(input.url.trim(), state.allow_private_webhooks)
        .await
        .map_err(|e| ApiError::new(Code::ValidationFailed, e.to_string()))?;
    let id = Uuid::now_v7();
    let events = WebhookEndpoint::default().decide(WebhookCommand::Register {
        space_id: space.id,
        url: input.url,
        event_types: input.event_types,
    })?;
    let Some(WebhookEvent::WebhookEndpointRegistered {
        url, event_types, ..
    }) = events.first().cloned()
    else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "registration recorded nothing"
        )));
    };
    let secret = webhooks::new_secret()?;
    let mut append = super::append_in::<WebhookEndpoint>(auth, space, id, 0, &events)?;
    append.side_writes.push(Arc::new(WebhookWrite::Insert {
        id,
        space_id: space.id.0,
        url: url.clone(),
        event_types: event_types.clone(),
        secret: secret.clone(),
        created_at: append.recorded_at.clone(),
    }));
    let mut output = CreatedWebhook {
        id,
        url,
        event_types,
        secret: None,
        created_at: append.recorded_at.clone(),
    };
    let replay_body = serde_json::to_value(&output).map_err(ApiError::internal)?;
    output.secret = Some(secret);
    let mut planned = Planned::new(Outcome::Created, output, append);
    planned.replay_body = Some(replay_body);
    Ok(planned)
}

/// Plans `POST /v1/spaces/{space}/webhooks/{id}/rotate-secret`.
pub async fn rotate(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    raw_id: &str,
    overlap_seconds: Option<u32>,
) -> Result<Planned<RotatedSecret>, ApiError> {
    let id = parse_id(raw_id, "webhook endpoint")?;
    let loaded = load_in_space::<WebhookEndpoint>(&state.db, space.id, id).await?;
    let overlap_seconds = overlap_seconds.unwrap_or(DEFAULT_OVERLAP_SECONDS);
    let events = loaded
        .state
        .decide(WebhookCommand::RotateSecret { overlap_seconds })?;
    let secret = webhooks::new_secret()?;
    let mut append = super::append_in::<WebhookEndpoint>(auth, space, id, loaded.version, &events)?;
    let recorded = lyceum_store::time::parse(&append.recorded_at)?;
    let expires =
        lyceum_store::time::format(recorded + chrono::Duration::seconds(overlap_seconds.into()));
    append.side_writes.push(Arc::new(WebhookWrite::Rotate {
        id,
        secret: secret.clone(),
        previous_expires_at: expires.clone(),
    }));
    let mut output = RotatedSecret {
        id,
        secret: None,
        previous_secret_expires_at: expires,
    };
    let replay_body = serde_json::to_value(&output).map_err(ApiError::internal)?;
    output.secret = Some(secret);
    let mut planned = Planned::new(Outcome::Changed, output, append);
    planned.replay_body = Some(replay_body);
    Ok(planned)
}

/// Plans `DELETE /v1/spaces/{space}/webhooks/{id}`.
pub async fn disable(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    raw_id: &str,
) -> Result<Planned<()>, ApiError> {
    let id = parse_id(raw_id, "webhook endpoint")?;
    let loaded = load_in_space::<WebhookEndpoint>(&state.db, space.id, id).await?;
    let events = loaded.state.decide(WebhookCommand::Disable)?;
    let mut append = super::append_in::<WebhookEndpoint>(auth, space, id, loaded.version, &events)?;
    append.side_writes.push(Arc::new(WebhookWrite::Disable {
        id,
        at: append.recorded_at.clone(),
    }));
    Ok(Planned::new(Outcome::Done, (), append))
}

/// The endpoint `raw_id` of this space, from the store's table; anything else is 404.
pub async fn endpoint_in_space(
    state: &AppState,
    space: &SpaceRef,
    raw_id: &str,
) -> Result<EndpointRow, ApiError> {
    let id = parse_id(raw_id, "webhook endpoint")?;
    webhooks::endpoint(&state.db, id)
        .await?
        .filter(|e| e.space_id == space.id.0)
        .ok_or_else(|| ApiError::not_found("webhook endpoint"))
}

fn stored_time(field: &str, raw: &str) -> Result<String, ApiError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| lyceum_store::time::format(t.with_timezone(&Utc)))
        .map_err(|_| {
            ApiError::new(
                Code::ValidationFailed,
                format!("{field} must be an RFC 3339 time"),
            )
        })
}

/// Runs `POST /v1/spaces/{space}/webhooks/{id}/replay`: queues new deliveries at once (they are
/// not events, so nothing is appended).
pub async fn replay(
    state: &AppState,
    space: &SpaceRef,
    raw_id: &str,
    input: ReplayRequest,
) -> Result<Planned<ReplayAccepted>, ApiError> {
    let endpoint = endpoint_in_space(state, space, raw_id).await?;
    if !endpoint.active {
        return Err(ApiError::new(
            Code::InvalidTransition,
            "the webhook endpoint is disabled",
        ));
    }
    let queued = match (input.delivery_id, input.since, input.until) {
        (Some(delivery_id), None, None) => {
            let delivery = webhooks::delivery(&state.db, endpoint.id, delivery_id)
                .await?
                .ok_or_else(|| ApiError::not_found("delivery"))?;
            usize::from(
                webhooks::replay_event(&state.db, &endpoint, delivery.event_id)
                    .await?
                    .is_some(),
            )
        }
        (None, Some(since), Some(until)) => {
            let (since, until) = (stored_time("since", &since)?, stored_time("until", &until)?);
            if since >= until {
                return Err(ApiError::new(
                    Code::ValidationFailed,
                    "since must be before until",
                ));
            }
            webhooks::replay_range(&state.db, &endpoint, &since, &until).await?
        }
        _ => {
            return Err(ApiError::new(
                Code::ValidationFailed,
                "give either delivery_id, or both since and until",
            ));
        }
    };
    Ok(Planned {
        outcome: Outcome::Accepted,
        output: ReplayAccepted { queued },
        append: None,
        position: None,
        replay_body: None,
    })
}
