//! Rebuilding read models from position 0, all of them (or the chosen ones) in one pass over
//! the log. The whole rebuild is one transaction that holds their checkpoints, so live
//! consumers wait and readers see the old rows until the new ones are complete.

use crate::{Projection, pass};
use lyceum_store::checkpoints;
use lyceum_store::read::{Filter, high_water_mark, read_between};
use lyceum_store::{Backend, Db, StoreError};
use sqlx::{AnyConnection, Connection};

/// Events applied before a rebuild on Postgres first refreshes the planner's statistics of the
/// tables it fills; it does again each time the count doubles.
const ANALYZE_FIRST: u64 = 10_000;

/// Refreshes the planner's statistics of `projections`' tables inside the rebuild's
/// transaction (ANALYZE counts the rows the transaction itself wrote). The tables start empty
/// and grow within one transaction that autovacuum cannot see, so without this the planner
/// keeps judging them tiny and answers each batch's lookups with a scan of the whole table:
/// the rebuild would slow down as the square of the log.
async fn analyze(conn: &mut AnyConnection, projections: &[Projection]) -> Result<(), StoreError> {
    let tables: Vec<&str> = projections
        .iter()
        .flat_map(|projection| projection.tables().iter().map(|(table, _)| *table))
        .collect();
    sqlx::query(&format!("ANALYZE {}", tables.join(", ")))
        .execute(conn)
        .await?;
    Ok(())
}

/// The page cache a rebuild gives SQLite, in KiB (SQLite's default is 2,000).
const REBUILD_CACHE_KIB: u32 = 131_072;

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

/// [`rebuild_all`] that also splits the read models anew into `partitions` partitions (the
/// rows are rebuilt from the start, so any split is as good as the old one): how `lyceum
/// replay` changes `LYCEUM_PARTITIONS`.
pub async fn rebuild_split(
    db: &Db,
    projections: &[Projection],
    partitions: u16,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<i64, StoreError> {
    rebuild_with(db, projections, Pace::BATCHED, Some(partitions), progress).await
}

/// [`rebuild_all`] at a given pace.
pub async fn rebuild_paced(
    db: &Db,
    projections: &[Projection],
    pace: Pace,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<i64, StoreError> {
    rebuild_with(db, projections, pace, None, progress).await
}

/// Rebuilds at `pace`, keeping each read model's partitions or, with `split`, replacing them.
async fn rebuild_with(
    db: &Db,
    projections: &[Projection],
    pace: Pace,
    split: Option<u16>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<i64, StoreError> {
    let hwm = high_water_mark(db).await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE position <= $1")
        .bind(hwm)
        .fetch_one(db.reader())
        .await?;
    let total = u64::try_from(total).unwrap_or_default();
    let mut conn = db.writer().acquire().await?;
    let sqlite = db.backend == Backend::Sqlite;
    if sqlite {
        // The whole rebuild is one transaction: a page cache that holds it spares SQLite
        // spilling pages to the WAL and reading them back as the tables grow.
        sqlx::query(&format!("PRAGMA cache_size = -{REBUILD_CACHE_KIB}"))
            .execute(&mut *conn)
            .await?;
    }
    let rebuilt = rebuild_on(
        &mut conn,
        db,
        projections,
        pace,
        split,
        (hwm, total),
        progress,
    )
    .await;
    if sqlite {
        // Closed rather than pooled, so the large cache goes with it, whatever happened.
        drop(conn.detach());
    }
    let (checkpoint, done) = rebuilt?;
    for &projection in projections {
        crate::metrics::applied(projection, done);
    }
    db.checkpoints_moved();
    Ok(checkpoint)
}

/// The rebuild's one transaction on `conn`, over the log up to `hwm` (`total` events). Returns
/// the checkpoint reached and the events read.
async fn rebuild_on(
    conn: &mut AnyConnection,
    db: &Db,
    projections: &[Projection],
    pace: Pace,
    split: Option<u16>,
    (hwm, total): (i64, u64),
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(i64, u64), StoreError> {
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
    let mut next_analyze = ANALYZE_FIRST;
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
        if db.backend == Backend::Postgres && done >= next_analyze {
            analyze(&mut tx, projections).await?;
            next_analyze = done.saturating_mul(2);
        }
    }
    for &projection in projections {
        match split {
            Some(count) => {
                checkpoints::reset_partitions(&mut tx, projection.name(), count, checkpoint)
                    .await?;
            }
            None => checkpoints::save_partitions(&mut tx, projection.name(), checkpoint).await?,
        }
    }
    tx.commit().await?;
    Ok((checkpoint, done))
}
