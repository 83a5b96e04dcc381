//! Rebuilding read models from position 0, all of them (or the chosen ones) in one pass over
//! the log. The whole rebuild is one transaction that holds their checkpoints, so live
//! consumers wait and readers see the old rows until the new ones are complete.

use crate::{Projection, pass};
use lyceum_store::checkpoints;
use lyceum_store::read::{Filter, high_water_mark, read_between};
use lyceum_store::{Db, StoreError};
use sqlx::Connection;

/// How a rebuild reads and applies the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Events read from the log at a time.
    pub read: i64,
    /// Events handed to a projection at a time (its share of them).
    pub apply: usize,
}

impl Pace {
    /// Large batches, each read once and applied by every projection at once.
    pub const BATCHED: Pace = Pace {
        read: 2_000,
        apply: 2_000,
    };
    /// Event by event, as rebuilds were before read models took batches: for comparison.
    pub const EVENT_BY_EVENT: Pace = Pace {
        read: 500,
        apply: 1,
    };
}

/// Rebuilds `projection` from the start of the log. `progress(done, total)` is called after
/// each batch. Returns the checkpoint reached.
pub async fn rebuild(
    db: &Db,
    projection: Projection,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<i64, StoreError> {
    rebuild_all(db, &[projection], progress).await
}

/// Rebuilds `projections` from the start of the log, reading it once. `progress(done, total)`
/// is called after each batch, in events read. Returns the checkpoint reached.
pub async fn rebuild_all(
    db: &Db,
    projections: &[Projection],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<i64, StoreError> {
    rebuild_paced(db, projections, Pace::BATCHED, progress).await
}

/// [`rebuild_all`] at a given pace.
pub async fn rebuild_paced(
    db: &Db,
    projections: &[Projection],
    pace: Pace,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<i64, StoreError> {
    let hwm = high_water_mark(db).await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE position <= $1")
        .bind(hwm)
        .fetch_one(db.reader())
        .await?;
    let total = u64::try_from(total).unwrap_or_default();
    let mut conn = db.writer().acquire().await?;
    let mut tx = conn.begin().await?;
    for &projection in projections {
        pass::lock(&mut tx, db, projection).await?;
        for (table, _) in projection.tables() {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
    }
    // Emptied rows: every partition starts from 0.
    let empty = [0; 1];
    let mut checkpoint = 0;
    let mut done = 0u64;
    progress(0, total);
    loop {
        let events = read_between(db, checkpoint, hwm, pace.read, &Filter::default()).await?;
        let Some(last) = events.last().map(|event| event.position) else {
            break;
        };
        for chunk in events.chunks(pace.apply.max(1)) {
            for &projection in projections {
                pass::apply_share(&mut tx, projection, &empty, chunk).await?;
            }
        }
        checkpoint = last;
        done += events.len() as u64;
        progress(done, total);
    }
    for &projection in projections {
        checkpoints::save_partitions(&mut tx, projection.name(), checkpoint).await?;
    }
    tx.commit().await?;
    for &projection in projections {
        crate::metrics::applied(projection, done);
    }
    db.checkpoints_moved();
    Ok(checkpoint)
}
