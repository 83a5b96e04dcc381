//! Copying a log's prefix into another, empty store: every event up to a position, column for
//! column (its hash too), and the keys of the members those events name, so that read models
//! rebuilt there show what the source's showed when that position was the last. The source is
//! only read.

use crate::Db;
use crate::db::Backend;
use crate::error::StoreError;
use crate::read::high_water_mark;
use sqlx::{AnyConnection, Connection, Row};
use std::collections::BTreeSet;

/// Every column of a stored event, the chain's hash included, in insert order.
const ALL_COLUMNS: &str = "position, event_id, aggregate_type, aggregate_id, version, event_type, \
     event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
     recorded_at, hash";

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
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(target.reader())
        .await
        .map_err(StoreError::from)?;
    if held > 0 {
        return Err(CopyError::TargetNotEmpty(held));
    }
    let through = until.min(high_water_mark(source).await?);
    let mut conn = target.writer().acquire().await.map_err(StoreError::from)?;
    let mut tx = conn.begin().await.map_err(StoreError::from)?;
    let (events, members) = copy_events(source, &mut tx, through).await?;
    let member_keys = copy_member_keys(source, &mut tx, &members).await?;
    if target.backend == Backend::Postgres && events > 0 {
        // Explicit positions leave the sequence behind; the next append must go on after them.
        sqlx::query("SELECT setval(pg_get_serial_sequence('events', 'position'), $1)")
            .bind(through)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Copied {
        through,
        events,
        member_keys,
    })
}

/// Copies the events up to `through` in batches; answers how many, and the members among them.
async fn copy_events(
    source: &Db,
    target: &mut AnyConnection,
    through: i64,
) -> Result<(u64, BTreeSet<String>), StoreError> {
    let select = format!(
        "SELECT {ALL_COLUMNS} FROM events WHERE position > $1 AND position <= $2 \
         ORDER BY position LIMIT $3"
    );
    let insert = format!(
        "INSERT INTO events ({ALL_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    );
    let (mut after, mut copied, mut members) = (0i64, 0u64, BTreeSet::new());
    loop {
        let rows = sqlx::query(&select)
            .bind(after)
            .bind(through)
            .bind(BATCH)
            .fetch_all(source.reader())
            .await?;
        let Some(last) = rows.last() else {
            return Ok((copied, members));
        };
        after = last.try_get("position")?;
        for row in &rows {
            let text = |name: &str| row.try_get::<String, _>(name);
            let maybe = |name: &str| row.try_get::<Option<String>, _>(name);
            if text("aggregate_type")? == "member" {
                members.insert(text("aggregate_id")?);
            }
            sqlx::query(&insert)
                .bind(row.try_get::<i64, _>("position")?)
                .bind(text("event_id")?)
                .bind(text("aggregate_type")?)
                .bind(text("aggregate_id")?)
                .bind(row.try_get::<i64, _>("version")?)
                .bind(text("event_type")?)
                .bind(row.try_get::<i64, _>("event_version")?)
                .bind(text("payload")?)
                .bind(maybe("space_id")?)
                .bind(text("actor")?)
                .bind(text("correlation_id")?)
                .bind(maybe("causation_id")?)
                .bind(text("request_id")?)
                .bind(text("recorded_at")?)
                .bind(maybe("hash")?)
                .execute(&mut *target)
                .await?;
            copied += 1;
        }
    }
}

/// Copies the keys of `members`: read models open sealed personal data with them. A member
/// whose data was erased since has no key in the source, and stays erased in the copy.
async fn copy_member_keys(
    source: &Db,
    target: &mut AnyConnection,
    members: &BTreeSet<String>,
) -> Result<u64, StoreError> {
    let rows =
        sqlx::query("SELECT member_id, space_id, secret FROM member_keys ORDER BY member_id")
            .fetch_all(source.reader())
            .await?;
    let mut copied = 0;
    for row in rows {
        let member: String = row.try_get("member_id")?;
        if !members.contains(&member) {
            continue;
        }
        sqlx::query("INSERT INTO member_keys (member_id, space_id, secret) VALUES ($1, $2, $3)")
            .bind(member)
            .bind(row.try_get::<String, _>("space_id")?)
            .bind(row.try_get::<String, _>("secret")?)
            .execute(&mut *target)
            .await?;
        copied += 1;
    }
    Ok(copied)
}
