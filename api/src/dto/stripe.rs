//! The wire shapes of the Stripe integration: signing secrets, inbound events and acknowledgements.

use super::rules::{FieldRule, Rule, on};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A webhook signing secret to accept, as Stripe shows it for the endpoint.
// No `Debug`: the secret must not reach a log line.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"secret": "whsec_5f1c0d8e2b4a4e7f9c3d1a6b8e0f2c4d"}))]
pub struct AddStripeSecret {
    /// `whsec_…`, from the endpoint's page in the Stripe dashboard.
    pub secret: String,
}

/// The space's signing secrets after the change; the secrets themselves are never returned.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"active_secrets": 2}))]
pub struct StripeSecrets {
    /// How many secrets verify deliveries now (at most 3, the newest).
    pub active_secrets: i64,
}

/// A Stripe event exactly as Stripe sends it. The signature covers the raw bytes, so the body
/// is read as sent; only the fields below are used.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "evt_1PqR2sLkdIwHu7ix",
    "type": "charge.refunded",
    "created": 1_763_720_000,
    "livemode": false,
    "data": {"object": {
        "id": "ch_3PqR2sLkdIwHu7ix", "object": "charge", "amount": 1500,
        "amount_refunded": 500, "currency": "eur", "refunded": false,
        "refunds": {"data": [{"id": "re_3PqR2sLkdIwHu7ix"}]},
        "metadata": {"lyceum_order_id": "0193a7f2-6c1e-7c3b-9a55-2f4e8d1b6a70"}
    }}
}))]
pub struct StripeEventBody {
    /// Stripe's event id: deliveries with an id already handled answer `duplicate`.
    pub id: String,
    /// The event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// When Stripe created the event, in unix seconds.
    pub created: i64,
    /// The object the event is about; `metadata.lyceum_order_id` names the order,
    /// `metadata.lyceum_subscription_id` the subscription.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// What Lyceum did with a delivery. Every 200 tells Stripe to stop retrying.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"received": true, "order_id": "0193a7f2-6c1e-7c3b-9a55-2f4e8d1b6a70", "events": 1}))]
pub struct StripeAck {
    /// Always `true`.
    pub received: bool,
    /// `true` when this event id was already handled: nothing was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<bool>,
    /// Why an authentic event had no effect: nothing was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    /// The order the event applied to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<Uuid>,
    /// The subscription the event applied to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<Uuid>,
    /// How many events the order or subscription recorded (0 when an order had already
    /// applied this event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<usize>,
}

impl StripeAck {
    fn received() -> Self {
        Self {
            received: true,
            duplicate: None,
            ignored: None,
            order_id: None,
            subscription_id: None,
            events: None,
        }
    }

    /// A redelivery of an event already handled.
    pub fn duplicate() -> Self {
        Self {
            duplicate: Some(true),
            ..Self::received()
        }
    }

    /// An authentic event that had no effect, and why.
    pub fn ignored(reason: String) -> Self {
        Self {
            ignored: Some(reason),
            ..Self::received()
        }
    }

    /// An event that `events` events of the order recorded.
    pub fn applied_to_order(order_id: Uuid, events: usize) -> Self {
        Self {
            order_id: Some(order_id),
            events: Some(events),
            ..Self::received()
        }
    }

    /// An event that `events` events of the subscription recorded.
    pub fn applied_to_subscription(subscription_id: Uuid, events: usize) -> Self {
        Self {
            subscription_id: Some(subscription_id),
            events: Some(events),
            ..Self::received()
        }
    }
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    vec![on::<AddStripeSecret>(
        "secret",
        Rule::Pattern(super::patterns::stripe_secret()),
    )]
}
