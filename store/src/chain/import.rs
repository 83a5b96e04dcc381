//! Restoring a log from a complete export into an empty store. The whole file is verified
//! before anything is written; then the events are written in one transaction, at their
//! original positions and with their hashes, while a second verifier checks each line again
//! as it is read (the file could change between the two reads), so a file that fails leaves
//! the store as empty as it was.

use crate::db::{Backend, Db};
use crate::error::StoreError;
use crate::vault::{MemberKey, restore_keys};
use lyceum_verify::format::{EventLine, Line};
use lyceum_verify::{Failure, Summary, Verifier};
use sqlx::{AnyConnection, Connection};
use std::io::BufRead;

/// Events written per statement (15 parameters each).
const CHUNK: usize = 50;

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the export fails verification{}: {}", at(.0.position), .0.breach)]
    Verification(Failure),
    #[error("{0}")]
    Refused(String),
    #[error("reading the export: {0}")]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::Store(error.into())
    }
}

fn at(position: Option<i64>) -> String {
    position.map_or_else(String::new, |position| format!(" at position {position}"))
}

/// Verifies the export `open` reads (twice: it is called once per pass) against
/// `trusted_public_key` and writes its events, and `member_keys` (which open the members'
/// sealed personal data, and are never part of an export), into `db`, which must hold none.
pub async fn import<R: BufRead>(
    db: &Db,
    open: impl Fn() -> std::io::Result<R>,
    trusted_public_key: [u8; 32],
    member_keys: &[MemberKey],
) -> Result<Summary, ImportError> {
    let summary =
        lyceum_verify::verify(trusted_public_key, open()?)?.map_err(ImportError::Verification)?;
    if !summary.complete {
        return Err(ImportError::Refused(
            "only a complete export (the whole log from its first event, not one space's or \
             from a position) can restore a store"
                .into(),
        ));
    }
    let mut conn = db.writer().acquire().await?;
    let mut tx = conn.begin().await?;
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&mut *tx)
        .await?;
    if held > 0 {
        return Err(ImportError::Refused(format!(
            "the store already holds {held} events: a log is restored only into an empty one"
        )));
    }
    let mut verifier = Verifier::new(trusted_public_key);
    let mut pending: Vec<EventLine> = Vec::with_capacity(CHUNK);
    let mut last_position = 0;
    for (number, text) in open()?.lines().enumerate() {
        let text = text?;
        let line: Line = serde_json::from_str(&text).map_err(|e| {
            ImportError::Refused(format!(
                "line {} changed since it was verified: {e}",
                number + 1
            ))
        })?;
        verifier.feed(&line).map_err(ImportError::Verification)?;
        if let Line::Event(event) = line {
            last_position = event.position;
            pending.push(event);
            if pending.len() == CHUNK {
                insert(&mut tx, &pending).await?;
                pending.clear();
            }
        }
    }
    insert(&mut tx, &pending).await?;
    let summary = verifier.finish().map_err(ImportError::Verification)?;
    restore_keys(&mut tx, member_keys).await?;
    if db.backend == Backend::Postgres && last_position > 0 {
        // New appends continue after the restored positions.
        sqlx::query("SELECT setval(pg_get_serial_sequence('events', 'position'), $1)")
            .bind(last_position)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(summary)
}

async fn insert(conn: &mut AnyConnection, events: &[EventLine]) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..events.len())
        .map(|row| {
            let params: Vec<String> = (1..=15).map(|c| format!("${}", row * 15 + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO events (position, event_id, aggregate_type, aggregate_id, version, \
         event_type, event_version, payload, space_id, actor, correlation_id, causation_id, \
         request_id, recorded_at, hash) VALUES {}",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for event in events {
        query = query
            .bind(event.position)
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
            .bind(&event.hash);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}
