//! An event as the log holds it, with its position and metadata.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

/// One row of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// The global position: unique, increasing, never reused (there may be gaps).
    pub position: i64,
    pub event_id: Uuid,
    pub aggregate_type: String,
    pub aggregate_id: Uuid,
    /// The event's version within its aggregate, from 1.
    pub version: i64,
    pub event_type: String,
    pub event_version: i32,
    pub payload: Value,
    pub space_id: Option<Uuid>,
    /// `key:<id>`, `member:<id>` or `system`.
    pub actor: String,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub request_id: String,
    pub recorded_at: String,
    /// When it happened (business time): `recorded_at` unless the event was stored with a time
    /// of its own. Bodies from a relay older than it have none, and read it as `recorded_at`.
    #[serde(default)]
    pub occurred_at: String,
}

/// The columns `StoredEvent::from_row` reads, in order.
pub const COLUMNS: &str = "position, event_id, aggregate_type, aggregate_id, version, event_type, \
     event_version, payload, space_id, actor, correlation_id, causation_id, request_id, recorded_at, \
     COALESCE(occurred_at, recorded_at) AS occurred_at";

impl StoredEvent {
    pub fn from_row(row: &AnyRow) -> Result<Self, crate::StoreError> {
        let uuid = |name: &str| -> Result<Uuid, crate::StoreError> {
            Ok(Uuid::parse_str(&row.try_get::<String, _>(name)?)?)
        };
        let opt_uuid = |name: &str| -> Result<Option<Uuid>, crate::StoreError> {
            Ok(row
                .try_get::<Option<String>, _>(name)?
                .map(|s| Uuid::parse_str(&s))
                .transpose()?)
        };
        Ok(Self {
            position: row.try_get("position")?,
            event_id: uuid("event_id")?,
            aggregate_type: row.try_get("aggregate_type")?,
            aggregate_id: uuid("aggregate_id")?,
            version: row.try_get("version")?,
            event_type: row.try_get("event_type")?,
            event_version: i32::try_from(row.try_get::<i64, _>("event_version")?)
                .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?,
            payload: serde_json::from_str(&row.try_get::<String, _>("payload")?)?,
            space_id: opt_uuid("space_id")?,
            actor: row.try_get("actor")?,
            correlation_id: uuid("correlation_id")?,
            causation_id: opt_uuid("causation_id")?,
            request_id: row.try_get("request_id")?,
            recorded_at: row.try_get("recorded_at")?,
            occurred_at: row.try_get("occurred_at")?,
        })
    }

    /// The RabbitMQ routing key: `<aggregate>.<event>`.
    pub fn routing_key(&self) -> String {
        format!("{}.{}", self.aggregate_type, self.event_type)
    }

    /// Decodes the payload into a domain event, upcasting older versions.
    pub fn decode<E: lyceum_domain::DomainEvent>(&self) -> Result<E, crate::StoreError> {
        Ok(lyceum_domain::event::decode(
            &self.event_type,
            self.event_version,
            self.payload.clone(),
        )?)
    }
}
