//! A projection partition's consumer: takes batches of events off the partition's durable queue,
//! applies each batch in one database transaction (rows and checkpoint), and acknowledges it
//! only after the commit. A crash in between means redelivery, which the projection skips; a
//! message that cannot be decoded is rejected into the dead-letter exchange.

use crate::amqp::{answer, ensure_open};
use crate::error::WorkerError;
use crate::message::decode_for;
use crate::pause::{Backoff, or_shutdown};
use crate::topology::{Topology, name};
use futures::{FutureExt, StreamExt};
use lapin::message::Delivery as AmqpDelivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions, BasicRejectOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Consumer};
use lyceum_projections::{Part, apply_deliveries, catch_up};
use lyceum_store::Db;
use std::future::Future;
use std::time::Duration;

/// Most messages the broker sends ahead of acknowledgements; also the largest batch `run` takes.
pub const PREFETCH: u16 = 256;
/// How long `run` waits for a first message before looking for shutdown again.
const WAIT: Duration = Duration::from_secs(1);

/// Feeds one partition of a projection from its queue.
#[derive(Debug)]
pub struct ProjectionConsumer {
    db: Db,
    channel: Channel,
    consumer: Consumer,
    part: Part,
    queue: String,
}

impl ProjectionConsumer {
    /// Declares the topology and starts consuming the queue of `part` with manual acks and at
    /// most `prefetch` unacknowledged messages.
    pub async fn new(
        db: Db,
        channel: Channel,
        topology: &Topology,
        part: Part,
        prefetch: u16,
    ) -> Result<Self, WorkerError> {
        // Only its own queue: the whole topology is declared once per connection.
        topology.declare_exchanges(&channel).await?;
        topology
            .declare_partition(&channel, part.projection, part.index)
            .await?;
        channel
            .basic_qos(prefetch, BasicQosOptions::default())
            .await?;
        let queue = topology.projection_queue(part.projection, part.index);
        let tag = format!("{queue}.{}", uuid::Uuid::new_v4().simple());
        let consumer = channel
            .basic_consume(
                name(&queue)?,
                name(&tag)?,
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        Ok(Self {
            db,
            channel,
            consumer,
            part,
            queue,
        })
    }

    /// One step: waits up to `wait` for a message, takes whatever else has already arrived (up
    /// to `max_batch` in all), applies the batch and acknowledges it. Returns how many messages
    /// were settled, 0 if none came.
    #[tracing::instrument(skip(self), fields(projection = self.part.projection.name(), partition = self.part.index))]
    pub async fn handle_next(
        &mut self,
        max_batch: usize,
        wait: Duration,
    ) -> Result<usize, WorkerError> {
        let batch = self.receive(max_batch, wait).await?;
        self.process(batch).await
    }

    /// Runs [`Self::handle_next`] until a step finds nothing within `quiet`. Returns the number
    /// of messages settled. For tests and one-off catch-up.
    pub async fn drain(&mut self, quiet: Duration) -> Result<usize, WorkerError> {
        let mut total = 0;
        loop {
            match self.handle_next(usize::from(PREFETCH), quiet).await? {
                0 => return Ok(total),
                settled => total += settled,
            }
        }
    }

    /// Stops consuming and closes the channel; unacknowledged messages go back to the queue.
    pub async fn close(self) -> Result<(), WorkerError> {
        Ok(self.channel.close(200, "OK".into()).await?)
    }

    /// Consumes until `shutdown` completes. It reads the log directly on start and after a
    /// failed batch, so events whose messages were dead-lettered meanwhile, or published while
    /// it was disconnected, are not left behind. It returns an error when the broker channel or
    /// the consumer is lost; the supervisor then starts a new consumer on a new channel.
    pub async fn run(mut self, shutdown: impl Future) -> Result<(), WorkerError> {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut backoff = Backoff::new();
        let mut behind = true;
        loop {
            if behind {
                match catch_up(&self.db, self.part).await {
                    Ok(_) => behind = false,
                    Err(error) => {
                        tracing::warn!(%error, queue = %self.queue, "catch-up failed")
                    }
                }
            }
            // Only the wait is cancelled on shutdown, never a batch in progress.
            let batch = tokio::select! {
                biased;
                _ = shutdown.as_mut() => return self.close().await,
                batch = self.receive(usize::from(PREFETCH), WAIT) => batch?,
            };
            match self.process(batch).await {
                Ok(_) => backoff.reset(),
                Err(error) => {
                    tracing::error!(%error, queue = %self.queue, "batch failed");
                    behind = true;
                    if or_shutdown(tokio::time::sleep(backoff.next_delay()), &mut shutdown).await {
                        return self.close().await;
                    }
                }
            }
        }
    }

    /// Waits up to `wait` for a first message, then takes only what is already there.
    async fn receive(
        &mut self,
        max_batch: usize,
        wait: Duration,
    ) -> Result<Vec<AmqpDelivery>, WorkerError> {
        let mut batch = Vec::new();
        let Ok(mut item) = tokio::time::timeout(wait, self.consumer.next()).await else {
            // Nothing came: make sure that is not because the channel is gone.
            return ensure_open(&self.channel, &self.queue).map(|()| batch);
        };
        loop {
            match item {
                Some(Ok(delivery)) => batch.push(delivery),
                // What this channel delivered can no longer be acknowledged; the broker
                // delivers it again to the consumer that replaces this one.
                Some(Err(error)) => return Err(error.into()),
                None if !self.channel.status().connected() => {
                    return ensure_open(&self.channel, &self.queue).map(|()| batch);
                }
                None => {
                    return Err(WorkerError::ConsumerCancelled {
                        queue: self.queue.clone(),
                    });
                }
            }
            if batch.len() >= max_batch {
                break;
            }
            match self.consumer.next().now_or_never() {
                Some(next) => item = next,
                None => break,
            }
        }
        Ok(batch)
    }

    /// Applies a batch in one transaction, then acknowledges all of it at once.
    async fn process(&self, batch: Vec<AmqpDelivery>) -> Result<usize, WorkerError> {
        let settled = batch.len();
        let mut deliveries = Vec::with_capacity(batch.len());
        let mut last = None;
        for message in batch {
            match decode_for(&message.properties, &message.data, self.part.projection) {
                Ok(delivery) => {
                    deliveries.push(delivery);
                    last = Some(message.acker);
                }
                Err(error) => {
                    tracing::warn!(%error, queue = %self.queue, tag = message.delivery_tag, "undecodable message: dead-lettering it");
                    let reject = message.acker.reject(BasicRejectOptions { requeue: false });
                    answer(Some(&self.channel), "basic.reject", reject).await?;
                }
            }
        }
        let Some(last) = last else {
            return Ok(settled);
        };
        match apply_deliveries(&self.db, self.part, &deliveries).await {
            Ok(checkpoint) => {
                let acked = answer(
                    Some(&self.channel),
                    "basic.ack",
                    last.ack(BasicAckOptions { multiple: true }),
                )
                .await?;
                if !acked {
                    tracing::warn!(
                        checkpoint,
                        "channel lost after the commit: the broker will redeliver, and the projection will skip"
                    );
                }
                Ok(settled)
            }
            Err(error) => {
                let requeue = BasicNackOptions {
                    multiple: true,
                    requeue: true,
                };
                if let Err(nack_error) =
                    answer(Some(&self.channel), "basic.nack", last.nack(requeue)).await
                {
                    tracing::warn!(error = %nack_error, "could not requeue a failed batch");
                }
                Err(error.into())
            }
        }
    }
}
