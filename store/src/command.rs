//! Loading an aggregate from its stream and turning its decision into an [`Append`].

use crate::append::{Append, Metadata};
use crate::error::StoreError;
use crate::side_write::SideWrite;
use crate::{Db, read};
use lyceum_domain::Aggregate;
use std::sync::Arc;
use uuid::Uuid;

/// An aggregate rebuilt from the log.
pub struct Loaded<A: Aggregate> {
    pub state: A,
    /// The version of the last event, 0 for a new aggregate.
    pub version: i64,
    /// The position of the last event, if any.
    pub position: Option<i64>,
    /// Each event with the time it happened (`occurred_at`), oldest first.
    pub history: Vec<(A::Event, String)>,
}

/// Rebuilds an aggregate from its stream.
pub async fn load<A: Aggregate>(db: &Db, id: Uuid) -> Result<Loaded<A>, StoreError> {
    let events = read::stream(db, A::TYPE, id).await?;
    let mut state = A::default();
    let mut history = Vec::with_capacity(events.len());
    for stored in &events {
        let event = stored.decode::<A::Event>()?;
        state.apply(&event);
        history.push((event, stored.occurred_at.clone()));
    }
    Ok(Loaded {
        state,
        history,
        version: events.last().map_or(0, |e| e.version),
        position: events.last().map(|e| e.position),
    })
}

/// The append that records `events` after the loaded version.
pub fn append_for<A: Aggregate>(
    id: Uuid,
    loaded_version: i64,
    events: &[A::Event],
    metadata: Metadata,
    side_writes: Vec<Arc<dyn SideWrite>>,
) -> Result<Append, StoreError> {
    Ok(Append {
        aggregate_type: A::TYPE,
        aggregate_id: id,
        expected_version: loaded_version,
        events: events
            .iter()
            .map(lyceum_domain::event::encode)
            .collect::<Result<_, _>>()?,
        metadata,
        side_writes,
        recorded_at: crate::time::now(),
        occurred_at: crate::occurring::current(),
    })
}
