//! Writing a log into an empty store, as both a restore from an export and a copy of a log's
//! prefix do: events at their original positions with their hashes, in multi-row statements,
//! and the position sequence moved past them.

use super::HashedRow;
use crate::db::Backend;
use crate::error::StoreError;
use sqlx::AnyConnection;

/// Events written per statement (15 parameters each).
const CHUNK: usize = 50;

/// How many events `conn`'s store holds: a restore goes only where there are none.
pub(crate) async fn events_held(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&mut *conn)
        .await?)
}

/// The columns of one inserted event: its position and the hashed ones.
const COLUMNS: usize = 16;

/// Writes `events` (each with its position) as they were stored.
pub(crate) async fn insert_events(
    conn: &mut AnyConnection,
    events: &[(i64, HashedRow)],
) -> Result<(), StoreError> {
    for chunk in events.chunks(CHUNK) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|row| {
                let params: Vec<String> = (1..=COLUMNS)
                    .map(|c| format!("${}", row * COLUMNS + c))
                    .collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO events (position, {}) VALUES {}",
            super::HASHED_COLUMNS,
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (position, event) in chunk {
            query = query
                .bind(*position)
                .bind(&event.event_id)
                .bind(&event.aggregate_type)
                .bind(&event.aggregate_id)
                .bind(event.version)
                .bind(&event.event_type)
                .bind(event.event_version)
                .bind(&event.payload)
                .bind(&event.space_id)
                .bind(&event.actor)
                .bind(&event.correlation_id)
                .bind(&event.causation_id)
                .bind(&event.request_id)
                .bind(&event.recorded_at)
                .bind(&event.occurred_at)
                .bind(&event.hash);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// After events were written at explicit positions up to `last`: on Postgres the position
/// sequence is moved past them, so the next append goes on after them (SQLite's
/// AUTOINCREMENT follows by itself).
pub(crate) async fn continue_after(
    conn: &mut AnyConnection,
    backend: Backend,
    last: i64,
) -> Result<(), StoreError> {
    if backend == Backend::Postgres && last > 0 {
        sqlx::query("SELECT setval(pg_get_serial_sequence('events', 'position'), $1)")
            .bind(last)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
