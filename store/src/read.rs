//! Reading the log: one aggregate's stream, and the global feed up to the high-water mark, the
//! highest position below which no event can still appear.

use crate::Db;
use crate::append::{ALLOCATION_LOCK, POSITION_LOCK_BASE, POSITION_LOCK_SPAN};
use crate::checkpoints;
use crate::db::Backend;
use crate::error::StoreError;
use crate::event::{COLUMNS, StoredEvent};
use lyceum_domain::Aggregate;
use sqlx::{AnyConnection, Row};
use std::time::Duration;
use uuid::Uuid;

/// One aggregate's events in version order.
pub async fn stream(
    db: &Db,
    aggregate_type: &str,
    aggregate_id: Uuid,
) -> Result<Vec<StoredEvent>, StoreError> {
    stream_through(db, aggregate_type, aggregate_id, i64::MAX).await
}

/// One aggregate's events up to and including `position`, in version order: its history as
/// the log held it when `position` was the last event.
pub async fn stream_through(
    db: &Db,
    aggregate_type: &str,
    aggregate_id: Uuid,
    position: i64,
) -> Result<Vec<StoredEvent>, StoreError> {
    let mut conn = db.writer().acquire().await?;
    stream_until(&mut conn, aggregate_type, aggregate_id, position).await
}

/// One aggregate's events up to and including `position`, in version order, read on `conn`
/// (a projection reads inside its own transaction).
pub async fn stream_until(
    conn: &mut AnyConnection,
    aggregate_type: &str,
    aggregate_id: Uuid,
    position: i64,
) -> Result<Vec<StoredEvent>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 \
         AND position <= $3 ORDER BY version"
    );
    sqlx::query(&sql)
        .bind(aggregate_type)
        .bind(aggregate_id.to_string())
        .bind(position)
        .fetch_all(conn)
        .await?
        .iter()
        .map(StoredEvent::from_row)
        .collect()
}

/// The aggregate `event` belongs to, folded from its stream up to and including `event`, and
/// when that stream began (`event`'s own time for a stream read as empty).
pub async fn fold_until<A: Aggregate>(
    conn: &mut AnyConnection,
    event: &StoredEvent,
) -> Result<(A, String), StoreError> {
    let history = stream_until(conn, A::TYPE, event.aggregate_id, event.position).await?;
    let mut aggregate = A::default();
    for stored in &history {
        aggregate.apply(&stored.decode::<A::Event>()?);
    }
    let began = history.first().unwrap_or(event).recorded_at.clone();
    Ok((aggregate, began))
}

/// The highest position any committed event holds (0 for an empty log). A position above it
/// has been acknowledged to no writer.
pub async fn head(db: &Db) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(HEAD_SQL).fetch_one(db.reader()).await?)
}

const HEAD_SQL: &str = "SELECT COALESCE(MAX(position), 0) FROM events";

/// The highest position up to which the log is final: every event at or below it that will
/// ever be visible is visible now.
///
/// On Postgres, holding the allocation lock exclusively for an instant guarantees that every
/// appender that has taken positions also holds its position lock, so the smallest in-flight
/// position is known; the mark stops just below it. The lock is first only tried; if appenders
/// keep it busy, the reader queues for it for at most 20 ms (appenders hold it for a few
/// statements), so readers cannot starve and appenders are never held up for long.
pub async fn high_water_mark(db: &Db) -> Result<i64, StoreError> {
    if db.backend == Backend::Sqlite {
        return head(db).await;
    }
    let mut pause = Duration::from_micros(200);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let mut tx = db.reader().begin().await?;
        let locked = if attempt == 1 {
            sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                .bind(ALLOCATION_LOCK)
                .fetch_one(&mut *tx)
                .await?
        } else {
            sqlx::query("SET LOCAL lock_timeout = '20ms'")
                .execute(&mut *tx)
                .await?;
            match sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
                .bind(ALLOCATION_LOCK)
                .execute(&mut *tx)
                .await
            {
                Ok(_) => true,
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03") => false,
                Err(e) => return Err(e.into()),
            }
        };
        if !locked {
            tx.rollback().await?;
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(20));
            continue;
        }
        let in_flight: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(k) FROM (SELECT (l.classid::bigint << 32) | l.objid::bigint AS k \
             FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted \
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) \
             locks WHERE k >= $1 AND k < $2",
        )
        .bind(POSITION_LOCK_BASE)
        .bind(POSITION_LOCK_BASE + POSITION_LOCK_SPAN)
        .fetch_one(&mut *tx)
        .await?;
        let max: i64 = sqlx::query_scalar(HEAD_SQL).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        return Ok(match in_flight {
            Some(key) => (key - POSITION_LOCK_BASE - 1).min(max),
            None => max,
        });
    }
}

/// Which events of the global feed to return.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub space_id: Option<Uuid>,
    pub event_types: Vec<String>,
    pub aggregate_type: Option<String>,
    pub aggregate_id: Option<Uuid>,
    /// Inclusive lower bound on `recorded_at` (RFC 3339).
    pub since: Option<String>,
    /// Exclusive upper bound on `recorded_at` (RFC 3339).
    pub until: Option<String>,
}

/// Events after `after`, in position order, never past the high-water mark.
pub async fn read_after(
    db: &Db,
    after: i64,
    limit: i64,
    filter: &Filter,
) -> Result<Vec<StoredEvent>, StoreError> {
    let hwm = high_water_mark(db).await?;
    read_between(db, after, hwm, limit, filter).await
}

/// Events with `after < position <= up_to`, in position order. `up_to` must not exceed a
/// high-water mark.
pub async fn read_between(
    db: &Db,
    after: i64,
    up_to: i64,
    limit: i64,
    filter: &Filter,
) -> Result<Vec<StoredEvent>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM events WHERE position > $1 AND position <= $2");
    let mut binds: Vec<String> = Vec::new();
    let mut param = |sql: &mut String, clause: &str, value: String| {
        binds.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len() + 3)));
    };
    if let Some(space) = filter.space_id {
        param(&mut sql, " AND space_id = ?", space.to_string());
    }
    if let Some(kind) = &filter.aggregate_type {
        param(&mut sql, " AND aggregate_type = ?", kind.clone());
    }
    if let Some(id) = filter.aggregate_id {
        param(&mut sql, " AND aggregate_id = ?", id.to_string());
    }
    if let Some(since) = &filter.since {
        param(&mut sql, " AND recorded_at >= ?", since.clone());
    }
    if let Some(until) = &filter.until {
        param(&mut sql, " AND recorded_at < ?", until.clone());
    }
    if !filter.event_types.is_empty() {
        sql.push_str(" AND event_type IN (");
        for (i, kind) in filter.event_types.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            param(&mut sql, "?", kind.clone());
        }
        sql.push(')');
    }
    sql.push_str(" ORDER BY position LIMIT $3");
    let mut query = sqlx::query(&sql).bind(after).bind(up_to).bind(limit);
    for value in binds {
        query = query.bind(value);
    }
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(StoredEvent::from_row)
        .collect()
}

/// Events with `after < position <= up_to`, in position order, read on `conn`: a consumer
/// reads inside its own transaction instead of asking the pool for a second connection, which
/// many consumers at once could exhaust. `up_to` must not exceed a high-water mark.
pub async fn events_between_on(
    conn: &mut AnyConnection,
    after: i64,
    up_to: i64,
    limit: i64,
) -> Result<Vec<StoredEvent>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE position > $1 AND position <= $2 \
         ORDER BY position LIMIT $3"
    );
    sqlx::query(&sql)
        .bind(after)
        .bind(up_to)
        .bind(limit)
        .fetch_all(conn)
        .await?
        .iter()
        .map(StoredEvent::from_row)
        .collect()
}

/// A checkpoint's position, or 0.
pub async fn checkpoint(db: &Db, name: &str) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT position FROM checkpoints WHERE name = $1")
        .bind(name)
        .fetch_optional(db.reader())
        .await?;
    Ok(match row {
        Some(row) => row.try_get(0)?,
        None => 0,
    })
}

/// The lowest of a read model's partition checkpoints: every event up to it is applied in every
/// partition. A partition that has applied everything the relay published to it (see
/// `checkpoints::save_relayed`) stands as far as the relay, since nothing of it lies between. A
/// read model not yet partitioned answers with its single checkpoint.
pub async fn lowest_partition_checkpoint(db: &Db, projection: &str) -> Result<i64, StoreError> {
    let lowest: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MIN(s.position) FROM ({}) s WHERE s.name > $1 AND s.name < $2",
        checkpoints::EFFECTIVE
    ))
    .bind(format!("{projection}/"))
    .bind(format!("{projection}0"))
    .fetch_one(db.reader())
    .await?;
    match lowest {
        Some(position) => Ok(position),
        None => checkpoint(db, projection).await,
    }
}
