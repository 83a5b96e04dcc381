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

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
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
}];
