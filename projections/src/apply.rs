//! The one step every consumer uses: apply events to a projection and move its checkpoint in
//! the same transaction, skipping anything at or below the checkpoint, and filling any gap in
//! what was delivered from the log itself, so an event is never skipped and never applied twice.

use crate::Projection;
use lyceum_store::read::{Filter, high_water_mark, read_between};
use lyceum_store::{Db, StoreError, StoredEvent, checkpoints};
use sqlx::{AnyConnection, Connection};

/// An event as delivered by the bus: with the position of the event published just before it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub previous: i64,
    pub event: StoredEvent,
}

/// Applies events known to follow `checkpoint` without a gap; returns the new checkpoint.
pub(crate) async fn apply_contiguous(
    conn: &mut AnyConnection,
    projection: Projection,
    mut checkpoint: i64,
    events: &[StoredEvent],
) -> Result<i64, StoreError> {
    let start = checkpoint;
    for event in events.iter().filter(|e| e.position > start) {
        projection.apply(conn, event).await?;
        checkpoint = event.position;
    }
    Ok(checkpoint)
}

/// Applies a batch of deliveries in one transaction. Returns the checkpoint afterwards.
///
/// A delivery at or below the checkpoint is a duplicate and is skipped. A delivery whose
/// `previous` is not the checkpoint means something before it went missing or came out of
/// order: everything up to it is read from the log instead. (The relay publishes only up to the
/// high-water mark, so that part of the log is final.)
pub async fn apply_deliveries(
    db: &Db,
    projection: Projection,
    deliveries: &[Delivery],
) -> Result<i64, StoreError> {
    let mut conn = db.writer().acquire().await?;
    let mut tx = conn.begin().await?;
    let start = checkpoints::lock(&mut tx, db.backend, projection.name()).await?;
    let mut checkpoint = start;
    for delivery in deliveries {
        let event = &delivery.event;
        if event.position <= checkpoint {
            continue;
        }
        if delivery.previous != checkpoint {
            tracing::info!(
                projection = projection.name(),
                checkpoint,
                previous = delivery.previous,
                position = event.position,
                "gap in deliveries: reading the log"
            );
            let missing =
                read_between(db, checkpoint, event.position, i64::MAX, &Filter::default()).await?;
            checkpoint = apply_contiguous(&mut tx, projection, checkpoint, &missing).await?;
            continue;
        }
        checkpoint =
            apply_contiguous(&mut tx, projection, checkpoint, std::slice::from_ref(event)).await?;
    }
    if checkpoint != start {
        checkpoints::save(&mut tx, projection.name(), checkpoint).await?;
    }
    tx.commit().await?;
    crate::metrics::applied_deliveries(projection, deliveries, start, checkpoint);
    if checkpoint != start {
        db.checkpoints_moved();
    }
    Ok(checkpoint)
}

/// Applies the log directly, up to the high-water mark, in batches of `batch` events, each
/// batch one transaction. Returns the checkpoint reached. This is how the embedded bus delivers,
/// and how any consumer recovers.
pub async fn catch_up(db: &Db, projection: Projection, batch: i64) -> Result<i64, StoreError> {
    let hwm = high_water_mark(db).await?;
    loop {
        let checkpoint = lyceum_store::read::checkpoint(db, projection.name()).await?;
        if checkpoint >= hwm {
            return Ok(checkpoint);
        }
        let events = read_between(db, checkpoint, hwm, batch, &Filter::default()).await?;
        let mut previous = checkpoint;
        let deliveries: Vec<Delivery> = events
            .into_iter()
            .map(|event| {
                let delivery = Delivery { previous, event };
                previous = delivery.event.position;
                delivery
            })
            .collect();
        if deliveries.is_empty() {
            return Ok(checkpoint);
        }
        apply_deliveries(db, projection, &deliveries).await?;
    }
}
