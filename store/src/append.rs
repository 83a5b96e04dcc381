//! Appending to the log. One command is one transaction: its events (with optimistic
//! concurrency on the aggregate's version), the side rows that must change with them (a slug
//! reservation, a member's key), and the idempotency record.
//!
//! On Postgres, positions come from a sequence, so a transaction that commits late can leave a
//! lower position invisible while higher ones are visible. Appenders therefore publish which
//! positions are still in flight: each holds a transaction-scoped advisory lock keyed by its
//! first position until it commits, and takes that lock while holding a shared "allocation"
//! lock, so a reader holding the allocation lock exclusively sees every in-flight position
//! (see [`crate::read::high_water_mark`]); the function `lyceum_append` does all of it in one
//! round trip. SQLite has a single writer, so positions are
//! assigned in commit order and need none of this.

use crate::Db;
use crate::db::Backend;
use crate::error::StoreError;
use crate::idempotency::{Claim, StoredResponse};
use crate::side_write::SideWrite;
use lyceum_domain::EventEnvelope;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};
use std::sync::Arc;
use uuid::Uuid;

/// The advisory lock appenders hold shared while they allocate positions.
pub(crate) const ALLOCATION_LOCK: i64 = 0x4C58_0000_0000_0001;
/// Base of the advisory-lock keys that mark in-flight positions: `POSITION_LOCK_BASE + p`.
pub(crate) const POSITION_LOCK_BASE: i64 = 0x4C59_0000_0000_0000;
/// Positions above this cannot be encoded in a position lock.
pub(crate) const POSITION_LOCK_SPAN: i64 = 1 << 48;

/// Who did it, and in answer to what.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub space_id: Option<Uuid>,
    pub actor: String,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub request_id: String,
}

/// Events for one aggregate, appended after `expected_version`.
#[derive(Debug, Clone)]
pub struct Append {
    pub aggregate_type: &'static str,
    pub aggregate_id: Uuid,
    pub expected_version: i64,
    pub events: Vec<EventEnvelope>,
    pub metadata: Metadata,
    /// Side rows written in the same transaction, before the events, in this order (see
    /// [`crate::side_write`]).
    pub side_writes: Vec<Arc<dyn SideWrite>>,
    /// When the events are recorded (RFC 3339, as [`crate::time::format`] writes it).
    pub recorded_at: String,
    /// When they happened, if not when they are recorded: the business time of an import, or
    /// of an injected clock that is not the machine's (see [`crate::occurring`]).
    pub occurred_at: Option<String>,
}

impl Append {
    /// When the events happen (business time): what projections will see as `occurred_at`.
    pub fn occurred(&self) -> &str {
        self.occurred_at.as_deref().unwrap_or(&self.recorded_at)
    }

    /// The business time to store: none when it is the recording time.
    fn stored_occurred_at(&self) -> Option<&str> {
        self.occurred_at
            .as_deref()
            .filter(|at| *at != self.recorded_at)
    }
}

/// The idempotency record to complete in the same transaction.
pub struct Completion<'a> {
    pub claim: &'a Claim,
    pub response: StoredResponse,
}

/// An append whose transaction is open: its events have positions but are not committed.
/// Dropping it without [`Pending::commit`] closes its connection, which rolls the transaction
/// back and releases every lock; the connection never returns to the pool mid-transaction.
pub struct Pending {
    conn: Option<PoolConnection<Any>>,
    last: Option<i64>,
}

impl Pending {
    /// The position of the last event, if there were events.
    pub fn position(&self) -> Option<i64> {
        self.last
    }

    fn conn(&mut self) -> Result<&mut AnyConnection, StoreError> {
        self.conn
            .as_deref_mut()
            .ok_or_else(|| StoreError::Corrupt("append already finished".into()))
    }

    /// Commits the transaction.
    pub async fn commit(mut self) -> Result<Option<i64>, StoreError> {
        sqlx::query("COMMIT").execute(self.conn()?).await?;
        // Committed: the connection may go back to the pool.
        drop(self.conn.take());
        Ok(self.last)
    }

    /// Rolls back after a refusal that left the transaction usable, so the connection can go
    /// back to the pool. (The append function gives the allocation lock back itself.)
    async fn abandon(mut self) -> Result<(), StoreError> {
        sqlx::query("ROLLBACK").execute(self.conn()?).await?;
        drop(self.conn.take());
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

/// Appends in one transaction. Returns the position of the last event written, or `None` if
/// there were no events.
#[tracing::instrument(skip_all, fields(aggregate = append.aggregate_type, id = %append.aggregate_id, n = append.events.len()))]
pub async fn append(
    db: &Db,
    append: &Append,
    completion: Option<Completion<'_>>,
) -> Result<Option<i64>, StoreError> {
    prepare(db, append, completion).await?.commit().await
}

/// Writes everything an append writes, leaving the transaction open.
pub async fn prepare(
    db: &Db,
    append: &Append,
    completion: Option<Completion<'_>>,
) -> Result<Pending, StoreError> {
    let backend = db.backend;
    let mut pending = Pending {
        conn: Some(db.writer().acquire().await?),
        last: None,
    };
    let begin = match backend {
        // Take SQLite's write lock up front: a deferred transaction that later writes can fail
        // with SQLITE_BUSY instead of waiting.
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    };
    sqlx::query(begin).execute(pending.conn()?).await?;
    for write in &append.side_writes {
        write.apply(pending.conn()?).await?;
    }
    if !append.events.is_empty() {
        let last = match backend {
            Backend::Postgres => insert_postgres(pending.conn()?, append).await?,
            Backend::Sqlite => insert_sqlite(pending.conn()?, append).await?,
        };
        match last {
            Some(position) => pending.last = Some(position),
            None => {
                pending.abandon().await?;
                return Err(StoreError::Conflict);
            }
        }
    }
    if let Some(completion) = completion {
        let last = pending.last;
        crate::idempotency::complete_in(
            pending.conn()?,
            completion.claim,
            &completion.response,
            last,
        )
        .await?;
    }
    Ok(pending)
}

/// Appends on Postgres in one round trip through `lyceum_append` (see the store's migrations):
/// `None` if a version is taken (a concurrent append won).
async fn insert_postgres(
    conn: &mut AnyConnection,
    append: &Append,
) -> Result<Option<i64>, StoreError> {
    let events: Vec<serde_json::Value> = append
        .events
        .iter()
        .map(|event| {
            serde_json::json!({
                "event_id": Uuid::now_v7().to_string(),
                "event_type": event.event_type,
                "event_version": event.event_version,
                "payload": event.payload.to_string(),
            })
        })
        .collect();
    let meta = &append.metadata;
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT lyceum_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(serde_json::Value::Array(events).to_string())
    .bind(append.aggregate_type)
    .bind(append.aggregate_id.to_string())
    .bind(append.expected_version)
    .bind(meta.space_id.map(|id| id.to_string()))
    .bind(&meta.actor)
    .bind(meta.correlation_id.to_string())
    .bind(meta.causation_id.map(|id| id.to_string()))
    .bind(&meta.request_id)
    .bind(&append.recorded_at)
    .bind(append.stored_occurred_at())
    .bind(ALLOCATION_LOCK)
    .bind(POSITION_LOCK_BASE)
    .fetch_one(conn)
    .await?;
    if last.is_some_and(|p| p >= POSITION_LOCK_SPAN) {
        return Err(StoreError::Corrupt("position space exhausted".into()));
    }
    Ok(last)
}

/// Appends on SQLite, event by event (the single writer already serialises appends), each with
/// its hash chained to the stream's previous event (see [`crate::chain`]): `None` if a version
/// is taken.
async fn insert_sqlite(
    conn: &mut AnyConnection,
    append: &Append,
) -> Result<Option<i64>, StoreError> {
    let meta = &append.metadata;
    let aggregate_id = append.aggregate_id.to_string();
    let space_id = meta.space_id.map(|id| id.to_string());
    let correlation_id = meta.correlation_id.to_string();
    let causation_id = meta.causation_id.map(|id| id.to_string());
    let occurred_at = append.stored_occurred_at();
    let mut previous = crate::chain::stream_hash(
        conn,
        append.aggregate_type,
        &aggregate_id,
        append.expected_version,
    )
    .await?;
    let mut last = None;
    for (offset, event) in append.events.iter().enumerate() {
        let event_id = Uuid::now_v7().to_string();
        let version = append.expected_version + 1 + offset as i64;
        let payload = event.payload.to_string();
        let hash = lyceum_audit::event_hash(
            &previous,
            &lyceum_audit::EventFields {
                event_id: &event_id,
                aggregate_type: append.aggregate_type,
                aggregate_id: &aggregate_id,
                version,
                event_type: &event.event_type,
                event_version: i64::from(event.event_version),
                payload: &payload,
                space_id: space_id.as_deref(),
                actor: &meta.actor,
                correlation_id: &correlation_id,
                causation_id: causation_id.as_deref(),
                request_id: &meta.request_id,
                recorded_at: &append.recorded_at,
                occurred_at,
            },
        );
        previous = hash;
        let position: Option<i64> = sqlx::query_scalar(
            "INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, \
             event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
             recorded_at, occurred_at, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15) ON CONFLICT (aggregate_type, aggregate_id, version) DO NOTHING \
             RETURNING position",
        )
        .bind(&event_id)
        .bind(append.aggregate_type)
        .bind(&aggregate_id)
        .bind(version)
        .bind(&event.event_type)
        .bind(i64::from(event.event_version))
        .bind(&payload)
        .bind(&space_id)
        .bind(&meta.actor)
        .bind(&correlation_id)
        .bind(&causation_id)
        .bind(&meta.request_id)
        .bind(&append.recorded_at)
        .bind(occurred_at)
        .bind(hash.to_hex())
        .fetch_optional(&mut *conn)
        .await?;
        match position {
            Some(position) => last = Some(position),
            None => return Ok(None),
        }
    }
    Ok(last)
}
