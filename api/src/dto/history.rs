//! What auditors read of one aggregate as of a point of the log: its state, folded by the
//! domain, and where in the log that state stands.

use async_graphql::SimpleObject;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One aggregate's state as of a point of the log: its events up to that point folded through
/// the domain's own rules, as the aggregate decided commands then.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, SimpleObject)]
#[schema(example = json!({
    "aggregate_type": "member", "aggregate_id": "0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d",
    "version": 2, "position": 42, "recorded_at": "2026-11-21T08:05:00.000000Z",
    "state": {"state": {"space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
        "tiers": ["0192f0c4-4c2b-7d33-8e1f-6b7c8d9e0f1a"], "removed": false, "erased": false,
        "points": 0, "guest": false, "muted_until": null, "banned": false}}
}))]
pub struct StreamState {
    pub aggregate_type: String,
    #[graphql(
        skip,
        derived(owned, name = "aggregate_id", into = "async_graphql::ID")
    )]
    pub aggregate_id: Uuid,
    /// The version of the last event folded: how many events the state is made of.
    pub version: i64,
    /// The global position of the last event folded.
    pub position: i64,
    /// When the last event folded was recorded (RFC 3339, UTC).
    pub recorded_at: String,
    /// The aggregate's state as the domain holds it, serialised field by field. Personal data
    /// the domain keeps sealed stays sealed; the state holds none in the clear.
    #[schema(value_type = Object)]
    pub state: serde_json::Value,
}
