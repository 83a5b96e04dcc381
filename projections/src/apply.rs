//! The step a broker consumer uses: apply delivered events to a projection (through the one
//! pass's [`crate::pass::apply_share`]) and move its checkpoints in the same transaction,
//! skipping anything at or below them, and filling any gap in what was delivered from the log
//! itself, so an event is never skipped and never applied twice.

use crate::{Projection, pass};
use lyceum_store::read::{Filter, read_between};
use lyceum_store::{Db, StoreError, StoredEvent, checkpoints};
use sqlx::Connection;

/// An event as delivered by the bus: with the position of the event published just before it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub previous: i64,
    pub event: StoredEvent,
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
    let partitions = pass::lock(&mut tx, db, projection).await?;
    let start = partitions.iter().copied().min().unwrap_or_default();
    let mut checkpoint = start;
    let mut run = Vec::new();
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
            if let Some(last) = missing.last() {
                checkpoint = last.position;
            }
            run.extend(missing);
            continue;
        }
        checkpoint = event.position;
        run.push(event.clone());
    }
    pass::apply_share(&mut tx, projection, &partitions, &run).await?;
    if checkpoint != start {
        checkpoints::save_partitions(&mut tx, projection.name(), checkpoint).await?;
    }
    tx.commit().await?;
    if checkpoint != start {
        db.checkpoints_moved();
    }
    Ok(checkpoint)
}

/// Applies the log directly, up to the high-water mark, in batches of `batch` events, each
/// batch one transaction. Returns the checkpoint reached. This is how any consumer recovers.
pub async fn catch_up(db: &Db, projection: Projection, batch: i64) -> Result<i64, StoreError> {
    pass::catch_up_all(db, &[projection], batch).await
}
