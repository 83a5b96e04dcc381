//! One relay (and one sealer) at a time: on Postgres the leader holds a session-level advisory
//! lock on a connection of its own; a second one waits on standby. SQLite has a single
//! process, so leading needs no lock there.

use crate::error::WorkerError;
use lyceum_store::{Backend, Db};
use sqlx::{AnyConnection, Connection};

/// The advisory lock the leading relay holds (next to the store's allocation lock).
pub const RELAY_LOCK: i64 = 0x4C58_0000_0000_0002;
/// The advisory lock the leading sealer holds.
pub const SEALER_LOCK: i64 = 0x4C58_0000_0000_0003;

/// Proof of being the one relay. The lock lives as long as its connection: dropping this
/// closes the connection and Postgres releases the lock.
#[derive(Debug)]
pub struct Leadership {
    conn: Option<AnyConnection>,
    lock: i64,
}

/// Tries, without waiting, to become the leading relay. `None` means another process leads.
pub async fn acquire_leadership(db: &Db) -> Result<Option<Leadership>, WorkerError> {
    acquire_lead(db, RELAY_LOCK).await
}

/// Tries, without waiting, to take the advisory `lock` for as long as the returned leadership
/// lives. `None` means another process holds it.
#[tracing::instrument(skip(db))]
pub async fn acquire_lead(db: &Db, lock: i64) -> Result<Option<Leadership>, WorkerError> {
    if db.backend == Backend::Sqlite {
        return Ok(Some(Leadership { conn: None, lock }));
    }
    let mut conn = db.writer().acquire().await?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(lock)
        .fetch_one(&mut *conn)
        .await?;
    // A connection that failed to lock holds nothing and may go back to the pool; one that
    // holds the lock must never be handed to anyone else.
    Ok(locked.then(|| Leadership {
        conn: Some(conn.detach()),
        lock,
    }))
}

impl Leadership {
    /// Whether the lock is still held, i.e. its connection is still alive.
    pub async fn is_held(&mut self) -> bool {
        match self.conn.as_mut() {
            Some(conn) => conn.ping().await.is_ok(),
            None => true,
        }
    }

    /// Releases the lock and closes its connection.
    pub async fn release(mut self) -> Result<(), WorkerError> {
        if let Some(mut conn) = self.conn.take() {
            let _released: bool = sqlx::query_scalar("SELECT pg_advisory_unlock($1)")
                .bind(self.lock)
                .fetch_one(&mut conn)
                .await?;
            conn.close().await?;
        }
        Ok(())
    }
}
