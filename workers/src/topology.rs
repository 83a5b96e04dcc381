//! The names and shapes of everything the bus needs on the broker: the events exchange, durable
//! quorum queues for each projection (one per partition, bound only to the events the projection
//! handles in that partition), and the dead-letter exchange and queue where poison messages end
//! up. Declaring is idempotent, so every process declares on start.

use crate::error::WorkerError;
use lapin::options::{
    ExchangeDeclareOptions, ExchangeDeleteOptions, QueueBindOptions, QueueDeclareOptions,
    QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{Channel, ExchangeKind};
use lyceum_projections::Projection;
use lyceum_projections::partition::DEFAULT_PARTITIONS;

/// How many times a quorum queue delivers a message before dead-lettering it.
pub const DELIVERY_LIMIT: i32 = 5;
/// Binding key that matches every routing key on a topic exchange.
const EVERYTHING: &str = "#";

/// The broker objects of one Lyceum installation, all named after a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    pub prefix: String,
    /// How many partitions each projection's events are split into (by space).
    pub partitions: u16,
}

impl Default for Topology {
    fn default() -> Self {
        Self::new("lyceum")
    }
}

impl Topology {
    /// A topology whose names all start with `prefix` (tests use a random one).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            partitions: DEFAULT_PARTITIONS,
        }
    }

    /// The same topology with each projection split into `partitions` (at least one).
    pub fn with_partitions(mut self, partitions: u16) -> Self {
        self.partitions = partitions.max(1);
        self
    }

    /// Every projection's partitions, in a stable order.
    pub fn all_partitions(&self) -> impl Iterator<Item = (Projection, u16)> + '_ {
        Projection::ALL
            .into_iter()
            .flat_map(move |projection| (0..self.partitions).map(move |k| (projection, k)))
    }

    /// The topic exchange the relay publishes to, with routing key
    /// `<aggregate>.<EventType>.<partition>`.
    pub fn events_exchange(&self) -> String {
        format!("{}.events", self.prefix)
    }

    /// The fanout exchange that receives rejected and over-delivered messages.
    pub fn dead_exchange(&self) -> String {
        format!("{}.dead", self.prefix)
    }

    /// The queue that keeps dead-lettered messages for inspection.
    pub fn dead_queue(&self) -> String {
        format!("{}.dead", self.prefix)
    }

    /// The durable queue of one partition of a projection.
    pub fn projection_queue(&self, projection: Projection, partition: u16) -> String {
        format!(
            "{}.projection.{}.{partition}",
            self.prefix,
            projection.name()
        )
    }

    /// The one queue per projection of earlier versions, bound to every event; removed on
    /// declare, as the log and the partition checkpoints supersede what it held.
    fn legacy_queue(&self, projection: Projection) -> String {
        format!("{}.projection.{}", self.prefix, projection.name())
    }

    /// The name of the relay's checkpoint: one per installation.
    pub fn relay_checkpoint(&self) -> String {
        format!("relay:{}", self.prefix)
    }

    /// Declares the exchanges and queues, and binds them. Safe to repeat.
    #[tracing::instrument(skip(channel))]
    pub async fn declare(&self, channel: &Channel) -> Result<(), WorkerError> {
        self.declare_exchanges(channel).await?;
        for (projection, partition) in self.all_partitions() {
            self.declare_partition(channel, projection, partition)
                .await?;
        }
        for projection in Projection::ALL {
            channel
                .queue_delete(
                    name(&self.legacy_queue(projection))?,
                    QueueDeleteOptions::default(),
                )
                .await?;
        }
        Ok(())
    }

    /// Declares the exchanges and the dead-letter queue. Safe to repeat.
    pub async fn declare_exchanges(&self, channel: &Channel) -> Result<(), WorkerError> {
        let durable = ExchangeDeclareOptions {
            durable: true,
            ..ExchangeDeclareOptions::default()
        };
        let events = self.events_exchange();
        let dead = self.dead_exchange();
        channel
            .exchange_declare(
                name(&events)?,
                ExchangeKind::Topic,
                durable,
                FieldTable::default(),
            )
            .await?;
        channel
            .exchange_declare(
                name(&dead)?,
                ExchangeKind::Fanout,
                durable,
                FieldTable::default(),
            )
            .await?;
        let dead_queue = self.dead_queue();
        channel
            .queue_declare(
                name(&dead_queue)?,
                QueueDeclareOptions::durable(),
                FieldTable::default(),
            )
            .await?;
        channel
            .queue_bind(
                name(&dead_queue)?,
                name(&dead)?,
                "".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        Ok(())
    }

    /// Declares one partition's queue, bound to the events its projection handles in that
    /// partition. Safe to repeat; the exchanges must exist.
    pub async fn declare_partition(
        &self,
        channel: &Channel,
        projection: Projection,
        partition: u16,
    ) -> Result<(), WorkerError> {
        let queue = self.projection_queue(projection, partition);
        channel
            .queue_declare(
                name(&queue)?,
                QueueDeclareOptions::durable(),
                self.projection_queue_arguments(),
            )
            .await?;
        for interest in projection.interests() {
            let key = format!("{}.{partition}", interest.binding_key());
            channel
                .queue_bind(
                    name(&queue)?,
                    name(&self.events_exchange())?,
                    name(&key)?,
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await?;
        }
        Ok(())
    }

    /// Quorum queues survive a broker node; the delivery limit turns a message that keeps
    /// failing into a dead letter instead of a loop.
    fn projection_queue_arguments(&self) -> FieldTable {
        let mut arguments = FieldTable::default();
        arguments.insert(
            "x-queue-type".into(),
            AMQPValue::LongString("quorum".into()),
        );
        arguments.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString(self.dead_exchange().into()),
        );
        arguments.insert(
            "x-delivery-limit".into(),
            AMQPValue::LongInt(DELIVERY_LIMIT),
        );
        arguments
    }

    /// A new name for a process's private live queue. Client-named, so a queue declared again
    /// after a lost connection never carries a server-generated (`amq.gen-…`) name, which the
    /// broker refuses from clients.
    pub fn live_queue(&self) -> String {
        format!("{}.live.{}", self.prefix, uuid::Uuid::new_v4().simple())
    }

    /// Declares a private queue bound to every event, for a process's live feed, under a new
    /// name. It disappears with the connection. Returns its name.
    #[tracing::instrument(skip(channel))]
    pub async fn declare_live_queue(&self, channel: &Channel) -> Result<ShortString, WorkerError> {
        let queue_name = name(&self.live_queue())?;
        channel
            .queue_declare(
                queue_name.clone(),
                QueueDeclareOptions::exclusive().auto_delete(),
                FieldTable::default(),
            )
            .await?;
        channel
            .queue_bind(
                queue_name.clone(),
                name(&self.events_exchange())?,
                EVERYTHING.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        Ok(queue_name)
    }

    /// Checks that every name this topology makes is one the broker takes, so a bad prefix
    /// stops the process at start instead of failing each reconnection.
    pub fn validate(&self) -> Result<(), WorkerError> {
        let mut names = vec![
            self.events_exchange(),
            self.dead_exchange(),
            self.dead_queue(),
            self.live_queue(),
        ];
        names.extend(
            self.all_partitions()
                .map(|(p, k)| self.projection_queue(p, k)),
        );
        for value in names {
            let tag = format!("{value}.{}", uuid::Uuid::new_v4().simple());
            name(&tag)?;
        }
        Ok(())
    }

    /// Deletes everything [`Topology::declare`] created, messages included. For tests and
    /// decommissioning.
    #[tracing::instrument(skip(channel))]
    pub async fn delete(&self, channel: &Channel) -> Result<(), WorkerError> {
        let mut queues: Vec<String> = self
            .all_partitions()
            .map(|(p, k)| self.projection_queue(p, k))
            .collect();
        queues.push(self.dead_queue());
        for queue in queues {
            channel
                .queue_delete(name(&queue)?, QueueDeleteOptions::default())
                .await?;
        }
        for exchange in [self.events_exchange(), self.dead_exchange()] {
            channel
                .exchange_delete(name(&exchange)?, ExchangeDeleteOptions::default())
                .await?;
        }
        Ok(())
    }
}

/// AMQP names are at most 255 bytes; a longer prefix is a configuration error, not a panic.
pub(crate) fn name(value: &str) -> Result<ShortString, WorkerError> {
    ShortString::try_new(value).map_err(|_| WorkerError::InvalidName(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_prefix() {
        let topology = Topology::default();
        assert_eq!(topology.events_exchange(), "lyceum.events");
        assert_eq!(topology.dead_exchange(), "lyceum.dead");
        assert_eq!(
            topology.projection_queue(Projection::Spaces, 3),
            "lyceum.projection.spaces.3"
        );
        assert_eq!(topology.all_partitions().count(), 13 * 4);
        assert_eq!(topology.relay_checkpoint(), "relay:lyceum");
        assert!(topology.live_queue().starts_with("lyceum.live."));
        assert_ne!(topology.live_queue(), topology.live_queue());
    }

    #[test]
    fn a_prefix_too_long_for_the_broker_is_refused_up_front() {
        assert!(Topology::default().validate().is_ok());
        let error = Topology::new("p".repeat(250)).validate();
        assert!(error.is_err_and(|error| error.is_permanent()));
    }
}
