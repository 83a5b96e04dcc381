//! Feeding the in-process [`LiveFeed`] behind GraphQL subscriptions: from the broker in
//! production (a private queue bound to every event), or by tailing the log in embedded mode.
//! A listener that falls behind misses events (it is told how many); the log stays the source
//! of truth.

use crate::amqp::ensure_open;
use crate::error::WorkerError;
use crate::feed::{LiveFeed, Nudge};
use crate::message::decode;
use crate::pause::{Backoff, or_shutdown};
use crate::topology::Topology;
use futures::StreamExt;
use lapin::options::BasicConsumeOptions;
use lapin::types::FieldTable;
use lapin::{Channel, Consumer};
use lyceum_projections::Delivery;
use lyceum_store::Db;
use lyceum_store::read::{Filter, high_water_mark, read_between};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How often the log tail looks for new events when nobody nudges it.
const IDLE: Duration = Duration::from_millis(100);
/// How long the broker feed waits for a message before checking its channel.
const CHANNEL_CHECK: Duration = Duration::from_secs(1);
/// Most events the log tail reads at once.
const TAIL_BATCH: i64 = 500;

/// Feeds the live feed from a private queue bound to every event on the events exchange.
///
/// Each delivery names the position published just before it, so after a lost connection the
/// new queue's first delivery shows what the feed missed meanwhile; that part is read from the
/// log. Subscribers keep their stream across a broker restart, with nothing skipped.
#[derive(Debug)]
pub struct BrokerFeed {
    db: Db,
    channel: Channel,
    consumer: Consumer,
    feed: LiveFeed,
}

impl BrokerFeed {
    /// Declares the topology and a private queue of its own, and starts consuming it. Events
    /// published from now on reach the feed; a new feed starts at the log's high-water mark.
    /// A feed that lost its broker first publishes, from the log, what was appended up to now:
    /// the relay may have published it while no queue of the feed's was bound, and no later
    /// delivery need come to show the gap.
    pub async fn new(
        db: Db,
        channel: Channel,
        topology: &Topology,
        feed: LiveFeed,
    ) -> Result<Self, WorkerError> {
        topology.declare(&channel).await?;
        let queue = topology.declare_live_queue(&channel).await?;
        // No acks: a missed live update costs nothing, and nothing here is ever redelivered.
        let options = BasicConsumeOptions {
            no_ack: true,
            exclusive: true,
            ..BasicConsumeOptions::default()
        };
        let consumer = channel
            .basic_consume(queue, "".into(), options, FieldTable::default())
            .await?;
        let now = high_water_mark(&db).await?;
        let published = feed.resume_from(now);
        let live = Self {
            db,
            channel,
            consumer,
            feed,
        };
        live.fill(published, now).await?;
        Ok(live)
    }

    /// Publishes every event that arrives until `shutdown`. Returns an error when the channel
    /// or the consumer is lost; the supervisor then starts a new feed on a new queue.
    pub async fn run(mut self, shutdown: impl Future) -> Result<(), WorkerError> {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let item = tokio::select! {
                biased;
                _ = shutdown.as_mut() => return Ok(()),
                item = self.consumer.next() => item,
                _ = tokio::time::sleep(CHANNEL_CHECK) => {
                    // Quiet: make sure that is not because the channel is gone.
                    ensure_open(&self.channel, "live feed")?;
                    continue;
                }
            };
            match item {
                Some(Ok(message)) => match decode(&message.properties, &message.data) {
                    Ok(delivery) => self.accept(delivery).await,
                    Err(error) => tracing::warn!(%error, "undecodable message on the live queue"),
                },
                Some(Err(error)) => return Err(error.into()),
                None => {
                    ensure_open(&self.channel, "live feed")?;
                    return Err(WorkerError::ConsumerCancelled {
                        queue: self.consumer.queue().to_string(),
                    });
                }
            }
        }
    }

    /// Publishes `delivery` after whatever the feed missed before it; skips what the feed has
    /// published already (a relay publishes a batch again when its confirms were lost).
    async fn accept(&self, delivery: Delivery) {
        let published = self.feed.published().unwrap_or(delivery.previous);
        if delivery.event.position <= published {
            return;
        }
        if delivery.previous > published
            && let Err(error) = self.fill(published, delivery.previous).await
        {
            tracing::warn!(%error, after = published, "live feed: could not read what it missed");
        }
        self.feed.publish(Arc::new(delivery.event));
    }

    /// Publishes the events after `after` up to and including `up_to`, from the log.
    async fn fill(&self, mut after: i64, up_to: i64) -> Result<(), WorkerError> {
        while after < up_to {
            let events =
                read_between(&self.db, after, up_to, TAIL_BATCH, &Filter::default()).await?;
            let Some(last) = events.last().map(|event| event.position) else {
                break;
            };
            tracing::debug!(
                count = events.len(),
                after,
                "live feed: filling a gap from the log"
            );
            for event in events {
                self.feed.publish(Arc::new(event));
            }
            // Let listeners take this batch before the next one comes.
            tokio::task::yield_now().await;
            after = last;
        }
        Ok(())
    }
}

/// Follows the log itself and publishes what is appended, for embedded mode.
#[derive(Debug)]
pub struct LogTail {
    db: Db,
    feed: LiveFeed,
    last: i64,
}

impl LogTail {
    /// Starts where the feed stopped publishing, or for a new feed at the log's current
    /// high-water mark: only new events go to the feed.
    pub async fn new(db: Db, feed: LiveFeed) -> Result<Self, WorkerError> {
        let last = feed.resume_from(high_water_mark(&db).await?);
        Ok(Self { db, feed, last })
    }

    /// Publishes the events appended since the last step, up to the high-water mark. Returns
    /// how many.
    #[tracing::instrument(skip(self), fields(last = self.last))]
    pub async fn step(&mut self) -> Result<usize, WorkerError> {
        let hwm = high_water_mark(&self.db).await?;
        let mut published = 0;
        while self.last < hwm {
            let events =
                read_between(&self.db, self.last, hwm, TAIL_BATCH, &Filter::default()).await?;
            let Some(last) = events.last().map(|event| event.position) else {
                break;
            };
            published += events.len();
            for event in events {
                self.feed.publish(Arc::new(event));
            }
            self.last = last;
        }
        Ok(published)
    }

    /// Steps on every nudge, or every 100 ms, until `shutdown`.
    pub async fn run(mut self, nudge: Nudge, shutdown: impl Future) -> Result<(), WorkerError> {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut backoff = Backoff::new();
        loop {
            let pause = match self.step().await {
                Ok(_) => {
                    backoff.reset();
                    IDLE
                }
                Err(error) => {
                    tracing::warn!(%error, "live feed: reading the log failed");
                    backoff.next_delay()
                }
            };
            if or_shutdown(nudge.wait(pause), &mut shutdown).await {
                return Ok(());
            }
        }
    }
}
