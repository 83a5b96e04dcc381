//! Checkpoints inside a consumer's transaction: every consumer of the log (read models, the
//! webhook fan-out) locks its checkpoint, writes its rows, and moves the checkpoint in the same
//! transaction, so concurrent consumers of the same name take turns and a crash never leaves
//! rows without their checkpoint or the reverse.

use crate::db::Backend;
use crate::error::StoreError;
use sqlx::AnyConnection;

/// Reads (and on Postgres locks until the transaction ends) a checkpoint, creating it at 0.
pub async fn lock(
    conn: &mut AnyConnection,
    backend: Backend,
    name: &str,
) -> Result<i64, StoreError> {
    sqlx::query(
        "INSERT INTO checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .execute(&mut *conn)
    .await?;
    let sql = match backend {
        Backend::Postgres => "SELECT position FROM checkpoints WHERE name = $1 FOR UPDATE",
        Backend::Sqlite => "SELECT position FROM checkpoints WHERE name = $1",
    };
    Ok(sqlx::query_scalar(sql)
        .bind(name)
        .fetch_one(&mut *conn)
        .await?)
}

/// Moves a checkpoint locked with [`lock`].
pub async fn save(conn: &mut AnyConnection, name: &str, position: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE checkpoints SET position = $1 WHERE name = $2")
        .bind(position)
        .bind(name)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
