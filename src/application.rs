//! The application: one process running the API, the relay, the projection consumers and the
//! live feed under one supervisor. With an AMQP URL the bus is RabbitMQ; without one it is the
//! in-process bus, where the log itself is the durable queue.

use crate::config::Config;
use anyhow::Context;
use lyceum_api::AppState;
use lyceum_projections::Projection;
use lyceum_store::Db;
use lyceum_store::clock::{Clock, SystemClock};
use lyceum_workers::publisher::Publisher;
use lyceum_workers::scheduler::Scheduler;
use lyceum_workers::{
    BrokerFeed, LiveFeed, LogTail, Nudge, ProjectionConsumer, Relay, Supervisor, Topology,
};
use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Events the relay publishes before it waits for the broker's confirms.
const RELAY_BATCH: i64 = 500;
/// Unacknowledged messages a consumer may hold.
const PREFETCH: u16 = 256;

/// A stop signal every task can wait on.
#[derive(Clone)]
pub struct Stop(watch::Sender<bool>);

impl Stop {
    pub fn new() -> Self {
        Self(watch::channel(false).0)
    }

    /// Completes once [`Stop::stop`] was called.
    pub fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut receiver = self.0.subscribe();
        async move {
            let _ = receiver.wait_for(|stopped| *stopped).await;
        }
    }

    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl Default for Stop {
    fn default() -> Self {
        Self::new()
    }
}

/// A built, running application.
pub struct Application {
    port: u16,
    db: Db,
    api_db: Db,
    tasks: Supervisor,
    stop: Stop,
    server: actix_web::dev::ServerHandle,
    _broker: Option<lapin::Connection>,
}

/// What runs besides the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub api: bool,
    pub relay: bool,
    pub consumers: bool,
}

impl Roles {
    pub const ALL: Roles = Roles {
        api: true,
        relay: true,
        consumers: true,
    };
}

/// What the workers of one process share.
pub struct Wiring<'a> {
    pub config: &'a Config,
    pub db: &'a Db,
    pub feed: &'a LiveFeed,
    pub nudge: &'a Nudge,
    pub stop: &'a Stop,
    pub clock: &'a Arc<dyn Clock>,
}

/// Starts the relay, consumers and live feed for `roles` on `tasks`. Returns the broker
/// connection to keep alive, if there is one.
pub async fn start_workers(
    wiring: &Wiring<'_>,
    roles: Roles,
    projections: &[Projection],
    tasks: &mut Supervisor,
) -> anyhow::Result<Option<lapin::Connection>> {
    let Wiring {
        config,
        db,
        feed,
        nudge,
        stop,
        ..
    } = *wiring;
    if roles.consumers {
        start_webhooks(wiring, tasks);
        let scheduler = Scheduler::new(wiring.db.clone(), wiring.clock.clone());
        tasks.spawn(
            "billing scheduler",
            scheduler.run(wiring.nudge.clone(), wiring.stop.stopped()),
        );
        let publisher = Publisher::new(wiring.db.clone(), wiring.clock.clone());
        tasks.spawn(
            "scheduled publisher",
            publisher.run(wiring.nudge.clone(), wiring.stop.stopped()),
        );
    }
    let Some(url) = &config.amqp_url else {
        if roles.consumers {
            for &projection in projections {
                tasks.spawn(
                    format!("projection {}", projection.name()),
                    lyceum_workers::embedded::run_projection(
                        db.clone(),
                        projection,
                        nudge.clone(),
                        stop.stopped(),
                    ),
                );
            }
        }
        if roles.api {
            let tail = LogTail::new(db.clone(), feed.clone()).await?;
            tasks.spawn("live feed", tail.run(nudge.clone(), stop.stopped()));
        }
        return Ok(None);
    };
    let connection = lyceum_workers::amqp::connect(url.expose())
        .await
        .context("connecting to RabbitMQ")?;
    let topology = Topology::new(config.amqp_prefix.clone());
    if roles.relay {
        let channel = connection.create_channel().await?;
        let relay = Relay::new(db.clone(), channel, topology.clone(), RELAY_BATCH).await?;
        tasks.spawn("relay", relay.run(nudge.clone(), stop.stopped()));
    }
    if roles.consumers {
        for &projection in projections {
            let channel = connection.create_channel().await?;
            let consumer =
                ProjectionConsumer::new(db.clone(), channel, &topology, projection, PREFETCH)
                    .await?;
            tasks.spawn(
                format!("consumer {}", projection.name()),
                consumer.run(stop.stopped()),
            );
        }
    }
    if roles.api {
        let channel = connection.create_channel().await?;
        let live = BrokerFeed::new(channel, &topology, feed.clone()).await?;
        tasks.spawn("live feed", live.run(stop.stopped()));
    }
    Ok(Some(connection))
}

/// The webhook fan-out and sender. Both tail the log in either mode (the log is the source of
/// truth, and the fan-out's checkpoint makes queueing exactly once), so they need no broker.
fn start_webhooks(wiring: &Wiring<'_>, tasks: &mut Supervisor) {
    use lyceum_workers::webhooks::{Sender, run_fan_out, run_sender};
    let wake = Nudge::default();
    let db = wiring.db.clone();
    tasks.spawn(
        "webhook fan-out",
        run_fan_out(
            db.clone(),
            wiring.nudge.clone(),
            wake.clone(),
            wiring.stop.stopped(),
        ),
    );
    let sender = Sender::new(db, wiring.config.allow_private_webhooks);
    tasks.spawn(
        "webhook sender",
        run_sender(sender, wake, wiring.stop.stopped()),
    );
}

impl Application {
    /// Connects, migrates, starts the workers and binds the HTTP server.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`Application::build`] on a given clock (tests move a manual one).
    pub async fn build_with_clock(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = config.connect().await?;
        let feed = LiveFeed::default();
        let nudge = Nudge::default();
        let stop = Stop::new();
        let mut tasks = Supervisor::new();
        let wiring = Wiring {
            config,
            db: &db,
            feed: &feed,
            nudge: &nudge,
            stop: &stop,
            clock: &clock,
        };
        let broker = start_workers(&wiring, Roles::ALL, &Projection::ALL, &mut tasks).await?;
        let listener =
            TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let api_db = db.counted();
        let mut state = AppState::new(api_db.clone(), feed, nudge);
        state.allow_private_webhooks = config.allow_private_webhooks;
        state.clock = clock;
        let server = lyceum_api::serve(listener, state, config.http_workers)
            .context("starting the HTTP server")?;
        let handle = server.handle();
        tasks.spawn("api", server);
        Ok(Self {
            port,
            db,
            api_db,
            tasks,
            stop,
            server: handle,
            _broker: broker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The API's handle on the database, whose read count is the API's alone.
    pub fn api_db(&self) -> &Db {
        &self.api_db
    }

    /// Runs until `shutdown` completes or a task fails, then stops everything gracefully.
    pub async fn run_until_stopped(mut self, shutdown: impl Future) -> anyhow::Result<()> {
        let outcome = tokio::select! {
            _ = shutdown => Ok(()),
            failed = self.tasks.wait() => failed.context("a task stopped"),
        };
        tracing::info!("shutting down");
        self.stop.stop();
        self.server.stop(true).await;
        if tokio::time::timeout(Duration::from_secs(10), self.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("tasks did not stop within 10 s");
        }
        self.db.close().await;
        outcome
    }
}
