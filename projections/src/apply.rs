//! The one step every consumer uses: apply events to a projection and move its checkpoint in
//! the same transaction, skipping anything at or below the checkpoint, and filling any gap in
//! what was delivered from the log itself, so an event is never skipped and never applied twice.

use crate::partition::partition_of;
use crate::{Projection, pass};
use lyceum_store::read::{events_between_on, high_water_mark};
use lyceum_store::{Db, StoreError, StoredEvent, checkpoints};
use sqlx::{AnyConnection, Connection};

/// An event as delivered by the bus: with the position of the event published just before it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub previous: i64,
    pub event: StoredEvent,
}

/// Applies what `part` takes of `events` after `checkpoint`, through the one pass's batch step,
/// with the other partitions shut out.
async fn apply_part(
    conn: &mut AnyConnection,
    part: Part,
    checkpoint: i64,
    events: &[StoredEvent],
) -> Result<(), StoreError> {
    let mut view = vec![i64::MAX; usize::from(part.count.max(1))];
    if let Some(own) = view.get_mut(usize::from(part.index)) {
        *own = checkpoint;
    }
    pass::apply_share(conn, part.projection, &view, events).await
}

/// One partition of a projection: what the consumer of one queue applies, with its own
/// checkpoint (see [`crate::partition`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Part {
    pub projection: Projection,
    pub index: u16,
    /// How many partitions the projection has.
    pub count: u16,
}

impl Part {
    /// Whether `event` belongs to this partition of this projection.
    pub fn takes(&self, event: &StoredEvent) -> bool {
        self.projection.wants(event) && partition_of(event, self.count) == self.index
    }
}

/// How many events are read from the log at a time when filling a gap or catching up.
const READ_BATCH: i64 = 1_000;

/// Applies a batch of deliveries to one partition in one transaction. Returns the partition's
/// checkpoint afterwards.
///
/// A delivery at or below the checkpoint is a duplicate and is skipped. A delivery's `previous`
/// says that nothing of this partition lies between it and the delivery; when it is above the
/// checkpoint, something before it went missing or came out of order, and that stretch is read
/// from the log instead. (The relay publishes only up to the high-water mark, so that part of
/// the log is final.)
pub async fn apply_deliveries(
    db: &Db,
    part: Part,
    deliveries: &[Delivery],
) -> Result<i64, StoreError> {
    let name = part.projection.name();
    let mut conn = db.writer().acquire().await?;
    let mut tx = conn.begin().await?;
    let start =
        checkpoints::lock_partition(&mut tx, db.backend, name, part.index, part.count).await?;
    let mut checkpoint = start;
    // The deliveries this part takes since the last gap, applied together (a bulk projection
    // writes them in a few statements), all above `run_from`.
    let mut run: Vec<StoredEvent> = Vec::new();
    let mut run_from = checkpoint;
    for delivery in deliveries {
        let event = &delivery.event;
        if event.position <= checkpoint {
            continue;
        }
        if delivery.previous > checkpoint {
            apply_part(&mut tx, part, run_from, &std::mem::take(&mut run)).await?;
            tracing::info!(
                projection = name,
                partition = part.index,
                checkpoint,
                previous = delivery.previous,
                position = event.position,
                "gap in deliveries: reading the log"
            );
            checkpoint = apply_from_log(&mut tx, part, checkpoint, delivery.previous).await?;
            run_from = checkpoint;
        }
        if part.takes(event) {
            run.push(event.clone());
        }
        checkpoint = checkpoint.max(event.position);
    }
    apply_part(&mut tx, part, run_from, &run).await?;
    if checkpoint != start {
        checkpoints::save_partition(&mut tx, name, part.index, checkpoint).await?;
    }
    tx.commit().await?;
    crate::metrics::applied_deliveries(part.projection, deliveries, start, checkpoint);
    if checkpoint != start {
        db.checkpoints_moved();
    }
    Ok(checkpoint)
}

/// Applies what `part` takes of the log in `(after, up_to]`, read in batches. Returns `up_to`.
async fn apply_from_log(
    conn: &mut AnyConnection,
    part: Part,
    mut after: i64,
    up_to: i64,
) -> Result<i64, StoreError> {
    while after < up_to {
        let events = events_between_on(conn, after, up_to, READ_BATCH).await?;
        let Some(last) = events.last().map(|event| event.position) else {
            break;
        };
        apply_part(conn, part, after, &events).await?;
        after = last;
    }
    Ok(up_to)
}

/// Applies the log directly to one partition, up to the high-water mark, each batch of
/// [`READ_BATCH`] events one transaction. Returns the checkpoint reached. This is how a
/// consumer recovers what its queue no longer holds.
pub async fn catch_up(db: &Db, part: Part) -> Result<i64, StoreError> {
    let hwm = high_water_mark(db).await?;
    let name = part.projection.name();
    loop {
        let mut conn = db.writer().acquire().await?;
        let mut tx = conn.begin().await?;
        let checkpoint =
            checkpoints::lock_partition(&mut tx, db.backend, name, part.index, part.count).await?;
        if checkpoint >= hwm {
            return Ok(checkpoint);
        }
        let events = events_between_on(&mut tx, checkpoint, hwm, READ_BATCH).await?;
        let Some(last) = events.last().map(|event| event.position) else {
            return Ok(checkpoint);
        };
        apply_part(&mut tx, part, checkpoint, &events).await?;
        checkpoints::save_partition(&mut tx, name, part.index, last).await?;
        tx.commit().await?;
        db.checkpoints_moved();
    }
}
