//! The store's tables. Events are append-only: triggers refuse any UPDATE or DELETE.

use crate::migrate::Migration;

/// Tables whose DDL is the same on both backends.
macro_rules! shared_tables {
    () => {
        r#"
CREATE TABLE slugs (slug TEXT PRIMARY KEY, space_id TEXT NOT NULL UNIQUE);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY, space_id TEXT, role TEXT NOT NULL, prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL
);
CREATE TABLE member_keys (member_id TEXT PRIMARY KEY, space_id TEXT NOT NULL, secret TEXT NOT NULL);
CREATE TABLE idempotency (
    scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, token TEXT NOT NULL,
    locked_until TEXT NOT NULL, status BIGINT, body TEXT, position BIGINT, created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL);
"#
    };
}

/// The identity tables: the same DDL on both backends.
macro_rules! identity_tables {
    () => {
        r#"
CREATE TABLE member_credentials (
    member_id TEXT PRIMARY KEY, space_id TEXT NOT NULL, email_lookup TEXT NOT NULL,
    password_hash TEXT NOT NULL, created_at TEXT NOT NULL,
    UNIQUE (space_id, email_lookup)
);
CREATE TABLE member_sessions (
    token_hash TEXT PRIMARY KEY, member_id TEXT NOT NULL, space_id TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT
);
CREATE INDEX member_sessions_member ON member_sessions (member_id);
"#
    };
}

/// Every store migration, in order. Append new ones at the end.
pub(crate) const MIGRATIONS: &[Migration] = &[
    EVENT_LOG,
    APPEND_FUNCTION,
    IDENTITY,
    crate::webhooks::MIGRATION,
    crate::billing::MIGRATION,
    crate::offers::MIGRATION,
    crate::stripe::MIGRATION,
    crate::purchases::MIGRATION,
    crate::referrals::MIGRATION,
    crate::catalog::MIGRATION,
    crate::rate_limits::MIGRATION,
    FEED_ORDERS,
    EVENT_CHAIN,
    AUDIT_TREE,
    crate::rate_limits::HIT_MIGRATION,
    OCCURRED_AT,
    crate::external_ids::MIGRATION,
];

/// Business time beside recording time (see [`crate::chain::occurred`]).
const OCCURRED_AT: Migration = Migration {
    id: "store-0016-occurred-at",
    postgres: crate::chain::occurred::POSTGRES,
    sqlite: crate::chain::occurred::SQLITE,
};

/// The sealer's Merkle tree and signed checkpoints (see [`crate::chain::tree`]).
const AUDIT_TREE: Migration = Migration {
    id: "store-0014-audit-tree",
    postgres: crate::chain::tree::TABLES,
    sqlite: crate::chain::tree::TABLES,
};

/// Each event's hash, chained per stream (see [`crate::chain`]); `lyceum_append` writes it.
const EVENT_CHAIN: Migration = Migration {
    id: "store-0013-event-chain",
    postgres: crate::chain::POSTGRES,
    sqlite: crate::chain::SQLITE,
};

/// The auditor's feed in position order within a space, filtered by aggregate type or by event
/// type: each filter reads its own index from the cursor on rather than the space's whole log.
const FEED_ORDERS: Migration = Migration {
    id: "store-0012-feed-orders",
    postgres: FEED_ORDERS_SQL,
    sqlite: FEED_ORDERS_SQL,
};

const FEED_ORDERS_SQL: &str = r#"
CREATE INDEX events_space_aggregate ON events (space_id, aggregate_type, position);
CREATE INDEX events_space_type ON events (space_id, event_type, position);
"#;

const EVENT_LOG: Migration = Migration {
    id: "store-0001-event-log",
    postgres: concat!(
        r#"
CREATE TABLE events (
    position        BIGSERIAL PRIMARY KEY,
    event_id        TEXT NOT NULL UNIQUE,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    version         BIGINT NOT NULL,
    event_type      TEXT NOT NULL,
    event_version   BIGINT NOT NULL,
    payload         TEXT NOT NULL,
    space_id        TEXT,
    actor           TEXT NOT NULL,
    correlation_id  TEXT NOT NULL,
    causation_id    TEXT,
    request_id      TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    UNIQUE (aggregate_type, aggregate_id, version)
);
CREATE INDEX events_space ON events (space_id, position);
CREATE INDEX events_type ON events (event_type, position);
CREATE INDEX events_recorded_at ON events (recorded_at);
CREATE FUNCTION events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'events are immutable'; END $$;
CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
"#,
        shared_tables!()
    ),
    sqlite: concat!(
        r#"
CREATE TABLE events (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL UNIQUE,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    version         BIGINT NOT NULL,
    event_type      TEXT NOT NULL,
    event_version   BIGINT NOT NULL,
    payload         TEXT NOT NULL,
    space_id        TEXT,
    actor           TEXT NOT NULL,
    correlation_id  TEXT NOT NULL,
    causation_id    TEXT,
    request_id      TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    UNIQUE (aggregate_type, aggregate_id, version)
);
CREATE INDEX events_space ON events (space_id, position);
CREATE INDEX events_type ON events (event_type, position);
CREATE INDEX events_recorded_at ON events (recorded_at);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
"#,
        shared_tables!()
    ),
};

/// On Postgres, one append is one round trip: the function takes the shared allocation lock,
/// inserts the events (stopping at a version conflict, when it returns NULL), marks the first
/// position in flight with a transaction-scoped lock, and gives the allocation lock back. The
/// lock keys are passed in, so the Rust constants stay the one source of truth. SQLite has a
/// single writer and needs none of it.
const APPEND_FUNCTION: Migration = Migration {
    id: "store-0002-append-function",
    postgres: r#"
CREATE FUNCTION lyceum_append(
    p_events TEXT, p_aggregate_type TEXT, p_aggregate_id TEXT, p_expected_version BIGINT,
    p_space_id TEXT, p_actor TEXT, p_correlation_id TEXT, p_causation_id TEXT,
    p_request_id TEXT, p_recorded_at TEXT, p_allocation_lock BIGINT, p_position_lock_base BIGINT
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    e JSON;
    n BIGINT := 0;
    pos BIGINT;
    first_pos BIGINT;
BEGIN
    PERFORM pg_advisory_lock_shared(p_allocation_lock);
    FOR e IN SELECT value FROM json_array_elements(p_events::json) LOOP
        n := n + 1;
        INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type,
            event_version, payload, space_id, actor, correlation_id, causation_id, request_id,
            recorded_at)
        VALUES (e->>'event_id', p_aggregate_type, p_aggregate_id, p_expected_version + n,
            e->>'event_type', (e->>'event_version')::BIGINT, e->>'payload', p_space_id, p_actor,
            p_correlation_id, p_causation_id, p_request_id, p_recorded_at)
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
"#,
    sqlite: "SELECT 1;",
};

/// Member identity: one credentials row per member (the email only as a keyed lookup hash,
/// unique per space) and member sessions stored as the SHA-256 of their token. Erasure and
/// removal delete the credentials and revoke the sessions in the same transaction as the event.
const IDENTITY: Migration = Migration {
    id: "store-0002-identity",
    postgres: identity_tables!(),
    sqlite: identity_tables!(),
};
