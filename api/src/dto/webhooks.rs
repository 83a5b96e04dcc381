//! The wire shapes of outgoing-webhook endpoints, their deliveries and replays.

use super::rules::{FieldRule, Format, Rule, on};
use lyceum_store::webhooks::{DeliveryRow, EndpointRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hooks.example.org/lyceum", "event_types": ["TierDefined", "MemberJoinedTier"]}))]
pub struct CreateWebhook {
    /// An http(s) URL on a public address.
    pub url: String,
    /// Event types to receive, or `["*"]` for all.
    pub event_types: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e10", "url": "https://hooks.example.org/lyceum",
    "event_types": ["TierDefined"], "secret": "whsec_3f9a…", "created_at": "2026-11-21T08:00:00.000000Z"
}))]
pub struct CreatedWebhook {
    pub id: Uuid,
    pub url: String,
    pub event_types: Vec<String>,
    /// The signing secret, shown once (null in an idempotent replay).
    pub secret: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e10", "url": "https://hooks.example.org/lyceum",
    "event_types": ["*"], "active": true, "created_at": "2026-11-21T08:00:00.000000Z",
    "disabled_at": null
}))]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub event_types: Vec<String>,
    /// False once disabled.
    pub active: bool,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

impl From<EndpointRow> for Webhook {
    fn from(row: EndpointRow) -> Self {
        Self {
            id: row.id,
            url: row.url,
            event_types: row.event_types,
            active: row.active,
            created_at: row.created_at,
            disabled_at: row.disabled_at,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"overlap_seconds": 86400}))]
pub struct RotateSecret {
    /// How long the previous secret keeps signing too (default 86400, at most 604800).
    pub overlap_seconds: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e10", "secret": "whsec_8c1d…",
    "previous_secret_expires_at": "2026-11-22T08:00:00.000000Z"
}))]
pub struct RotatedSecret {
    pub id: Uuid,
    /// The new signing secret, shown once (null in an idempotent replay).
    pub secret: Option<String>,
    /// Until then deliveries carry a second `v1=` signature made with the previous secret.
    pub previous_secret_expires_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c5-0000-7000-8000-000000000001", "event_id": "0192f0c4-aaaa-7000-8000-000000000002",
    "event_type": "TierDefined", "replay_id": null, "status": "pending", "attempts": 1,
    "next_attempt_at": "2026-11-21T08:00:30.000000Z", "last_status_code": 500,
    "last_error": "the endpoint answered 500", "created_at": "2026-11-21T08:00:00.000000Z",
    "updated_at": "2026-11-21T08:00:00.200000Z", "delivered_at": null
}))]
pub struct Delivery {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    /// Set when a replay queued this delivery.
    pub replay_id: Option<Uuid>,
    /// `pending`, `delivered`, `failed` (gave up after 3 days) or `canceled` (endpoint disabled).
    pub status: String,
    pub attempts: i64,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<String>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub delivered_at: Option<String>,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Self {
        Self {
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            replay_id: row.replay_id,
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_status_code: row.last_status_code,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
            delivered_at: row.delivered_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"since": "2026-11-21T00:00:00Z", "until": "2026-11-22T00:00:00Z"}))]
pub struct ReplayRequest {
    /// Replay this one delivery's event.
    pub delivery_id: Option<Uuid>,
    /// Or every subscribed event recorded from `since` (inclusive, RFC 3339) …
    pub since: Option<String>,
    /// … to `until` (exclusive, RFC 3339).
    pub until: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"queued": 3}))]
pub struct ReplayAccepted {
    /// How many new deliveries were queued.
    pub queued: usize,
}

/// What the server enforces on the request types above. Whether a URL's host is public needs
/// DNS, so the schema says only what the URL looks like.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::webhook::{ALL_EVENTS, EVENT_TYPES, MAX_OVERLAP_SECONDS, MAX_URL_LEN};
    let types = EVENT_TYPES.iter().chain([&ALL_EVENTS]);
    vec![
        on::<CreateWebhook>("url", Rule::Pattern(super::patterns::http_url())),
        on::<CreateWebhook>("url", Rule::Length(0, MAX_URL_LEN)),
        // `*` stands alone, which the schema does not say.
        on::<CreateWebhook>(
            "event_types",
            Rule::Items {
                min: 1,
                max: None,
                unique: false,
            },
        ),
        on::<CreateWebhook>(
            "event_types",
            Rule::each(Rule::OneOf(types.map(|t| (*t).to_owned()).collect())),
        ),
        on::<RotateSecret>(
            "overlap_seconds",
            Rule::Range(0, MAX_OVERLAP_SECONDS.into()),
        ),
        on::<ReplayRequest>("since", Rule::Format(Format::DateTime)),
        on::<ReplayRequest>("until", Rule::Format(Format::DateTime)),
    ]
}
