//! A small migration runner: each crate that owns tables contributes an ordered list of
//! migrations with one script per backend; applied ids are recorded in `schema_migrations`.

use crate::db::{Backend, Db};
use crate::error::StoreError;
use sqlx::Row;

/// One schema change, written once per backend.
pub struct Migration {
    pub id: &'static str,
    pub postgres: &'static str,
    pub sqlite: &'static str,
}

/// Applies every migration not yet applied, in order. Safe to run from several processes at
/// once on Postgres (an advisory lock serialises them).
pub async fn run(db: &Db, sets: &[&[Migration]]) -> Result<usize, StoreError> {
    let mut tx = db.writer().begin().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("SELECT 1 FROM pg_advisory_xact_lock(5500231771301888003)")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    let applied: Vec<String> = sqlx::query("SELECT id FROM schema_migrations")
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.try_get::<String, _>(0))
        .collect::<Result<_, _>>()?;
    let mut count = 0;
    for migration in sets.iter().flat_map(|set| set.iter()) {
        if applied.iter().any(|id| id == migration.id) {
            continue;
        }
        let script = match db.backend {
            Backend::Postgres => migration.postgres,
            Backend::Sqlite => migration.sqlite,
        };
        sqlx::raw_sql(script).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)")
            .bind(migration.id)
            .bind(crate::time::now())
            .execute(&mut *tx)
            .await?;
        count += 1;
    }
    tx.commit().await?;
    Ok(count)
}

/// The store's own migrations.
pub fn migrations() -> &'static [Migration] {
    crate::schema::MIGRATIONS
}
