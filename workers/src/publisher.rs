//! The scheduled publisher: publishes content whose scheduled time has come on the clock. Like
//! the billing scheduler (see [`crate::scheduler`]), it takes the due list from the read model
//! (so a row that lags is picked up on a later pass) and checks each item against its
//! aggregate, which refuses a publication that is not due or already happened; a concurrent
//! publisher loses on the aggregate's version. So each scheduled item is published exactly
//! once, across restarts and replicas.

use crate::error::WorkerError;
use crate::feed::Nudge;
use crate::timed::{append_once, every_second, system_metadata};
use lyceum_domain::Aggregate;
use lyceum_domain::content::{Content, ContentCommand};
use lyceum_store::clock::Clock;
use lyceum_store::command::{append_for, load};
use lyceum_store::occurring;
use lyceum_store::{Db, time};
use std::future::Future;
use std::sync::Arc;
use uuid::Uuid;

/// How many due items one pass handles.
const BATCH: i64 = 100;

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
        let due = lyceum_projections::content::queries::due_publications(
            &self.db,
            &time::format(now),
            BATCH,
        )
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
        let metadata =
            system_metadata(space_id.0, "system:publisher", "publisher:scheduled".into());
        let append = append_for::<Content>(id, loaded.version, &events, metadata, vec![])?;
        append_once(&self.db, &append).await
    }

    /// Runs a pass every second until `shutdown`, nudging the relay after publishing.
    pub async fn run(self, nudge: Nudge, shutdown: impl Future) -> Result<(), WorkerError> {
        every_second(
            "publisher",
            || occurring::at(self.clock.business_time(), self.run_due()),
            nudge,
            shutdown,
        )
        .await
    }
}
