//! The wire format of an event on the bus: the body is the stored event as JSON, and headers
//! carry its position, the position of the event published just before it, and for each
//! projection that takes it the position of the last event published to the same projection and
//! partition, so a consumer can tell a duplicate from a gap without reading the body twice. The
//! routing key is `<aggregate>.<EventType>.<partition>`. No IO here.

use crate::error::WorkerError;
use lapin::BasicProperties;
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lyceum_projections::{Delivery, Projection};
use lyceum_store::StoredEvent;

/// Header with the event's global position.
pub const POSITION_HEADER: &str = "lyceum-position";
/// Header with the position of the event the relay published just before this one.
pub const PREVIOUS_HEADER: &str = "lyceum-previous";
/// Header with a table: for each projection (by name) that takes the event, a position after
/// which nothing was published to that projection's partition before this event.
pub const PREVIOUS_IN_HEADER: &str = "lyceum-previous-in";
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
    /// Encodes `event`, in `partition`, published right after the event at `previous`.
    pub fn new(event: &StoredEvent, previous: i64, partition: u16) -> Result<Self, WorkerError> {
        Ok(Self {
            routing_key: format!("{}.{partition}", event.routing_key()),
            body: serde_json::to_vec(event)?,
            properties: properties(event, previous),
        })
    }

    /// Adds, for each projection, the position after which nothing was published to its
    /// partition before this event.
    pub fn with_previous_in(mut self, previous: &[(Projection, i64)]) -> Self {
        if previous.is_empty() {
            return self;
        }
        let mut table = FieldTable::default();
        for (projection, position) in previous {
            table.insert(projection.name().into(), AMQPValue::LongLongInt(*position));
        }
        let mut headers = self.properties.headers().clone().unwrap_or_default();
        headers.insert(PREVIOUS_IN_HEADER.into(), AMQPValue::FieldTable(table));
        self.properties = self.properties.with_headers(headers);
        self
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

/// Decodes a message received on one of `projection`'s queues: its `previous` is the one the
/// relay gave for that projection, or the global one if it gave none.
pub fn decode_for(
    properties: &BasicProperties,
    body: &[u8],
    projection: Projection,
) -> Result<Delivery, WorkerError> {
    let mut delivery = decode(properties, body)?;
    let own = properties
        .headers()
        .as_ref()
        .and_then(|headers| headers.inner().get(&ShortString::from(PREVIOUS_IN_HEADER)))
        .and_then(|value| match value {
            AMQPValue::FieldTable(table) => Some(table),
            _ => None,
        })
        .and_then(|table| integer_header(table, projection.name()).ok());
    if let Some(previous) = own {
        if previous >= delivery.event.position {
            return Err(WorkerError::Malformed(format!(
                "previous {previous} for {} is not before position {}",
                projection.name(),
                delivery.event.position
            )));
        }
        delivery.previous = previous;
    }
    Ok(delivery)
}

/// Decodes a received message back into the delivery a projection applies.
pub fn decode(properties: &BasicProperties, body: &[u8]) -> Result<Delivery, WorkerError> {
    let mut event: StoredEvent = serde_json::from_slice(body)?;
    if event.occurred_at.is_empty() {
        // Published by a relay from before business time: the event occurred when recorded.
        event.occurred_at.clone_from(&event.recorded_at);
    }
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
            occurred_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn round_trips_with_headers() -> Result<(), WorkerError> {
        let original = event(7);
        let message = Message::new(&original, 4, 2)?;
        assert_eq!(message.routing_key, "space.SpaceCreated.2");
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
    fn a_projection_reads_its_own_previous() -> Result<(), WorkerError> {
        let message = Message::new(&event(9), 8, 0)?.with_previous_in(&[(Projection::Spaces, 3)]);
        let own = decode_for(&message.properties, &message.body, Projection::Spaces)?;
        assert_eq!(own.previous, 3);
        let other = decode_for(&message.properties, &message.body, Projection::Tiers)?;
        assert_eq!(other.previous, 8);
        let lying = Message::new(&event(9), 8, 0)?.with_previous_in(&[(Projection::Spaces, 9)]);
        assert!(decode_for(&lying.properties, &lying.body, Projection::Spaces).is_err());
        Ok(())
    }

    #[test]
    fn refuses_inconsistent_or_missing_headers() -> Result<(), WorkerError> {
        let message = Message::new(&event(7), 4, 0)?;
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
