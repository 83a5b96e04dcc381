//! Business time in the log: the column `occurred_at`, stored only for an event that happened
//! at another time than the log recorded it (an import of past activity, or an injected clock),
//! and covered by the event's hash as the encoding's optional 14th field
//! (`lyceum_audit::event`). Events stored before it have none and read as having occurred when
//! they were recorded; nothing stored is rewritten.

/// Postgres: the column, the encoding with its 14th field (the 14-argument hash stays the same
/// function, now calling the new one), the stream's previous hash over the new column, and a
/// `lyceum_append` that takes the business time.
pub(crate) const POSTGRES: &str = r#"
ALTER TABLE events ADD COLUMN occurred_at TEXT;
CREATE FUNCTION lyceum_event_hash(
    p_previous BYTEA, p_event_id TEXT, p_aggregate_type TEXT, p_aggregate_id TEXT,
    p_version BIGINT, p_event_type TEXT, p_event_version BIGINT, p_payload TEXT,
    p_space_id TEXT, p_actor TEXT, p_correlation_id TEXT, p_causation_id TEXT,
    p_request_id TEXT, p_recorded_at TEXT, p_occurred_at TEXT
) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(convert_to('lyceum-event-v1', 'UTF8') || '\x00'::bytea || p_previous
        || lyceum_hash_text(p_event_id) || lyceum_hash_text(p_aggregate_type)
        || lyceum_hash_text(p_aggregate_id) || int8send(p_version)
        || lyceum_hash_text(p_event_type) || int8send(p_event_version)
        || lyceum_hash_text(p_payload) || lyceum_hash_option(p_space_id)
        || lyceum_hash_text(p_actor) || lyceum_hash_text(p_correlation_id)
        || lyceum_hash_option(p_causation_id) || lyceum_hash_text(p_request_id)
        || lyceum_hash_text(p_recorded_at)
        || CASE WHEN p_occurred_at IS NULL THEN ''::bytea ELSE lyceum_hash_text(p_occurred_at) END)
$$;
CREATE OR REPLACE FUNCTION lyceum_event_hash(
    p_previous BYTEA, p_event_id TEXT, p_aggregate_type TEXT, p_aggregate_id TEXT,
    p_version BIGINT, p_event_type TEXT, p_event_version BIGINT, p_payload TEXT,
    p_space_id TEXT, p_actor TEXT, p_correlation_id TEXT, p_causation_id TEXT,
    p_request_id TEXT, p_recorded_at TEXT
) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT lyceum_event_hash(p_previous, p_event_id, p_aggregate_type, p_aggregate_id,
        p_version, p_event_type, p_event_version, p_payload, p_space_id, p_actor,
        p_correlation_id, p_causation_id, p_request_id, p_recorded_at, NULL::TEXT)
$$;
CREATE OR REPLACE FUNCTION lyceum_stream_hash(p_aggregate_type TEXT, p_aggregate_id TEXT, p_version BIGINT)
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
                e.causation_id, e.request_id, e.recorded_at, e.occurred_at);
        END IF;
    END LOOP;
    RETURN h;
END $$;
CREATE FUNCTION lyceum_append(
    p_events TEXT, p_aggregate_type TEXT, p_aggregate_id TEXT, p_expected_version BIGINT,
    p_space_id TEXT, p_actor TEXT, p_correlation_id TEXT, p_causation_id TEXT,
    p_request_id TEXT, p_recorded_at TEXT, p_occurred_at TEXT, p_allocation_lock BIGINT,
    p_position_lock_base BIGINT
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
            p_request_id, p_recorded_at, p_occurred_at);
        INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type,
            event_version, payload, space_id, actor, correlation_id, causation_id, request_id,
            recorded_at, occurred_at, hash)
        VALUES (e->>'event_id', p_aggregate_type, p_aggregate_id, p_expected_version + n,
            e->>'event_type', (e->>'event_version')::BIGINT, e->>'payload', p_space_id, p_actor,
            p_correlation_id, p_causation_id, p_request_id, p_recorded_at, p_occurred_at,
            encode(h, 'hex'))
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
CREATE OR REPLACE FUNCTION lyceum_append(
    p_events TEXT, p_aggregate_type TEXT, p_aggregate_id TEXT, p_expected_version BIGINT,
    p_space_id TEXT, p_actor TEXT, p_correlation_id TEXT, p_causation_id TEXT,
    p_request_id TEXT, p_recorded_at TEXT, p_allocation_lock BIGINT, p_position_lock_base BIGINT
) RETURNS BIGINT LANGUAGE sql AS $$
    SELECT lyceum_append(p_events, p_aggregate_type, p_aggregate_id, p_expected_version,
        p_space_id, p_actor, p_correlation_id, p_causation_id, p_request_id, p_recorded_at,
        NULL::TEXT, p_allocation_lock, p_position_lock_base)
$$;
"#;

/// SQLite: the column; hashes are computed in Rust.
pub(crate) const SQLITE: &str = "ALTER TABLE events ADD COLUMN occurred_at TEXT;";
