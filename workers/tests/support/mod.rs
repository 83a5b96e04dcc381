//! Test support: every test gets its own database and its own broker names, and waits on
//! conditions with a deadline instead of sleeping.

use lapin::options::{BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Channel, Confirmation, Connection};
use lyceum_projections::{Delivery, Part, Projection};
use lyceum_store::Db;
use lyceum_store::append::append;
use lyceum_store::testing::space_created;
use lyceum_workers::message::{Message, decode};
use lyceum_workers::{ProjectionConsumer, Topology, amqp};
use std::future::Future;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type TestResult<T = ()> = Result<T, Error>;

/// How long any condition may take before a test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The broker tests use, overridable with `LYCEUM_TEST_AMQP`.
pub fn amqp_url() -> String {
    std::env::var("LYCEUM_TEST_AMQP")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned())
}

/// A migrated Postgres database, a broker connection and a topology of the test's own.
pub struct TestBus {
    pub url: String,
    pub db: Db,
    pub topology: Topology,
    pub connection: Connection,
}

impl TestBus {
    pub async fn new() -> TestResult<Self> {
        let url = lyceum_store::testing::fresh_postgres_url().await?;
        let db = Db::connect(&url).await?;
        lyceum_store::migrate::run(
            &db,
            &[
                lyceum_store::migrate::migrations(),
                lyceum_projections::migrations(),
            ],
        )
        .await?;
        // One partition per projection, so each test sees every event in one queue.
        let topology = Topology::new(format!("t{}", Uuid::new_v4().simple())).with_partitions(1);
        let connection = amqp::connect(&amqp_url()).await?;
        topology
            .declare(&connection.create_channel().await?)
            .await?;
        Ok(Self {
            url,
            db,
            topology,
            connection,
        })
    }

    pub async fn channel(&self) -> TestResult<Channel> {
        Ok(self.connection.create_channel().await?)
    }

    /// A consumer for `projection` (its one partition) on a channel of its own.
    pub async fn consumer(&self, projection: Projection) -> TestResult<ProjectionConsumer> {
        self.consumer_of(only_part(projection)).await
    }

    /// A consumer for one partition on a channel of its own.
    pub async fn consumer_of(&self, part: Part) -> TestResult<ProjectionConsumer> {
        Ok(ProjectionConsumer::new(
            self.db.clone(),
            self.channel().await?,
            &self.topology,
            part,
            256,
        )
        .await?)
    }

    /// The queue of `projection`'s one partition.
    pub fn queue(&self, projection: Projection) -> String {
        self.topology.projection_queue(projection, 0)
    }

    /// Publishes `message` to the events exchange and waits for the broker's confirm.
    pub async fn publish_raw(
        &self,
        routing_key: &str,
        body: &[u8],
        properties: BasicProperties,
    ) -> TestResult {
        let channel = self.channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        let confirmation = channel
            .basic_publish(
                self.topology.events_exchange().as_str().into(),
                routing_key.into(),
                BasicPublishOptions::default(),
                body,
                properties,
            )
            .await?
            .await?;
        assert_eq!(confirmation, Confirmation::Ack(None));
        channel.close(200, "OK".into()).await?;
        Ok(())
    }

    /// Publishes an event as the relay would have, right after `previous`.
    pub async fn publish(&self, message: &Message) -> TestResult {
        self.publish_raw(
            &message.routing_key,
            &message.body,
            message.properties.clone(),
        )
        .await
    }

    /// Takes every message now in `queue` off it (no ack), decoded.
    pub async fn take_all(&self, queue: &str) -> TestResult<Vec<Delivery>> {
        let channel = self.channel().await?;
        let mut taken = Vec::new();
        while let Some(message) = channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: true })
            .await?
        {
            taken.push(decode(&message.properties, &message.data)?);
        }
        channel.close(200, "OK".into()).await?;
        Ok(taken)
    }

    /// A checkpoint: the lowest of a projection's partitions, or the relay's.
    pub async fn checkpoint(&self, name: &str) -> TestResult<i64> {
        Ok(lyceum_store::read::lowest_partition_checkpoint(&self.db, name).await?)
    }

    /// How far a read model has applied the log (the lowest of its partitions).
    pub async fn projection_checkpoint(&self, projection: Projection) -> TestResult<i64> {
        Ok(lyceum_projections::checkpoint_of(&self.db, projection).await?)
    }

    /// Removes the test's exchanges and queues.
    pub async fn cleanup(self) -> TestResult {
        let channel = self.channel().await?;
        self.topology.delete(&channel).await?;
        // Closed before the connection, which would otherwise race the channel's own close.
        channel.close(200, "OK".into()).await?;
        self.connection.close(200, "OK".into()).await?;
        self.db.close().await;
        Ok(())
    }
}

/// Appends a `SpaceCreated` event for a new space. Returns its id and position.
pub async fn create_space(db: &Db) -> TestResult<(Uuid, i64)> {
    let request = space_created(&format!("s-{}", Uuid::new_v4().simple()))?;
    let position = append(db, &request, None)
        .await?
        .ok_or("append wrote nothing")?;
    Ok((request.aggregate_id, position))
}

/// Creates `n` spaces; returns their ids and positions in order.
pub async fn create_spaces(db: &Db, n: usize) -> TestResult<Vec<(Uuid, i64)>> {
    let mut spaces = Vec::with_capacity(n);
    for _ in 0..n {
        spaces.push(create_space(db).await?);
    }
    Ok(spaces)
}

/// The ids in the spaces read model, sorted.
pub async fn space_rows(db: &Db) -> TestResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM rm_spaces ORDER BY id")
        .fetch_all(db.reader())
        .await?)
}

pub fn sorted_ids(spaces: &[(Uuid, i64)]) -> Vec<String> {
    let mut ids: Vec<String> = spaces.iter().map(|(id, _)| id.to_string()).collect();
    ids.sort();
    ids
}

/// Steps `consumer` until the projection's checkpoint reaches `target`. Returns how many
/// messages it settled.
pub async fn consume_until(
    consumer: &mut ProjectionConsumer,
    db: &Db,
    projection: Projection,
    target: i64,
) -> TestResult<usize> {
    let start = Instant::now();
    let mut settled = 0;
    while lyceum_projections::checkpoint_of(db, projection).await? < target {
        if start.elapsed() > DEADLINE {
            let name = projection.name();
            return Err(format!("timed out waiting for {name} to reach {target}").into());
        }
        settled += consumer
            .handle_next(256, Duration::from_millis(200))
            .await?;
    }
    Ok(settled)
}

/// The one partition of `projection` when it has only one.
pub fn only_part(projection: Projection) -> Part {
    Part {
        projection,
        index: 0,
        count: 1,
    }
}

/// Retries `check` until it returns true, failing after [`DEADLINE`].
pub async fn eventually<F, Fut>(what: &str, mut check: F) -> TestResult
where
    F: FnMut() -> Fut,
    Fut: Future<Output = TestResult<bool>>,
{
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        if check().await? {
            return Ok(());
        }
        if start.elapsed() > DEADLINE {
            return Err(format!("timed out waiting for {what}").into());
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}
