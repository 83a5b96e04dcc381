//! Test helpers: every test gets a database of its own.

use crate::Db;
use crate::db::Backend;
use sqlx::{Connection, Executor};

/// The server tests use, overridable with `LYCEUM_TEST_POSTGRES`.
pub fn postgres_server() -> String {
    std::env::var("LYCEUM_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Creates an empty Postgres database with a unique name and returns its URL. Fails (never
/// skips) when the server cannot be reached.
pub async fn fresh_postgres_url() -> Result<String, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let server = postgres_server();
    let name = format!("lyceum_t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::AnyConnection::connect(&format!("{server}/postgres")).await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    admin.close().await?;
    Ok(format!("{server}/{name}"))
}

/// A fresh SQLite directory under the system temp dir, as a `sqlite://` URL.
pub fn fresh_sqlite_url() -> String {
    let dir = std::env::temp_dir().join(format!("lyceum-test-{}", uuid::Uuid::new_v4().simple()));
    format!("sqlite://{}", dir.display())
}

/// Connects to a fresh database of the given backend, unmigrated.
pub async fn fresh(backend: Backend) -> Result<Db, sqlx::Error> {
    match backend {
        Backend::Postgres => Db::connect(&fresh_postgres_url().await?).await,
        Backend::Sqlite => Db::connect(&fresh_sqlite_url()).await,
    }
}
