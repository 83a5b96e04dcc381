//! Hearing checkpoint moves made by other processes (Postgres only): one task per API process
//! LISTENs on the channel every checkpoint move notifies at commit
//! ([`lyceum_store::checkpoints::MOVED_CHANNEL`]) and turns each notification into
//! [`Db::moves_heard`], so a read waiting for `min_position` is woken when a worker in
//! another process applies the events it waits for. [`Listening`] says whether the task hears
//! the database right now: while it connects or reconnects (the database restarted, say),
//! notifications are lost, so waiters poll instead.

use crate::error::WorkerError;
use lyceum_store::Db;
use lyceum_store::checkpoints::MOVED_CHANNEL;
use sqlx::postgres::PgListener;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The first pause before connecting again; it doubles up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// Whether this process hears every checkpoint move, other processes' included. Clones share
/// one flag; the default is not listening (a process without the task must poll).
#[derive(Debug, Clone, Default)]
pub struct Listening(Arc<AtomicBool>);

impl Listening {
    /// Whether a notification is sure to follow every checkpoint move from now on.
    pub fn is_listening(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Says whether every move is heard from now on (the listener's task says so; a test may).
    pub fn set(&self, listening: bool) {
        self.0.store(listening, Ordering::Release);
    }
}

/// Listens on the database at `url` until `shutdown`, connecting again whenever the connection
/// is lost, after a pause that grows while connecting keeps failing.
pub async fn run(
    url: String,
    db: Db,
    listening: Listening,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    tokio::pin!(shutdown);
    let mut pause = FIRST_PAUSE;
    loop {
        let heard = tokio::select! {
            () = &mut shutdown => break,
            heard = listen(&url, &db, &listening) => heard,
        };
        // Whatever moves from now until listening again goes unheard: waiters poll meanwhile.
        if listening.is_listening() {
            pause = FIRST_PAUSE;
        }
        listening.set(false);
        match heard {
            Ok(()) => tracing::warn!("lost the connection that hears checkpoint moves"),
            Err(error) => tracing::warn!(%error, "cannot hear checkpoint moves; retrying"),
        }
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
    listening.set(false);
    Ok(())
}

/// One connection: LISTEN, then a wake-up per batch of notifications, until it is lost.
async fn listen(url: &str, db: &Db, listening: &Listening) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    // A lost connection ends this function; the caller says so and connects anew.
    listener.eager_reconnect(false);
    listener.listen(MOVED_CHANNEL).await?;
    listening.set(true);
    // Waiters recheck what moved before the LISTEN took effect.
    db.moves_heard();
    while listener.try_recv().await?.is_some() {
        // Notifications that arrived together need one wake-up; heard, not announced again.
        while listener.next_buffered().is_some() {}
        db.moves_heard();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lyceum_store::checkpoints;
    use sqlx::Connection;
    use tokio::time::timeout;

    async fn fresh() -> (String, Db) {
        let url = lyceum_store::testing::fresh_postgres_url().await.unwrap();
        let db = Db::connect(&url).await.unwrap();
        lyceum_store::migrate::run(&db, &[lyceum_store::migrate::migrations()])
            .await
            .unwrap();
        (url, db)
    }

    /// Moves a checkpoint the way a worker does, on a handle of its own (another process).
    async fn move_checkpoint(other: &Db, position: i64) {
        let mut conn = other.writer().acquire().await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        checkpoints::lock(&mut tx, other.backend, "spaces")
            .await
            .unwrap();
        checkpoints::save(&mut tx, "spaces", position)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        other.checkpoints_moved();
    }

    /// Waits until the task listens and has sent the wake-up that follows each connection (the
    /// count of wake-ups passes `before`), so a later wake-up can only come from a notification.
    async fn until_listening(
        listening: &Listening,
        moved: &tokio::sync::watch::Receiver<u64>,
        before: u64,
    ) {
        timeout(Duration::from_secs(10), async {
            while !listening.is_listening() || *moved.borrow() == before {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("the listener connects");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_move_committed_elsewhere_wakes_this_process_even_after_the_connection_drops() {
        let (url, db) = fresh().await;
        let other = Db::connect(&url).await.unwrap();
        let listening = Listening::default();
        let mut moved = db.watch_checkpoints();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(run(url.clone(), db.clone(), listening.clone(), async {
            let _ = stopped.await;
        }));
        until_listening(&listening, &moved, 0).await;
        moved.borrow_and_update();
        move_checkpoint(&other, 1).await;
        timeout(Duration::from_secs(5), moved.changed())
            .await
            .expect("woken by the other handle's commit")
            .unwrap();

        // The database drops the listener's connection (as a restart would): the task says it
        // is not listening, connects again, and hears the next move.
        let before = *moved.borrow_and_update();
        let terminated: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
        )
        .fetch_all(other.writer())
        .await
        .unwrap();
        assert_eq!(terminated, [true]);
        timeout(Duration::from_secs(5), async {
            while listening.is_listening() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the lost connection is noticed");
        until_listening(&listening, &moved, before).await;
        moved.borrow_and_update();
        move_checkpoint(&other, 2).await;
        timeout(Duration::from_secs(5), moved.changed())
            .await
            .expect("woken after reconnecting")
            .unwrap();

        stop.send(()).unwrap();
        task.await.unwrap().unwrap();
        assert!(!listening.is_listening());
    }
}
