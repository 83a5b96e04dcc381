//! The in-process bus of embedded mode. The log itself is the durable queue: one loop reads
//! each batch of the log once, whenever it is nudged (or every 100 ms), and hands it to every
//! read model (see [`lyceum_projections::pass`]); because rows and checkpoints commit together,
//! the effects are exactly once, as with RabbitMQ.

use crate::error::WorkerError;
use crate::feed::Nudge;
use crate::pause::{Backoff, or_shutdown};
use lyceum_projections::Projection;
use lyceum_projections::pass::{LIVE_BATCH, catch_up_all};
use lyceum_store::Db;
use std::future::Future;
use std::time::Duration;

/// How often the pass looks at the log when nobody nudges it.
const IDLE: Duration = Duration::from_millis(100);

/// Keeps `projections` up to date with the log until `shutdown`. Errors are logged and retried.
pub async fn run(
    db: Db,
    projections: Vec<Projection>,
    nudge: Nudge,
    shutdown: impl Future,
) -> Result<(), WorkerError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Backoff::new();
    loop {
        let pause = match step(&db, &projections).await {
            Ok(_) => {
                backoff.reset();
                IDLE
            }
            Err(error) => {
                tracing::warn!(%error, "catch-up failed");
                backoff.next_delay()
            }
        };
        if or_shutdown(nudge.wait(pause), &mut shutdown).await {
            return Ok(());
        }
    }
}

/// One delivery round: applies the log up to the high-water mark. Returns the lowest
/// checkpoint among `projections`.
#[tracing::instrument(skip(db))]
pub async fn step(db: &Db, projections: &[Projection]) -> Result<i64, WorkerError> {
    Ok(catch_up_all(db, projections, LIVE_BATCH).await?)
}
