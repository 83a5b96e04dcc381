//! The contract between domain events and the log: every event has a stable type name and a
//! schema version, and is stored as `(event_type, event_version, payload)`. Stored payloads are
//! never rewritten; a schema change adds an upcaster that lifts old payloads on read.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// An event of one aggregate type.
pub trait DomainEvent: Serialize + DeserializeOwned + Clone + std::fmt::Debug + PartialEq {
    /// The stable name stored in the log and used in routing keys (`<aggregate>.<event>`).
    fn event_type(&self) -> &'static str;

    /// The schema version of this event's payload as written today.
    fn event_version(&self) -> i32 {
        1
    }

    /// Lifts a stored payload written at `version` to today's schema. The default accepts only
    /// today's version; an event whose schema changes overrides this.
    fn upcast(_event_type: &str, _version: i32, payload: Value) -> Value {
        payload
    }
}

/// An event split into the parts the log stores.
#[derive(Debug, Clone, PartialEq)]
pub struct EventEnvelope {
    pub event_type: String,
    pub event_version: i32,
    pub payload: Value,
}

/// Splits an adjacently tagged event (`{"type": .., "data": ..}`) into its stored parts.
pub fn encode<E: DomainEvent>(event: &E) -> Result<EventEnvelope, serde_json::Error> {
    let mut value = serde_json::to_value(event)?;
    let payload = value
        .get_mut("data")
        .map(Value::take)
        .unwrap_or(Value::Object(Default::default()));
    Ok(EventEnvelope {
        event_type: event.event_type().to_owned(),
        event_version: event.event_version(),
        payload,
    })
}

/// Rebuilds an event from its stored parts, upcasting older versions first.
pub fn decode<E: DomainEvent>(
    event_type: &str,
    event_version: i32,
    payload: Value,
) -> Result<E, serde_json::Error> {
    let payload = E::upcast(event_type, event_version, payload);
    serde_json::from_value(serde_json::json!({ "type": event_type, "data": payload }))
}
