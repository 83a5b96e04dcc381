//! The scheduled publisher: publishes content whose scheduled time has come on the clock. Like
//! the billing scheduler (see [`crate::scheduler`]), it takes the due list from the read model
//! (so a row that lags is picked up on a later pass) and checks each item against its
//! aggregate, which refuses a publication that is not due or already happened; a concurrent
//! publisher loses on the aggregate's version. So each scheduled item is published exactly
//! once, across restarts and replicas.

use crate::error::WorkerError;
use crate::feed::Nudge;
use lyceum_domain::Aggregate;
use lyceum_domain::content::{Content, ContentCommand};
use lyceum_store::clock::Clock;
use lyceum_store::command::{append_for, load};
use lyceum_store::{Db, Metadata, StoreError, time};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How many due items one pass handles.
const BATCH: i64 = 100;
/// How often the publisher looks.
const IDLE: Duration = Duration::from_secs(1);

/// Publishes scheduled content when it falls due.
#[derive(Debug, Clone)]
pub struct Publisher {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl Publisher {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    /// One pass: publishes every item due now. Returns how many were published.
    #[tracing::instrument(skip(self))]
    pub async fn run_due(&self) -> Result<usize, WorkerError> {
        let now = self.clock.now();
        let due =
            lyceum_projections::queries::due_publications(&self.db, &time::format(now), BATCH)
                .await?;
        let mut published = 0;
        for id in due {
            let Ok(id) = Uuid::parse_str(&id) else {
                continue;
            };
            match self.publish(id, now).await {
                Ok(true) => published += 1,
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, content = %id, "could not publish"),
            }
        }
        Ok(published)
    }

    /// Publishes one item if its aggregate agrees it is due; `false` if not (or if another
    /// publisher got there first).
    async fn publish(
        &self,
        id: Uuid,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, WorkerError> {
        let loaded = load::<Content>(&self.db, id).await?;
        let Some(space_id) = loaded.state.state.as_ref().map(|s| s.space_id) else {
            return Ok(false);
        };
        let Ok(events) = loaded.state.decide(ContentCommand::PublishDue { now }) else {
            return Ok(false);
        };
        let metadata = Metadata {
            space_id: Some(space_id.0),
            actor: "system:publisher".into(),
            correlation_id: Uuid::new_v4(),
            causation_id: None,
            request_id: "publisher:scheduled".into(),
        };
        let append = append_for::<Content>(id, loaded.version, &events, metadata, vec![])?;
        match lyceum_store::append::append(&self.db, &append, None).await {
            Ok(_) => Ok(true),
            Err(StoreError::Conflict) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Runs a pass every second until `shutdown`, nudging the relay after publishing.
    pub async fn run(self, nudge: Nudge, shutdown: impl Future) -> Result<(), WorkerError> {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            match self.run_due().await {
                Ok(0) => {}
                Ok(published) => {
                    tracing::info!(published, "scheduled content published");
                    nudge.nudge();
                    continue;
                }
                Err(error) => tracing::warn!(%error, "publisher pass failed"),
            }
            tokio::select! {
                _ = shutdown.as_mut() => return Ok(()),
                () = tokio::time::sleep(IDLE) => {}
            }
        }
    }
}
