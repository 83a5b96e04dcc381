//! What the clock-driven workers (the billing scheduler, the scheduled publisher) share: the
//! loop that runs a pass every second until shutdown, and the append of a system command that
//! loses quietly to a concurrent worker.

use crate::error::WorkerError;
use crate::feed::Nudge;
use lyceum_store::append::Append;
use lyceum_store::{Db, Metadata, StoreError};
use std::future::Future;
use std::time::Duration;
use uuid::Uuid;

/// How often a clock-driven worker looks when nothing was due.
const IDLE: Duration = Duration::from_secs(1);

/// Runs `pass` until `shutdown`: again at once after a pass that did something (nudging the
/// relay), otherwise after [`IDLE`]. Due times are moments on the clock, not reactions to
/// appends: waking on every append would cost a query per command for nothing.
pub async fn every_second<F, Fut>(
    worker: &'static str,
    mut pass: F,
    nudge: Nudge,
    shutdown: impl Future,
) -> Result<(), WorkerError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<usize, WorkerError>>,
{
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        match pass().await {
            Ok(0) => {}
            Ok(done) => {
                tracing::info!(worker, done, "due work done");
                nudge.nudge();
                continue;
            }
            Err(error) => tracing::warn!(worker, %error, "pass failed"),
        }
        tokio::select! {
            _ = shutdown.as_mut() => return Ok(()),
            () = tokio::time::sleep(IDLE) => {}
        }
    }
}

/// The metadata of a command a worker issues on its own.
pub fn system_metadata(space_id: Uuid, actor: &str, request_id: String) -> Metadata {
    Metadata {
        space_id: Some(space_id),
        actor: actor.into(),
        correlation_id: Uuid::new_v4(),
        causation_id: None,
        request_id,
    }
}

/// Appends a worker's command: `true` if written, `false` if another worker got there first.
pub async fn append_once(db: &Db, append: &Append) -> Result<bool, WorkerError> {
    match lyceum_store::append::append(db, append, None).await {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict) => Ok(false),
        Err(error) => Err(error.into()),
    }
}
