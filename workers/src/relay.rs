//! The relay: publishes the log to RabbitMQ in position order, up to the high-water mark, with
//! publisher confirms, and moves its checkpoint only after the broker has confirmed every event
//! of a batch. A crash in between means the batch is published again, which consumers skip.
//! Each event is routed to its partition (by space) of the projections that handle it, and
//! tells each of them where the previous event of that partition was, so a consumer reads the
//! log only when something really went missing.

use crate::amqp::{answer, ensure_open};
use crate::error::WorkerError;
use crate::feed::Nudge;
use crate::leadership::{Leadership, acquire_leadership};
use crate::message::Message;
use crate::pause::{Backoff, or_shutdown};
use crate::topology::{Topology, name};
use futures::FutureExt;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::ShortString;
use lapin::{Channel, Confirmation, PublisherConfirm};
use lyceum_projections::Projection;
use lyceum_projections::partition::partition_of;
use lyceum_store::read::{Filter, checkpoint, high_water_mark, read_between};
use lyceum_store::{Db, StoredEvent, checkpoints};
use sqlx::Connection;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long the relay sleeps when the log has nothing new and nobody nudges it.
const IDLE: Duration = Duration::from_millis(100);
/// How often a relay on standby tries to take the lead.
const STANDBY_RETRY: Duration = Duration::from_secs(1);
/// How often the leader checks that its lock connection is still alive.
const LEADERSHIP_CHECK: Duration = Duration::from_secs(5);

/// Counters of the events the relay published, and of those the broker confirmed.
pub const PUBLISHED: &str = "lyceum_relay_events_published_total";
pub const CONFIRMED: &str = "lyceum_relay_events_confirmed_total";

/// Publishes the log to the events exchange.
#[derive(Debug)]
pub struct Relay {
    db: Db,
    channel: Channel,
    exchange: ShortString,
    checkpoint: String,
    batch: i64,
    partitions: u16,
    /// The last confirmed event of each projection's partition since this relay began, so
    /// each message can say where the one before it in that partition was.
    last_in: Mutex<HashMap<(Projection, u16), i64>>,
}

impl Relay {
    /// Declares the topology and switches `channel` to confirm mode. `batch` is the most
    /// events published before waiting for the broker's confirms.
    pub async fn new(
        db: Db,
        channel: Channel,
        topology: Topology,
        batch: i64,
    ) -> Result<Self, WorkerError> {
        topology.declare(&channel).await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(Self {
            db,
            channel,
            exchange: name(&topology.events_exchange())?,
            checkpoint: topology.relay_checkpoint(),
            batch: batch.max(1),
            partitions: topology.partitions,
            last_in: Mutex::default(),
        })
    }

    /// The message for `event`, after `after` (the checkpoint this batch started from) and
    /// `previous` (the event just before it), noting it as the last of its partitions in `last`,
    /// and whether any read model wants it.
    fn message(
        &self,
        event: &StoredEvent,
        after: i64,
        previous: i64,
        last: &mut HashMap<(Projection, u16), i64>,
    ) -> Result<(Message, bool), WorkerError> {
        let partition = partition_of(event, self.partitions);
        let mut previous_in = Vec::new();
        for projection in Projection::ALL.into_iter().filter(|p| p.wants(event)) {
            // Nothing of this partition was published between `after` and this batch's events
            // noted in `last`, and everything up to `after` was published before.
            let before = last
                .insert((projection, partition), event.position)
                .unwrap_or(after);
            previous_in.push((projection, before));
        }
        let wanted = !previous_in.is_empty();
        let message = Message::new(event, previous, partition)?.with_previous_in(&previous_in);
        Ok((message, wanted))
    }

    /// Publishes the next batch after the checkpoint and, once all of it is confirmed, moves
    /// the checkpoint. Returns how many events were published. Call it only while leading.
    #[tracing::instrument(skip(self), fields(checkpoint = %self.checkpoint))]
    pub async fn step(&self) -> Result<usize, WorkerError> {
        let after = checkpoint(&self.db, &self.checkpoint).await?;
        let hwm = high_water_mark(&self.db).await?;
        if hwm <= after {
            return Ok(0);
        }
        let events = read_between(&self.db, after, hwm, self.batch, &Filter::default()).await?;
        let Some(end) = events.last().map(|event| event.position) else {
            return Ok(0);
        };
        // Publish the whole batch before waiting, so confirms arrive pipelined; the broker
        // answers the batch as a whole or the relay starts again on a new channel.
        let mut last = self.last_in().clone();
        let publishing = async {
            let mut pending = Vec::with_capacity(events.len());
            let mut previous = after;
            for event in &events {
                // Mandatory when a projection takes it: an event its queues do not take comes
                // back instead of vanishing. One no projection handles may go to no queue.
                let (message, mandatory) = self.message(event, after, previous, &mut last)?;
                pending.push((event.position, self.publish(&message, mandatory).await?));
                previous = event.position;
            }
            Ok::<_, WorkerError>(pending)
        };
        let pending = answer(Some(&self.channel), "basic.publish", publishing).await?;
        metrics::counter!(PUBLISHED).increment(pending.len() as u64);
        let confirming = async {
            for (position, confirm) in pending {
                confirmed(position, confirm.await?)?;
            }
            Ok::<_, WorkerError>(())
        };
        answer(Some(&self.channel), "publisher confirms", confirming).await?;
        metrics::counter!(CONFIRMED).increment(events.len() as u64);
        let published: Vec<(String, i64)> = {
            let before = self.last_in();
            last.iter()
                .filter(|(key, position)| before.get(key) != Some(position))
                .map(|((projection, partition), position)| {
                    (
                        checkpoints::published_name(projection.name(), *partition),
                        *position,
                    )
                })
                .collect()
        };
        let mut conn = self.db.writer().acquire().await?;
        let mut tx = conn.begin().await?;
        checkpoints::save_relayed(&mut tx, &self.checkpoint, end, &published).await?;
        tx.commit().await?;
        self.db.checkpoints_moved();
        // Only what the broker confirmed and the checkpoint covers is remembered.
        *self.last_in() = last;
        tracing::debug!(count = events.len(), end, "published");
        Ok(events.len())
    }

    fn last_in(&self) -> std::sync::MutexGuard<'_, HashMap<(Projection, u16), i64>> {
        self.last_in
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn publish(
        &self,
        message: &Message,
        mandatory: bool,
    ) -> Result<PublisherConfirm, WorkerError> {
        let options = BasicPublishOptions {
            mandatory,
            ..BasicPublishOptions::default()
        };
        Ok(self
            .channel
            .basic_publish(
                self.exchange.clone(),
                name(&message.routing_key)?,
                options,
                &message.body,
                message.properties.clone(),
            )
            .await?)
    }

    /// Relays until `shutdown` completes: waits on standby while another relay leads, then
    /// publishes whenever the log grows (on a nudge, or every 100 ms). Database errors are
    /// logged and retried with back-off. A broker error ends the run (after releasing the lead)
    /// so that the supervisor starts a relay on a new channel, which resumes at the checkpoint.
    pub async fn run(self, nudge: Nudge, shutdown: impl Future) -> Result<(), WorkerError> {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let Some(leadership) = self.lead(&mut shutdown).await? else {
                return Ok(());
            };
            let (leadership, outcome) = self.relay(leadership, &nudge, &mut shutdown).await;
            if let Some(leadership) = leadership {
                // Shutting down or reconnecting: let a standby relay take over at once.
                if let Err(error) = leadership.release().await {
                    tracing::warn!(%error, "could not release the relay lock");
                }
                return outcome;
            }
        }
    }

    /// Waits until this relay leads, or `None` on shutdown; an error once its channel closed.
    async fn lead<S: Future + ?Sized>(
        &self,
        shutdown: &mut std::pin::Pin<&mut S>,
    ) -> Result<Option<Leadership>, WorkerError> {
        let mut announced = false;
        loop {
            ensure_open(&self.channel, "relay")?;
            match acquire_leadership(&self.db).await {
                Ok(Some(leadership)) => {
                    tracing::info!(checkpoint = %self.checkpoint, "relay leading");
                    // Another relay may have published meanwhile.
                    self.last_in().clear();
                    return Ok(Some(leadership));
                }
                Ok(None) if !announced => {
                    tracing::info!("another relay leads: standby");
                    announced = true;
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "could not try the relay lock"),
            }
            if or_shutdown(tokio::time::sleep(STANDBY_RETRY), shutdown).await {
                return Ok(None);
            }
        }
    }

    /// Publishes while the lead lasts. Returns the leadership with `Ok` on shutdown, with the
    /// error when the broker failed, and `None` once the lead is lost.
    async fn relay<S: Future + ?Sized>(
        &self,
        mut leadership: Leadership,
        nudge: &Nudge,
        shutdown: &mut std::pin::Pin<&mut S>,
    ) -> (Option<Leadership>, Result<(), WorkerError>) {
        let mut backoff = Backoff::new();
        let mut checked = Instant::now();
        loop {
            if checked.elapsed() >= LEADERSHIP_CHECK {
                if !leadership.is_held().await {
                    tracing::warn!("lost the relay lock's connection: back to standby");
                    return (None, Ok(()));
                }
                checked = Instant::now();
            }
            let step = match ensure_open(&self.channel, "relay") {
                Ok(()) => self.step().await,
                Err(error) => Err(error),
            };
            let pause = match step {
                Ok(0) => nudge.wait(IDLE).boxed(),
                Ok(_) => {
                    backoff.reset();
                    futures::future::ready(()).boxed()
                }
                Err(error) if error.is_broker() => return (Some(leadership), Err(error)),
                Err(error) => {
                    tracing::error!(%error, "relay step failed");
                    tokio::time::sleep(backoff.next_delay()).boxed()
                }
            };
            if or_shutdown(pause, shutdown).await {
                return (Some(leadership), Ok(()));
            }
        }
    }
}

fn confirmed(position: i64, confirmation: Confirmation) -> Result<(), WorkerError> {
    let reason = match confirmation {
        Confirmation::Ack(None) => return Ok(()),
        Confirmation::Ack(Some(returned)) => format!("returned: {}", returned.reply_text),
        Confirmation::Nack(_) => "nacked".to_owned(),
        Confirmation::NotRequested => "publisher confirms are off".to_owned(),
    };
    Err(WorkerError::NotConfirmed { position, reason })
}
