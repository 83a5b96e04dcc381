//! Waiting until some read models reach a position. The wait is woken when checkpoints move:
//! in this process through `Db::watch_checkpoints`, and for moves committed by other processes
//! through the listener that turns Postgres's notifications into the same wake-up
//! (`lyceum_workers::checkpoint_listener`). While nothing is sure to hear every move (the
//! listener reconnecting, or no listener at all), it also rechecks every [`POLL`].

use crate::error::ApiError;
use crate::state::AppState;
use lyceum_domain::Code;
use lyceum_projections::{Projection, checkpoint_of};
use lyceum_store::{Db, StoreError};
use std::time::Duration;
use tokio::time::Instant;

/// How often a wait rechecks when a move may go unheard.
const POLL: Duration = Duration::from_millis(100);

/// Drops from `behind` the read models that have reached `position`, stopping at the first one
/// that has not (the wait goes on for it anyway). Whether they all have.
async fn caught_up(
    db: &Db,
    behind: &mut Vec<Projection>,
    position: i64,
) -> Result<bool, StoreError> {
    while let Some(&projection) = behind.last() {
        if checkpoint_of(db, projection).await? < position {
            return Ok(false);
        }
        behind.pop();
    }
    Ok(true)
}

/// Waits until each of `models` has reached `position`: 503 `not_ready` after the configured
/// timeout, 409 `position_not_reached` at once for a position beyond the log's head.
pub async fn wait_for(
    state: &AppState,
    models: &[Projection],
    position: i64,
) -> Result<(), ApiError> {
    let deadline = Instant::now() + state.consistency_timeout;
    // Subscribed before the first check, so a move between a check and the wait still wakes it.
    let mut moved = state.db.watch_checkpoints();
    let mut behind = models.to_vec();
    let mut first = true;
    loop {
        moved.borrow_and_update();
        if caught_up(&state.db, &mut behind, position).await? {
            return Ok(());
        }
        // Only a read that has to wait asks where the log ends.
        if std::mem::take(&mut first) {
            let head = lyceum_store::read::head(&state.db).await?;
            if position > head {
                return Err(ApiError::new(
                    Code::PositionNotReached,
                    format!("min_position {position} is beyond the log's last position, {head}"),
                ));
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(ApiError::new(
                Code::NotReady,
                format!("the read models have not reached position {position} yet"),
            )
            .with_retry_after(1));
        }
        let recheck = match state.listening.is_listening() {
            true => deadline,
            false => (now + POLL).min(deadline),
        };
        tokio::select! {
            changed = moved.changed() => {
                // The sender lives as long as the database handle; without it, poll.
                if changed.is_err() {
                    tokio::time::sleep_until((now + POLL).min(deadline)).await;
                }
            }
            () = tokio::time::sleep_until(recheck) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lyceum_store::db::Backend;
    use lyceum_workers::{LiveFeed, Nudge};

    /// A state on a fresh SQLite store whose log holds one event, at position 1.
    async fn state() -> AppState {
        let db = lyceum_store::testing::fresh(Backend::Sqlite).await.unwrap();
        lyceum_store::migrate::run(
            &db,
            &[
                lyceum_store::migrate::migrations(),
                lyceum_projections::migrations(),
            ],
        )
        .await
        .unwrap();
        let space = lyceum_store::testing::space_created("waits").unwrap();
        lyceum_store::append::append(&db, &space, None)
            .await
            .unwrap();
        AppState::new(db, LiveFeed::default(), Nudge::default())
    }

    /// Moves a read model's checkpoint the way a consumer does, and says so.
    async fn set_checkpoint(db: &Db, projection: Projection, position: i64) {
        let mut tx = db.writer().begin().await.unwrap();
        lyceum_store::checkpoints::lock(&mut tx, db.backend, projection.name())
            .await
            .unwrap();
        lyceum_store::checkpoints::save(&mut tx, projection.name(), position)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        db.checkpoints_moved();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wait_is_woken_by_the_move_it_waits_for() {
        let mut state = state().await;
        // Nothing polls: only the wake-up can end the wait before a minute is up.
        state.listening.set(true);
        state.consistency_timeout = Duration::from_secs(60);
        let before = state.db.reads();
        let waiting = {
            let state = state.clone();
            tokio::spawn(async move { wait_for(&state, &[Projection::Spaces], 1).await })
        };
        // Once it has asked where the log ends, it waits.
        tokio::time::timeout(Duration::from_secs(10), async {
            while state.db.reads() < before + 2 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .unwrap();
        assert!(!waiting.is_finished());
        set_checkpoint(&state.db, Projection::Spaces, 1).await;
        let waited = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the move woke the wait");
        assert!(waited.unwrap().is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wait_is_for_the_read_models_it_names_alone() {
        let mut state = state().await;
        state.consistency_timeout = Duration::from_millis(300);
        set_checkpoint(&state.db, Projection::Spaces, 1).await;
        // Engagement is held back at 0.
        wait_for(&state, &[Projection::Spaces], 1).await.unwrap();
        let held = wait_for(&state, &[Projection::Spaces, Projection::Engagement], 1).await;
        assert_eq!(held.unwrap_err().code, Code::NotReady);
        let beyond = wait_for(&state, &[Projection::Engagement], 2).await;
        assert_eq!(beyond.unwrap_err().code, Code::PositionNotReached);
    }
}
