//! Rate-limit counters shared by every API node: one row per bucket (a key, a session, a client
//! address, a member's kind of action) and fixed window, bumped in one statement, so however
//! many nodes serve a caller, together they admit at most one quota per window.

use crate::Db;
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

/// Counts one hit on `bucket` in the window starting at `window_start` (Unix seconds) and
/// returns the window's hits so far, this one included. One upsert, atomic on both backends:
/// concurrent hits from any number of nodes each get a different count.
pub async fn hit(db: &Db, bucket: &str, window_start: i64) -> Result<i64, StoreError> {
    let hits = sqlx::query_scalar(
        "INSERT INTO rate_limit_hits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE \
         SET hits = rate_limit_hits.hits + 1 \
         RETURNING hits",
    )
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
