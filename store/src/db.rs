//! Connections. Postgres gets one pool. SQLite gets a pool of readers and a pool of exactly one
//! writer, so that write transactions queue in the process instead of failing with
//! `SQLITE_BUSY`, and WAL lets readers go on while one writes.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A handle on the database: cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub backend: Backend,
    read: AnyPool,
    write: AnyPool,
    /// How many times the read pool was handed out: one per read query, as every read runs on
    /// `reader()` directly. Lets tests see that a GraphQL page costs a bounded number of reads.
    reads: Arc<AtomicU64>,
    /// Counts commits that moved a checkpoint in this process, so a wait for read models is
    /// woken instead of polling (see [`Db::checkpoints_moved`]).
    moved: Arc<tokio::sync::watch::Sender<u64>>,
    /// Counts the same commits for the task that tells other processes (Postgres only; see
    /// [`crate::announce`]). Moves heard from other processes are not counted here.
    to_announce: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Db {
    /// Connects to a `postgres://` URL.
    pub async fn postgres(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        let to_announce = tokio::sync::watch::Sender::new(0);
        crate::announce::spawn(pool.clone(), to_announce.subscribe());
        Ok(Self {
            backend: Backend::Postgres,
            read: pool.clone(),
            write: pool,
            reads: Arc::default(),
            moved: Arc::new(tokio::sync::watch::Sender::new(0)),
            to_announce: Arc::new(to_announce),
        })
    }

    /// Opens (creating if needed) the SQLite file `lyceum.db` under `dir`.
    pub async fn sqlite(dir: &Path) -> Result<Self, sqlx::Error> {
        install_default_drivers();
        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        let url = format!("sqlite://{}?mode=rwc", dir.join("lyceum.db").display());
        let options = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;")
                            .await?;
                        Ok(())
                    })
                })
        };
        let write = options(1).connect(&url).await?;
        let read = options(4).connect(&url).await?;
        Ok(Self {
            backend: Backend::Sqlite,
            read,
            write,
            reads: Arc::default(),
            moved: Arc::new(tokio::sync::watch::Sender::new(0)),
            to_announce: Arc::new(tokio::sync::watch::Sender::new(0)),
        })
    }

    /// Connects to either backend by URL: `postgres://…` or `sqlite://<dir>`.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        match url.strip_prefix("sqlite://") {
            Some(dir) => Self::sqlite(Path::new(dir)).await,
            None => Self::postgres(url, 16).await,
        }
    }

    /// The pool for reads that need not be part of a write.
    pub fn reader(&self) -> &AnyPool {
        self.reads.fetch_add(1, Ordering::Relaxed);
        &self.read
    }

    /// The same pools with a read counter of its own (so one component's reads can be told
    /// from the others'). It hears the same checkpoint moves: the API waits, on its handle, for
    /// what the workers apply on theirs.
    pub fn counted(&self) -> Self {
        Self {
            reads: Arc::default(),
            ..self.clone()
        }
    }

    /// Says that a transaction moving one or more checkpoints has committed. Every consumer of
    /// the log calls it after its commit: it wakes this process's waits and, on Postgres,
    /// has the move announced to other processes ([`crate::announce`]).
    pub fn checkpoints_moved(&self) {
        self.moves_heard();
        self.to_announce
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    /// Wakes this process's waits for a move another process committed and announced, without
    /// announcing it again.
    pub fn moves_heard(&self) {
        self.moved
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    /// A receiver that sees a change after each [`Db::checkpoints_moved`] in this process.
    pub fn watch_checkpoints(&self) -> tokio::sync::watch::Receiver<u64> {
        self.moved.subscribe()
    }

    /// How many reads (`reader()` calls) this handle and its clones have made.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// The pool for write transactions.
    pub fn writer(&self) -> &AnyPool {
        &self.write
    }

    /// Each distinct pool by name, for metrics: SQLite's `read` and `write`; Postgres's one
    /// pool, which serves both, as `shared` (so it is not counted twice).
    pub fn pools(&self) -> Vec<(&'static str, &AnyPool)> {
        match self.backend {
            Backend::Postgres => vec![("shared", &self.write)],
            Backend::Sqlite => vec![("read", &self.read), ("write", &self.write)],
        }
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}
