//! Telling other processes that checkpoints moved (Postgres only). A transaction that moves a
//! checkpoint does not notify inside itself: Postgres serialises the commits of notifying
//! transactions behind one lock held through the commit's flush, which measured 2.8× fewer
//! commits per second with 8 clients. Instead, after its commit, the process says so
//! ([`crate::Db::checkpoints_moved`]) and one task per database handle sends the notification
//! on [`MOVED_CHANNEL`] with a pooled connection, folding the moves made while one is in
//! flight into the next. Every move is therefore followed by a notification sent after it was
//! committed, which is all a listener needs: it rereads the checkpoints when woken.

use crate::checkpoints::MOVED_CHANNEL;
use sqlx::AnyPool;
use std::time::Duration;
use tokio::sync::watch;

/// The pause before sending a notification again after a failure; it doubles up to
/// [`LONGEST_PAUSE`] while sending keeps failing.
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// Starts the task that announces the moves `moves` sees, until its sender is dropped (every
/// clone of the handle is gone) or `pool` is closed.
pub(crate) fn spawn(pool: AnyPool, moves: watch::Receiver<u64>) {
    tokio::spawn(run(pool, moves));
}

async fn run(pool: AnyPool, mut moves: watch::Receiver<u64>) {
    while moves.changed().await.is_ok() {
        moves.borrow_and_update();
        let mut pause = FIRST_PAUSE;
        loop {
            let sent = sqlx::query("SELECT pg_notify($1, '')")
                .bind(MOVED_CHANNEL)
                .execute(&pool)
                .await;
            match sent {
                Ok(_) => break,
                Err(sqlx::Error::PoolClosed) => return,
                Err(error) => {
                    // Listeners that lost their connection poll until they hear again; one
                    // that did not is told as soon as the database answers.
                    tracing::warn!(%error, "could not announce a checkpoint move; retrying");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LONGEST_PAUSE);
                }
            }
        }
    }
}
