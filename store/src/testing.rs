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

/// The append that creates a space with this slug: the simplest command there is, for tests and
/// benchmarks of the log itself.
pub fn space_created(slug: &str) -> Result<crate::Append, crate::StoreError> {
    use lyceum_domain::space::{Space, SpaceEvent};
    use lyceum_domain::values::{Currency, Slug};
    let id = uuid::Uuid::now_v7();
    let invalid = |e: lyceum_domain::DomainError| crate::StoreError::Corrupt(e.to_string());
    let event = SpaceEvent::SpaceCreated {
        slug: Slug::parse(slug).map_err(invalid)?,
        name: format!("Space {slug}"),
        currency: Currency::parse("EUR").map_err(invalid)?,
    };
    let metadata = crate::Metadata {
        space_id: Some(id),
        actor: "system".into(),
        correlation_id: uuid::Uuid::new_v4(),
        causation_id: None,
        request_id: "test".into(),
    };
    crate::command::append_for::<Space>(id, 0, &[event], metadata, Vec::new())
}
