//! Rate-limit counters shared by every API node: one row per bucket (a key, a session, a client
//! address, a member's kind of action) and fixed window, bumped in one statement, so however
//! many nodes serve a caller, together they admit at most one quota per window.
//!
//! On Postgres a hit commits without waiting for its flush to disk (`synchronous_commit` off
//! for that transaction alone, set by `lyceum_rate_limit_hit`): a counter is worth less than
//! the 2 to 3 ms a flush costs every request, and a crash of the database loses at most the
//! last fraction of a second of hits, letting a few more requests through in that window.

use crate::Db;
use crate::db::Backend;
use crate::error::StoreError;
use crate::migrate::Migration;

const TABLES: &str = r#"
CREATE TABLE rate_limit_hits (
    bucket TEXT NOT NULL, window_start BIGINT NOT NULL, hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_hits_window ON rate_limit_hits (window_start);
"#;

pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0011-rate-limit-hits",
    postgres: TABLES,
    sqlite: TABLES,
};

/// Counts a hit in a transaction that does not wait for its commit to reach the disk:
/// `set_config(…, true)` lasts until the end of the calling statement's transaction, unlike a
/// function's own `SET` clause, which ends with the function.
const HIT_FUNCTION: &str = r#"
CREATE FUNCTION lyceum_rate_limit_hit(p_bucket TEXT, p_window_start BIGINT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    counted BIGINT;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO rate_limit_hits (bucket, window_start, hits) VALUES (p_bucket, p_window_start, 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
    RETURNING hits INTO counted;
    RETURN counted;
END
$$;
"#;

pub(crate) const HIT_MIGRATION: Migration = Migration {
    id: "store-0015-rate-limit-hit-unflushed",
    postgres: HIT_FUNCTION,
    sqlite: "SELECT 1;",
};

/// Counts one hit on `bucket` in the window starting at `window_start` (Unix seconds) and
/// returns the window's hits so far, this one included. One upsert, atomic on both backends:
/// concurrent hits from any number of nodes each get a different count.
pub async fn hit(db: &Db, bucket: &str, window_start: i64) -> Result<i64, StoreError> {
    let sql = match db.backend {
        Backend::Postgres => "SELECT lyceum_rate_limit_hit($1, $2)",
        Backend::Sqlite => {
            "INSERT INTO rate_limit_hits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE \
             SET hits = rate_limit_hits.hits + 1 \
             RETURNING hits"
        }
    };
    let hits = sqlx::query_scalar(sql)
        .bind(bucket)
        .bind(window_start)
        .fetch_one(db.writer())
        .await?;
    Ok(hits)
}

/// Deletes the windows that started before `before` (Unix seconds); returns how many.
pub async fn prune(db: &Db, before: i64) -> Result<u64, StoreError> {
    let deleted = sqlx::query("DELETE FROM rate_limit_hits WHERE window_start < $1")
        .bind(before)
        .execute(db.writer())
        .await?;
    Ok(deleted.rows_affected())
}
