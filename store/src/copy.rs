//! Copying a log's prefix into another, empty store: every event up to a position, column for
//! column (its hash too), and the keys of the members those events name, so that read models
//! rebuilt there show what the source's showed when that position was the last. The source is
//! only read.

use crate::Db;
use crate::chain::restore::{continue_after, events_held, insert_events};
use crate::chain::{HASHED_COLUMNS, HashedRow};
use crate::error::StoreError;
use crate::read::high_water_mark;
use crate::vault::{all_keys, restore_keys};
use sqlx::{AnyConnection, Connection, Row};
use std::collections::BTreeSet;

/// Events copied per statement batch.
const BATCH: i64 = 1_000;

/// Why a copy did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The target already holds events: a copy goes only into an empty log.
    #[error("the target store already holds {0} events; copy into an empty one")]
    TargetNotEmpty(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a copy moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// The last position copied: `until`, or the source's high-water mark if that is lower.
    pub through: i64,
    pub events: u64,
    pub member_keys: u64,
}

/// Copies `source`'s events at or below `until` (never past its high-water mark) into
/// `target`, which must be migrated and hold no event, with the keys of the members among
/// them, in one transaction on the target.
pub async fn copy_until(source: &Db, target: &Db, until: i64) -> Result<Copied, CopyError> {
    let through = until.min(high_water_mark(source).await?);
    let mut conn = target.writer().acquire().await.map_err(StoreError::from)?;
    let mut tx = conn.begin().await.map_err(StoreError::from)?;
    let held = events_held(&mut tx).await?;
    if held > 0 {
        return Err(CopyError::TargetNotEmpty(held));
    }
    let (events, last, members) = copy_events(source, &mut tx, through).await?;
    let member_keys = copy_member_keys(source, &mut tx, &members).await?;
    continue_after(&mut tx, target.backend, last).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Copied {
        through,
        events,
        member_keys,
    })
}

/// Copies the events up to `through` in batches; answers how many, the last position, and the
/// members among them.
async fn copy_events(
    source: &Db,
    target: &mut AnyConnection,
    through: i64,
) -> Result<(u64, i64, BTreeSet<String>), StoreError> {
    let select = format!(
        "SELECT position, {HASHED_COLUMNS} FROM events WHERE position > $1 AND position <= $2 \
         ORDER BY position LIMIT $3"
    );
    let (mut after, mut copied, mut members) = (0i64, 0u64, BTreeSet::new());
    loop {
        let rows = sqlx::query(&select)
            .bind(after)
            .bind(through)
            .bind(BATCH)
            .fetch_all(source.reader())
            .await?;
        if rows.is_empty() {
            return Ok((copied, after, members));
        }
        let mut events = Vec::with_capacity(rows.len());
        for row in &rows {
            let event = HashedRow::from_row(row)?;
            if event.aggregate_type == "member" {
                members.insert(event.aggregate_id.clone());
            }
            after = row.try_get("position")?;
            events.push((after, event));
        }
        insert_events(target, &events).await?;
        copied += events.len() as u64;
    }
}

/// Copies the keys of `members`: read models open sealed personal data with them. A member
/// whose data was erased since has no key in the source, and stays erased in the copy.
async fn copy_member_keys(
    source: &Db,
    target: &mut AnyConnection,
    members: &BTreeSet<String>,
) -> Result<u64, StoreError> {
    let mut conn = source.reader().acquire().await?;
    let mut keys = all_keys(&mut conn).await?;
    keys.retain(|key| members.contains(&key.member_id));
    restore_keys(target, &keys).await?;
    Ok(keys.len() as u64)
}
