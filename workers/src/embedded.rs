//! The in-process bus of embedded mode. The log itself is the durable queue: each projection
//! catches up from its checkpoint whenever it is nudged (or every 100 ms), and because rows and
//! checkpoint commit together, the effects are exactly once, as with RabbitMQ.

use crate::error::WorkerError;
use crate::feed::Nudge;
use crate::pause::{Backoff, or_shutdown};
use lyceum_projections::partition::DEFAULT_PARTITIONS;
use lyceum_projections::{Part, Projection, catch_up};
use lyceum_store::Db;
use std::future::Future;
use std::time::Duration;

/// How often a projection looks at the log when nobody nudges it.
const IDLE: Duration = Duration::from_millis(100);

/// Keeps `projection` up to date with the log until `shutdown`. Errors are logged and retried.
pub async fn run_projection(
    db: Db,
    projection: Projection,
    nudge: Nudge,
    shutdown: impl Future,
) -> Result<(), WorkerError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Backoff::new();
    loop {
        let pause = match step(&db, projection).await {
            Ok(_) => {
                backoff.reset();
                IDLE
            }
            Err(error) => {
                tracing::warn!(%error, projection = projection.name(), "catch-up failed");
                backoff.next_delay()
            }
        };
        if or_shutdown(nudge.wait(pause), &mut shutdown).await {
            return Ok(());
        }
    }
}

/// One delivery round: applies the log up to the high-water mark. Returns the checkpoint.
#[tracing::instrument(skip(db), fields(projection = projection.name()))]
pub async fn step(db: &Db, projection: Projection) -> Result<i64, WorkerError> {
    let mut lowest = i64::MAX;
    for index in 0..DEFAULT_PARTITIONS {
        let part = Part {
            projection,
            index,
            count: DEFAULT_PARTITIONS,
        };
        lowest = lowest.min(catch_up(db, part).await?);
    }
    Ok(lowest)
}
