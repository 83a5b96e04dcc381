//! The hash chain of each stream, written with the append: every event stores the SHA-256 of
//! its canonical encoding and of the same stream's previous event's hash (`lyceum_audit::event`
//! defines the encoding; Postgres computes the same bytes in `lyceum_event_hash`). Events
//! stored before the chain existed have no stored hash: their hash is the same function of
//! their fields and their predecessors', folded from the start of their stream when needed.

mod against_tree;
pub mod export;
pub mod import;
pub(crate) mod occurred;
pub(crate) mod restore;
pub mod sealed;
pub mod tree;
pub mod verify;

pub use against_tree::TreeBreach;

use crate::error::StoreError;
use lyceum_audit::{EventFields, Hash, event_hash};
use sqlx::{AnyConnection, Row};

/// The Postgres side of the chain: the canonical encoding in SQL, the previous hash of a stream
/// (folding legacy events), and `lyceum_append` writing each event's hash.
pub(crate) const POSTGRES: &str = r#"
ALTER TABLE events ADD COLUMN hash TEXT;
CREATE FUNCTION lyceum_hash_text(t TEXT) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT int4send(octet_length(convert_to(t, 'UTF8'))) || convert_to(t, 'UTF8')
$$;
CREATE FUNCTION lyceum_hash_option(t TEXT) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN t IS NULL THEN '\x00'::bytea ELSE '\x01'::bytea || lyceum_hash_text(t) END
$$;
CREATE FUNCTION lyceum_event_hash(
    p_previous BYTEA, p_event_id TEXT, p_aggregate_type TEXT, p_aggregate_id TEXT,
    p_version BIGINT, p_event_type TEXT, p_event_version BIGINT, p_payload TEXT,
    p_space_id TEXT, p_actor TEXT, p_correlation_id TEXT, p_causation_id TEXT,
    p_request_id TEXT, p_recorded_at TEXT
) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(convert_to('lyceum-event-v1', 'UTF8') || '\x00'::bytea || p_previous
        || lyceum_hash_text(p_event_id) || lyceum_hash_text(p_aggregate_type)
        || lyceum_hash_text(p_aggregate_id) || int8send(p_version)
        || lyceum_hash_text(p_event_type) || int8send(p_event_version)
        || lyceum_hash_text(p_payload) || lyceum_hash_option(p_space_id)
        || lyceum_hash_text(p_actor) || lyceum_hash_text(p_correlation_id)
        || lyceum_hash_option(p_causation_id) || lyceum_hash_text(p_request_id)
        || lyceum_hash_text(p_recorded_at))
$$;
CREATE FUNCTION lyceum_stream_hash(p_aggregate_type TEXT, p_aggregate_id TEXT, p_version BIGINT)
RETURNS BYTEA LANGUAGE plpgsql STABLE AS $$
DECLARE
    stored TEXT;
    h BYTEA := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    e RECORD;
BEGIN
    IF p_version <= 0 THEN
        RETURN h;
    END IF;
    SELECT hash INTO stored FROM events
        WHERE aggregate_type = p_aggregate_type AND aggregate_id = p_aggregate_id
        AND version = p_version;
    IF stored IS NOT NULL THEN
        RETURN decode(stored, 'hex');
    END IF;
    -- Written before the chain: fold the stream from its start.
    FOR e IN SELECT * FROM events
        WHERE aggregate_type = p_aggregate_type AND aggregate_id = p_aggregate_id
        AND version <= p_version ORDER BY version
    LOOP
        IF e.hash IS NOT NULL THEN
            h := decode(e.hash, 'hex');
        ELSE
            h := lyceum_event_hash(h, e.event_id, e.aggregate_type, e.aggregate_id, e.version,
                e.event_type, e.event_version, e.payload, e.space_id, e.actor, e.correlation_id,
                e.causation_id, e.request_id, e.recorded_at);
        END IF;
    END LOOP;
    RETURN h;
END $$;
CREATE OR REPLACE FUNCTION lyceum_append(
    p_events TEXT, p_aggregate_type TEXT, p_aggregate_id TEXT, p_expected_version BIGINT,
    p_space_id TEXT, p_actor TEXT, p_correlation_id TEXT, p_causation_id TEXT,
    p_request_id TEXT, p_recorded_at TEXT, p_allocation_lock BIGINT, p_position_lock_base BIGINT
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    e JSON;
    n BIGINT := 0;
    pos BIGINT;
    first_pos BIGINT;
    h BYTEA;
BEGIN
    h := lyceum_stream_hash(p_aggregate_type, p_aggregate_id, p_expected_version);
    PERFORM pg_advisory_lock_shared(p_allocation_lock);
    FOR e IN SELECT value FROM json_array_elements(p_events::json) LOOP
        n := n + 1;
        h := lyceum_event_hash(h, e->>'event_id', p_aggregate_type, p_aggregate_id,
            p_expected_version + n, e->>'event_type', (e->>'event_version')::BIGINT,
            e->>'payload', p_space_id, p_actor, p_correlation_id, p_causation_id,
            p_request_id, p_recorded_at);
        INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type,
            event_version, payload, space_id, actor, correlation_id, causation_id, request_id,
            recorded_at, hash)
        VALUES (e->>'event_id', p_aggregate_type, p_aggregate_id, p_expected_version + n,
            e->>'event_type', (e->>'event_version')::BIGINT, e->>'payload', p_space_id, p_actor,
            p_correlation_id, p_causation_id, p_request_id, p_recorded_at, encode(h, 'hex'))
        ON CONFLICT (aggregate_type, aggregate_id, version) DO NOTHING
        RETURNING position INTO pos;
        IF pos IS NULL THEN
            PERFORM pg_advisory_unlock_shared(p_allocation_lock);
            RETURN NULL;
        END IF;
        first_pos := COALESCE(first_pos, pos);
    END LOOP;
    IF first_pos IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(p_position_lock_base + first_pos);
    END IF;
    PERFORM pg_advisory_unlock_shared(p_allocation_lock);
    RETURN pos;
END $$;
"#;

/// The SQLite side: the column; the hashes are computed here, in [`stream_hash`] and
/// `append`'s inserts.
pub(crate) const SQLITE: &str = "ALTER TABLE events ADD COLUMN hash TEXT;";

/// The columns an event's hash covers, in [`fields`]' order.
pub const HASHED_COLUMNS: &str = "event_id, aggregate_type, aggregate_id, version, event_type, \
     event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
     recorded_at, occurred_at, hash";

/// An event's hashed fields, read from a row selected with [`HASHED_COLUMNS`].
pub struct HashedRow {
    pub event_id: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub version: i64,
    pub event_type: String,
    pub event_version: i64,
    pub payload: String,
    pub space_id: Option<String>,
    pub actor: String,
    pub correlation_id: String,
    pub causation_id: Option<String>,
    pub request_id: String,
    pub recorded_at: String,
    /// The business time, stored only apart from `recorded_at` (see [`occurred`]).
    pub occurred_at: Option<String>,
    /// The hash stored with it (none for events written before the chain).
    pub hash: Option<String>,
}

impl HashedRow {
    /// Reads the columns of [`HASHED_COLUMNS`].
    pub fn from_row(row: &sqlx::any::AnyRow) -> Result<HashedRow, StoreError> {
        Ok(HashedRow {
            event_id: row.try_get("event_id")?,
            aggregate_type: row.try_get("aggregate_type")?,
            aggregate_id: row.try_get("aggregate_id")?,
            version: row.try_get("version")?,
            event_type: row.try_get("event_type")?,
            event_version: row.try_get("event_version")?,
            payload: row.try_get("payload")?,
            space_id: row.try_get("space_id")?,
            actor: row.try_get("actor")?,
            correlation_id: row.try_get("correlation_id")?,
            causation_id: row.try_get("causation_id")?,
            request_id: row.try_get("request_id")?,
            recorded_at: row.try_get("recorded_at")?,
            occurred_at: row.try_get("occurred_at")?,
            hash: row.try_get("hash")?,
        })
    }

    /// The fields the hash covers.
    pub fn fields(&self) -> EventFields<'_> {
        EventFields {
            event_id: &self.event_id,
            aggregate_type: &self.aggregate_type,
            aggregate_id: &self.aggregate_id,
            version: self.version,
            event_type: &self.event_type,
            event_version: self.event_version,
            payload: &self.payload,
            space_id: self.space_id.as_deref(),
            actor: &self.actor,
            correlation_id: &self.correlation_id,
            causation_id: self.causation_id.as_deref(),
            request_id: &self.request_id,
            recorded_at: &self.recorded_at,
            occurred_at: self.occurred_at.as_deref(),
        }
    }

    /// Its hash after `previous`, computed from its fields.
    pub fn computed(&self, previous: &Hash) -> Hash {
        event_hash(previous, &self.fields())
    }
}

/// The hash of a stream's event at `version` (zero before its first), as stored or, for events
/// written before the chain, folded from the start of the stream.
pub(crate) async fn stream_hash(
    conn: &mut AnyConnection,
    aggregate_type: &str,
    aggregate_id: &str,
    version: i64,
) -> Result<Hash, StoreError> {
    if version <= 0 {
        return Ok(Hash::ZERO);
    }
    let stored: Option<Option<String>> = sqlx::query_scalar(
        "SELECT hash FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND version = $3",
    )
    .bind(aggregate_type)
    .bind(aggregate_id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(Some(hash)) = stored {
        return parse(&hash);
    }
    let rows = sqlx::query(&format!(
        "SELECT {HASHED_COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 \
         AND version <= $3 ORDER BY version"
    ))
    .bind(aggregate_type)
    .bind(aggregate_id)
    .bind(version)
    .fetch_all(&mut *conn)
    .await?;
    let mut hash = Hash::ZERO;
    for row in &rows {
        let event = HashedRow::from_row(row)?;
        hash = match &event.hash {
            Some(stored) => parse(stored)?,
            None => event.computed(&hash),
        };
    }
    Ok(hash)
}

/// A reading connection, for the functions of [`tree`] and [`sealed`].
pub async fn reader(db: &crate::Db) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
    Ok(db.reader().acquire().await?)
}

/// A stored hash.
pub fn parse(hex: &str) -> Result<Hash, StoreError> {
    Hash::from_hex(hex).map_err(|e| StoreError::Corrupt(format!("stored event hash: {e}")))
}
