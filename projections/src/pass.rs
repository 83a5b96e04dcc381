//! The one pass over the log: each batch of events is read and decoded once, from the lowest
//! checkpoint among the read models up to the high-water mark, and each read model applies its
//! share in a transaction of its own (rows and partition checkpoints together). Read models to
//! which nothing in the batch applies have their checkpoints moved together, in one statement.

use crate::Projection;
use crate::partition::{DEFAULT_PARTITIONS, partition_of};
use lyceum_store::checkpoints::{self, Floor};
use lyceum_store::read::{Filter, high_water_mark, read_between};
use lyceum_store::{Db, StoreError, StoredEvent};
use sqlx::{AnyConnection, Connection};

/// Events read from the log at a time when following it live.
pub const LIVE_BATCH: i64 = 500;

/// Applies to `projection`, in the caller's transaction, those of `events` (in position order)
/// it handles and that lie above the checkpoint of their partition in `partitions` (as
/// [`checkpoints::lock_partitions`] returned them).
pub(crate) async fn apply_share(
    conn: &mut AnyConnection,
    projection: Projection,
    partitions: &[i64],
    events: &[StoredEvent],
) -> Result<(), StoreError> {
    let count = u16::try_from(partitions.len())
        .map_err(|_| StoreError::Corrupt(format!("{} partitions", partitions.len())))?;
    if count == 0 {
        return Err(StoreError::Corrupt(format!(
            "{} has no partitions",
            projection.name()
        )));
    }
    let share: Vec<&StoredEvent> = events
        .iter()
        .filter(|event| {
            projection.wants(event)
                && partitions
                    .get(usize::from(partition_of(event, count)))
                    .is_some_and(|&checkpoint| event.position > checkpoint)
        })
        .collect();
    if share.is_empty() {
        return Ok(());
    }
    projection.apply_batch(conn, &share).await
}

/// Locks `projection`'s partition checkpoints in the caller's transaction. A running server
/// has split them at start (`partition::prepare`, with the configured count); only a store
/// nobody prepared (a test's, a benchmark's) gets the default count here.
pub(crate) async fn lock(
    conn: &mut AnyConnection,
    db: &Db,
    projection: Projection,
) -> Result<Vec<i64>, StoreError> {
    checkpoints::lock_partitions(conn, db.backend, projection.name(), DEFAULT_PARTITIONS).await
}

/// Applies `projection`'s share of `events`, which are the whole log in `(after, last]`, in one
/// transaction, and moves its checkpoints to the last event. Does nothing if one of its
/// partitions stands below `after` (it needs events before the batch; the next round starts
/// lower). Returns whether it committed.
async fn apply_own(
    db: &Db,
    projection: Projection,
    after: i64,
    events: &[StoredEvent],
) -> Result<bool, StoreError> {
    let Some(last) = events.last().map(|event| event.position) else {
        return Ok(false);
    };
    let mut conn = db.writer().acquire().await?;
    let mut tx = conn.begin().await?;
    let partitions = lock(&mut tx, db, projection).await?;
    if partitions.iter().any(|&checkpoint| checkpoint < after) {
        tx.rollback().await?;
        return Ok(false);
    }
    apply_share(&mut tx, projection, &partitions, events).await?;
    checkpoints::save_partitions(&mut tx, projection.name(), last).await?;
    tx.commit().await?;
    db.checkpoints_moved();
    Ok(true)
}

/// Where each of `projections` stands.
async fn floors(db: &Db, projections: &[Projection]) -> Result<Vec<Floor>, StoreError> {
    let names: Vec<&str> = projections.iter().map(|p| p.name()).collect();
    let mut conn = db.reader().acquire().await?;
    checkpoints::floors(&mut conn, &names).await
}

/// One round: reads at most `batch` events above the lowest checkpoint among `projections`, up
/// to `up_to` (at most a high-water mark), and applies them. Returns how many events it read
/// (0: every one of them has reached `up_to`).
pub async fn step(
    db: &Db,
    projections: &[Projection],
    up_to: i64,
    batch: i64,
) -> Result<usize, StoreError> {
    let floors = floors(db, projections).await?;
    let Some(after) = floors.iter().map(|floor| floor.lowest).min() else {
        return Ok(0);
    };
    if after >= up_to {
        return Ok(0);
    }
    let events = read_between(db, after, up_to, batch, &Filter::default()).await?;
    let Some(last) = events.last().map(|event| event.position) else {
        return Ok(0);
    };
    let mut idle = Vec::new();
    let mut failed = None;
    for (&projection, floor) in projections.iter().zip(&floors) {
        if floor.lowest >= last {
            continue;
        }
        let busy = !floor.partitioned
            || events
                .iter()
                .any(|event| event.position > floor.lowest && projection.wants(event));
        if busy {
            // One read model that fails does not hold the others back; it tries again from
            // its own checkpoint next round.
            if let Err(error) = apply_own(db, projection, after, &events).await {
                tracing::warn!(%error, projection = projection.name(), "applying a batch failed");
                failed.get_or_insert(error);
            }
        } else {
            idle.push(projection.name());
        }
    }
    if !idle.is_empty() {
        let mut conn = db.writer().acquire().await?;
        if checkpoints::advance_partitions(&mut conn, &idle, after, last).await? > 0 {
            db.checkpoints_moved();
        }
    }
    match failed {
        Some(error) => Err(error),
        None => Ok(events.len()),
    }
}

/// Applies the log to `projections` up to the high-water mark as it is now, in batches of
/// `batch` events. Returns the lowest checkpoint among them afterwards.
pub async fn catch_up_all(
    db: &Db,
    projections: &[Projection],
    batch: i64,
) -> Result<i64, StoreError> {
    let hwm = high_water_mark(db).await?;
    while step(db, projections, hwm, batch).await? > 0 {}
    Ok(floors(db, projections)
        .await?
        .iter()
        .map(|floor| floor.lowest)
        .min()
        .unwrap_or(hwm))
}
