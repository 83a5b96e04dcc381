//! Sharing projection partitions among worker processes. On Postgres each worker holds, on a
//! connection of its own, a session-level advisory lock on a worker slot (so workers can count
//! each other) and one on each partition it consumes (its lease). Every second it takes free
//! partitions up to its fair share, `ceil(partitions / workers)`, and gives back what it holds
//! beyond it, so a new worker gets work and a dead one's partitions (its connection closes, and
//! Postgres drops its locks) go to the others. Two consumers of one partition for a moment are
//! harmless: the partition's checkpoint row is locked by each batch, and what is at or below it
//! is skipped. SQLite has a single process, which owns every partition.

use crate::error::WorkerError;
use crate::stop::Stop;
use lyceum_projections::{Part, Projection};
use lyceum_store::{Backend, Db};
use sqlx::{AnyConnection, Connection};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Worker slots: the advisory lock `WORKER_LOCK_BASE + slot` says a worker is alive.
const WORKER_LOCK_BASE: i64 = 0x4C58_0001_0000_0000;
const WORKER_SLOTS: i64 = 1024;
/// A partition's lease: `LEASE_LOCK_BASE + (projection index << 16) + partition`.
const LEASE_LOCK_BASE: i64 = 0x4C58_0002_0000_0000;
/// How often leases are balanced.
const BALANCE_EVERY: Duration = Duration::from_secs(1);

/// The partitions this process consumes now. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Owned(watch::Receiver<BTreeSet<Part>>);

impl Owned {
    /// Every partition, for a process that needs no leases (tests, SQLite).
    pub fn all(parts: impl IntoIterator<Item = Part>) -> Self {
        Self(watch::channel(parts.into_iter().collect()).1)
    }

    /// Waits until `part` is owned; `false` if `stop` came first.
    pub async fn acquired(&self, part: Part, stop: &Stop) -> bool {
        let mut receiver = self.0.clone();
        stop.unless_stopped(async move {
            let _ = receiver.wait_for(|owned| owned.contains(&part)).await;
        })
        .await
        .is_some()
    }

    /// Completes once `part` is no longer owned (or the manager is gone).
    pub fn released(&self, part: Part) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut receiver = self.0.clone();
        async move {
            let _ = receiver.wait_for(|owned| !owned.contains(&part)).await;
        }
    }

    /// How many partitions are owned now.
    pub fn count(&self) -> usize {
        self.0.borrow().len()
    }
}

/// Balances this process's leases against the other workers'. Cheap to clone: each
/// [`Leases::run`] holds its own locks.
#[derive(Debug, Clone)]
pub struct Leases {
    db: Db,
    parts: Vec<Part>,
    owned: Arc<watch::Sender<BTreeSet<Part>>>,
}

/// One run's locks: the connection that holds them and the partitions leased on it.
#[derive(Debug)]
struct Session {
    db: Db,
    parts: Vec<Part>,
    conn: Option<AnyConnection>,
    held: BTreeSet<Part>,
    owned: Arc<watch::Sender<BTreeSet<Part>>>,
}

impl Leases {
    /// A manager for `parts`, owning nothing yet, and the view of what it owns.
    pub fn new(db: Db, parts: Vec<Part>) -> (Self, Owned) {
        let (owned, view) = watch::channel(BTreeSet::new());
        let leases = Self {
            db,
            parts,
            owned: Arc::new(owned),
        };
        (leases, Owned(view))
    }

    /// Balances every second until `stop`; a lost lock connection gives everything up and
    /// starts again on a new one. Errors are logged, never fatal.
    pub async fn run(&self, stop: Stop) -> Result<(), WorkerError> {
        let mut session = Session {
            db: self.db.clone(),
            parts: self.parts.clone(),
            conn: None,
            held: BTreeSet::new(),
            owned: self.owned.clone(),
        };
        session.give_up_all();
        session.run(stop).await
    }
}

impl Session {
    async fn run(mut self, stop: Stop) -> Result<(), WorkerError> {
        loop {
            if let Err(error) = self.balance().await {
                tracing::warn!(%error, "could not balance partition leases: giving them up");
                self.give_up_all();
            }
            if stop
                .unless_stopped(tokio::time::sleep(BALANCE_EVERY))
                .await
                .is_none()
            {
                self.give_up_all();
                return Ok(());
            }
        }
    }

    /// One round: joins as a worker if needed, counts the workers, and takes or gives back
    /// leases to reach the fair share.
    async fn balance(&mut self) -> Result<(), WorkerError> {
        if self.db.backend == Backend::Sqlite {
            self.held = self.parts.iter().copied().collect();
            self.publish();
            return Ok(());
        }
        if self.conn.is_none() {
            self.conn = Some(join(&self.db).await?);
        }
        let Some(conn) = self.conn.as_mut() else {
            return Ok(());
        };
        if conn.ping().await.is_err() {
            self.give_up_all();
            return Ok(());
        }
        let workers = usize::try_from(count_workers(conn).await?)
            .unwrap_or(1)
            .max(1);
        let share = self.parts.len().div_ceil(workers);
        while self.held.len() > share {
            let Some(part) = self.held.iter().next_back().copied() else {
                break;
            };
            let _: bool = sqlx::query_scalar("SELECT pg_advisory_unlock($1)")
                .bind(lease_key(part))
                .fetch_one(&mut *conn)
                .await?;
            self.held.remove(&part);
        }
        for part in self.parts.iter().copied() {
            if self.held.len() >= share {
                break;
            }
            if self.held.contains(&part) {
                continue;
            }
            let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(lease_key(part))
                .fetch_one(&mut *conn)
                .await?;
            if taken {
                self.held.insert(part);
            }
        }
        self.publish();
        Ok(())
    }

    fn publish(&self) {
        self.owned.send_if_modified(|owned| {
            let changed = *owned != self.held;
            owned.clone_from(&self.held);
            changed
        });
    }

    /// Drops the lock connection (Postgres releases every lock on it) and owns nothing.
    fn give_up_all(&mut self) {
        self.conn = None;
        self.held.clear();
        self.publish();
    }
}

/// Takes a free worker slot on a connection of its own, which then holds this worker's locks.
async fn join(db: &Db) -> Result<AnyConnection, WorkerError> {
    let mut conn = db.writer().acquire().await?.detach();
    for slot in 0..WORKER_SLOTS {
        let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(WORKER_LOCK_BASE + slot)
            .fetch_one(&mut conn)
            .await?;
        if taken {
            tracing::info!(slot, "joined the projection workers");
            return Ok(conn);
        }
    }
    Err(WorkerError::NoWorkerSlot(WORKER_SLOTS))
}

/// How many workers hold a slot in this database.
async fn count_workers(conn: &mut AnyConnection) -> Result<i64, WorkerError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 1 \
         AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND ((l.classid::bigint << 32) | l.objid::bigint) >= $1 \
         AND ((l.classid::bigint << 32) | l.objid::bigint) < $2",
    )
    .bind(WORKER_LOCK_BASE)
    .bind(WORKER_LOCK_BASE + WORKER_SLOTS)
    .fetch_one(conn)
    .await?)
}

fn lease_key(part: Part) -> i64 {
    let index = Projection::ALL
        .iter()
        .position(|p| *p == part.projection)
        .and_then(|i| i64::try_from(i).ok())
        .unwrap_or(0);
    LEASE_LOCK_BASE + (index << 16) + i64::from(part.index)
}
