//! Restoring a log from a complete export into an empty store. The whole file is verified
//! before anything is written; then the events are written in one transaction, at their
//! original positions and with their hashes, while a second verifier checks each line again
//! as it is read (the file could change between the two reads), so a file that fails leaves
//! the store as empty as it was.

use super::HashedRow;
use super::restore::{continue_after, events_held, insert_events};
use crate::db::Db;
use crate::error::StoreError;
use crate::vault::{MemberKey, restore_keys};
use lyceum_verify::format::{EventLine, Line};
use lyceum_verify::{Failure, Summary, Verifier};
use sqlx::Connection;
use std::io::BufRead;

/// Events held before they are written.
const PENDING: usize = 500;

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
    let held = events_held(&mut tx).await?;
    if held > 0 {
        return Err(ImportError::Refused(format!(
            "the store already holds {held} events: a log is restored only into an empty one"
        )));
    }
    let mut verifier = Verifier::new(trusted_public_key);
    let mut pending: Vec<(i64, HashedRow)> = Vec::with_capacity(PENDING);
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
            pending.push(stored(event));
            if pending.len() == PENDING {
                insert_events(&mut tx, &pending).await?;
                pending.clear();
            }
        }
    }
    insert_events(&mut tx, &pending).await?;
    let summary = verifier.finish().map_err(ImportError::Verification)?;
    restore_keys(&mut tx, member_keys).await?;
    continue_after(&mut tx, db.backend, last_position).await?;
    tx.commit().await?;
    Ok(summary)
}

/// The stored form of an event line.
fn stored(event: EventLine) -> (i64, HashedRow) {
    let row = HashedRow {
        event_id: event.event_id,
        aggregate_type: event.aggregate_type,
        aggregate_id: event.aggregate_id,
        version: event.version,
        event_type: event.event_type,
        event_version: event.event_version,
        payload: event.payload,
        space_id: event.space_id,
        actor: event.actor,
        correlation_id: event.correlation_id,
        causation_id: event.causation_id,
        request_id: event.request_id,
        recorded_at: event.recorded_at,
        occurred_at: event.occurred_at,
        hash: Some(event.hash),
    };
    (event.position, row)
}
