//! The wire format of an event on the bus: the body is the stored event as JSON, and two
//! headers carry its position and the position of the event published just before it, so a
//! consumer can tell a duplicate from a gap without reading the body twice. No IO here.

use crate::error::WorkerError;
use lapin::BasicProperties;
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lyceum_projections::Delivery;
use lyceum_store::StoredEvent;

/// Header with the event's global position.
pub const POSITION_HEADER: &str = "lyceum-position";
/// Header with the position of the event the relay published just before this one.
pub const PREVIOUS_HEADER: &str = "lyceum-previous";
const CONTENT_TYPE: &str = "application/json";
/// AMQP delivery mode 2: the broker writes the message to disk.
const PERSISTENT: u8 = 2;

/// One event ready to publish.
#[derive(Debug, Clone)]
pub struct Message {
    pub routing_key: String,
    pub body: Vec<u8>,
    pub properties: BasicProperties,
}

impl Message {
    /// Encodes `event`, published right after the event at `previous`.
    pub fn new(event: &StoredEvent, previous: i64) -> Result<Self, WorkerError> {
        Ok(Self {
            routing_key: event.routing_key(),
            body: serde_json::to_vec(event)?,
            properties: properties(event, previous),
        })
    }
}

/// The properties the relay sets on every event.
pub fn properties(event: &StoredEvent, previous: i64) -> BasicProperties {
    let mut headers = FieldTable::default();
    headers.insert(
        POSITION_HEADER.into(),
        AMQPValue::LongLongInt(event.position),
    );
    headers.insert(PREVIOUS_HEADER.into(), AMQPValue::LongLongInt(previous));
    BasicProperties::default()
        .with_message_id(event.event_id.to_string().into())
        .with_content_type(CONTENT_TYPE.into())
        .with_delivery_mode(PERSISTENT)
        .with_headers(headers)
}

/// Decodes a received message back into the delivery a projection applies.
pub fn decode(properties: &BasicProperties, body: &[u8]) -> Result<Delivery, WorkerError> {
    let event: StoredEvent = serde_json::from_slice(body)?;
    let headers = properties
        .headers()
        .as_ref()
        .ok_or_else(|| WorkerError::Malformed("no headers".into()))?;
    let position = integer_header(headers, POSITION_HEADER)?;
    if position != event.position {
        return Err(WorkerError::Malformed(format!(
            "header says position {position}, body says {}",
            event.position
        )));
    }
    let previous = integer_header(headers, PREVIOUS_HEADER)?;
    if previous >= position {
        return Err(WorkerError::Malformed(format!(
            "previous {previous} is not before position {position}"
        )));
    }
    Ok(Delivery { previous, event })
}

/// Reads an integer header, whatever integer width the broker or a foreign publisher used.
fn integer_header(headers: &FieldTable, name: &str) -> Result<i64, WorkerError> {
    let value = headers
        .inner()
        .get(&ShortString::from(name))
        .ok_or_else(|| WorkerError::Malformed(format!("missing header {name}")))?;
    let number = match value {
        AMQPValue::LongLongInt(n) => Some(*n),
        AMQPValue::LongInt(n) => Some(i64::from(*n)),
        AMQPValue::LongUInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortUInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortShortInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortShortUInt(n) => Some(i64::from(*n)),
        _ => None,
    };
    number.ok_or_else(|| WorkerError::Malformed(format!("header {name} is not an integer")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn event(position: i64) -> StoredEvent {
        StoredEvent {
            position,
            event_id: Uuid::now_v7(),
            aggregate_type: "space".into(),
            aggregate_id: Uuid::new_v4(),
            version: 1,
            event_type: "SpaceCreated".into(),
            event_version: 1,
            payload: serde_json::json!({"type": "SpaceCreated"}),
            space_id: None,
            actor: "system".into(),
            correlation_id: Uuid::new_v4(),
            causation_id: None,
            request_id: "test".into(),
            recorded_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn round_trips_with_headers() -> Result<(), WorkerError> {
        let original = event(7);
        let message = Message::new(&original, 4)?;
        assert_eq!(message.routing_key, "space.SpaceCreated");
        assert_eq!(message.properties.delivery_mode(), &Some(PERSISTENT));
        assert_eq!(
            message
                .properties
                .message_id()
                .as_ref()
                .map(|id| id.as_str()),
            Some(original.event_id.to_string().as_str())
        );
        let delivery = decode(&message.properties, &message.body)?;
        assert_eq!(delivery.previous, 4);
        assert_eq!(delivery.event, original);
        Ok(())
    }

    #[test]
    fn refuses_inconsistent_or_missing_headers() -> Result<(), WorkerError> {
        let message = Message::new(&event(7), 4)?;
        let lying = properties(&event(8), 4);
        assert!(matches!(
            decode(&lying, &message.body),
            Err(WorkerError::Malformed(_))
        ));
        assert!(matches!(
            decode(&BasicProperties::default(), &message.body),
            Err(WorkerError::Malformed(_))
        ));
        assert!(matches!(
            decode(&message.properties, b"not json"),
            Err(WorkerError::Json(_))
        ));
        Ok(())
    }
}
