//! The application: one process running the API, the relay, the projection consumers and the
//! live feed under one supervisor, which restarts whatever fails. With an AMQP URL the bus is
//! RabbitMQ; without one it is the in-process bus, where the log itself is the durable queue.

use crate::config::Config;
use anyhow::Context;
use lyceum_api::AppState;
use lyceum_api::limits::RateLimiter;
use lyceum_domain::payment::providers::Payments;
use lyceum_projections::{Part, Projection};
use lyceum_store::Db;
use lyceum_store::clock::{Clock, SystemClock};
pub use lyceum_workers::Stop;
use lyceum_workers::leases::Leases;
use lyceum_workers::publisher::Publisher;
use lyceum_workers::scheduler::Scheduler;
use lyceum_workers::{
    Broker, BrokerFeed, Cadence, LiveFeed, LogTail, Nudge, ProjectionConsumer, Relay, Sealer,
    Supervisor, Topology, WorkerError,
};
use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

/// Events the relay publishes before it waits for the broker's confirms.
const RELAY_BATCH: i64 = 500;
/// Unacknowledged messages a consumer may hold.
const PREFETCH: u16 = 256;

/// A built, running application.
pub struct Application {
    port: u16,
    db: Db,
    api_db: Db,
    tasks: Supervisor,
    stop: Stop,
    server: actix_web::dev::ServerHandle,
    broker: Option<Arc<Broker>>,
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
    pub payments: &'a Payments,
}

/// Starts the relay, consumers and live feed for `roles` on `tasks`, each restarted by the
/// supervisor when it fails. Returns the shared broker connection, if there is one, to close
/// on shutdown. Only a bad configuration fails here: an unreachable broker is retried, and
/// `/readyz` says so meanwhile.
pub async fn start_workers(
    wiring: &Wiring<'_>,
    roles: Roles,
    projections: &[Projection],
    tasks: &mut Supervisor,
) -> anyhow::Result<Option<Arc<Broker>>> {
    if roles.consumers {
        start_webhooks(wiring, tasks);
        start_schedulers(wiring, tasks);
    }
    if roles.relay {
        start_sealer(wiring, tasks)?;
    }
    let Some(url) = &wiring.config.amqp_url else {
        start_embedded(wiring, roles, projections, tasks);
        return Ok(None);
    };
    let topology =
        Topology::new(wiring.config.amqp_prefix.clone()).with_partitions(wiring.config.partitions);
    let broker = Arc::new(
        Broker::new(url.expose(), topology.clone())
            .context("LYCEUM_AMQP_URL or LYCEUM_AMQP_PREFIX")?,
    );
    let on_broker = OnBroker {
        broker: broker.clone(),
        stop: wiring.stop.clone(),
    };
    let (db, topology) = (wiring.db.clone(), topology);
    if roles.relay {
        let (db, topology, nudge) = (db.clone(), topology.clone(), wiring.nudge.clone());
        on_broker.spawn(
            tasks,
            "relay",
            move |channel| Relay::new(db.clone(), channel, topology.clone(), RELAY_BATCH),
            move |relay, stop| relay.run(nudge.clone(), stop.stopped()),
        );
    }
    if roles.consumers {
        start_consumers(&on_broker, &db, &topology, projections, tasks);
    }
    if roles.api {
        let feed = wiring.feed.clone();
        on_broker.spawn(
            tasks,
            "live feed",
            move |channel| {
                let (db, topology, feed) = (db.clone(), topology.clone(), feed.clone());
                async move { BrokerFeed::new(db, channel, &topology, feed).await }
            },
            |live, stop| live.run(stop.stopped()),
        );
    }
    Ok(Some(broker))
}

/// The consumers of `projections`' partitions. Each partition's consumer runs only while this
/// process holds its lease, so several worker processes share the partitions (see
/// [`Leases`]); it stops, leaving its unacknowledged messages to the next owner, when the
/// lease goes elsewhere.
fn start_consumers(
    on_broker: &OnBroker,
    db: &Db,
    topology: &Topology,
    projections: &[Projection],
    tasks: &mut Supervisor,
) {
    let parts: Vec<Part> = projections
        .iter()
        .flat_map(|&projection| {
            (0..topology.partitions).map(move |index| Part {
                projection,
                index,
                count: topology.partitions,
            })
        })
        .collect();
    let (leases, owned) = Leases::new(db.clone(), parts.clone());
    let stop = on_broker.stop.clone();
    tasks.spawn_restarting("partition leases", move |probe| {
        probe.up();
        let (leases, stop) = (leases.clone(), stop.clone());
        async move { leases.run(stop).await }
    });
    for part in parts {
        let (broker, stop, owned) = (
            on_broker.broker.clone(),
            on_broker.stop.clone(),
            owned.clone(),
        );
        let (db, topology) = (db.clone(), topology.clone());
        let name = format!("consumer {} {}", part.projection.name(), part.index);
        tasks.spawn_restarting(name, move |probe| {
            let (broker, stop, owned) = (broker.clone(), stop.clone(), owned.clone());
            let (db, topology) = (db.clone(), topology.clone());
            async move {
                loop {
                    // Standing by for the lease is a healthy state, as for a relay.
                    probe.up();
                    if !owned.acquired(part, &stop).await {
                        return Ok::<(), WorkerError>(());
                    }
                    let open = |channel| {
                        let (db, topology) = (db.clone(), topology.clone());
                        async move {
                            ProjectionConsumer::new(db, channel, &topology, part, PREFETCH).await
                        }
                    };
                    let Some(consumer) = broker.open(&stop, &probe, open).await? else {
                        return Ok(());
                    };
                    let (stopped, released) = (stop.stopped(), owned.released(part));
                    consumer
                        .run(async move {
                            tokio::select! {
                                _ = stopped => {},
                                _ = released => {},
                            }
                        })
                        .await?;
                    if stop.is_stopped() {
                        return Ok(());
                    }
                }
            }
        });
    }
}

/// What every broker task starts from.
struct OnBroker {
    broker: Arc<Broker>,
    stop: Stop,
}

impl OnBroker {
    /// Starts `name` under the supervisor: on every (re)start, `open` sets up a session on a
    /// new channel (waiting out an unreachable broker, see [`Broker::open`]), and `run` serves
    /// it until it fails or the process stops.
    fn spawn<T, O, OF, R, RF>(
        &self,
        tasks: &mut Supervisor,
        name: impl Into<String>,
        open: O,
        run: R,
    ) where
        T: Send + 'static,
        O: Fn(lapin::Channel) -> OF + Clone + Send + 'static,
        OF: Future<Output = Result<T, WorkerError>> + Send,
        R: Fn(T, Stop) -> RF + Clone + Send + 'static,
        RF: Future<Output = Result<(), WorkerError>> + Send + 'static,
    {
        let (broker, stop) = (self.broker.clone(), self.stop.clone());
        tasks.spawn_restarting(name, move |probe| {
            let (broker, stop, open, run) =
                (broker.clone(), stop.clone(), open.clone(), run.clone());
            async move {
                let Some(session) = broker.open(&stop, &probe, open).await? else {
                    return Ok(());
                };
                run(session, stop).await
            }
        });
    }
}

/// Embedded mode's bus: one pass over the log feeds every projection, and the live feed tails
/// the log itself.
fn start_embedded(
    wiring: &Wiring<'_>,
    roles: Roles,
    projections: &[Projection],
    tasks: &mut Supervisor,
) {
    let (db, feed, nudge, stop) = (wiring.db, wiring.feed, wiring.nudge, wiring.stop);
    if roles.consumers && !projections.is_empty() {
        let (db, nudge, stop) = (db.clone(), nudge.clone(), stop.clone());
        let projections = projections.to_vec();
        tasks.spawn_restarting("projections", move |probe| {
            probe.up();
            lyceum_workers::embedded::run(
                db.clone(),
                projections.clone(),
                nudge.clone(),
                stop.stopped(),
            )
        });
    }
    if roles.api {
        let (db, feed, nudge, stop) = (db.clone(), feed.clone(), nudge.clone(), stop.clone());
        tasks.spawn_restarting("live feed", move |probe| {
            let (db, feed, nudge, stop) = (db.clone(), feed.clone(), nudge.clone(), stop.clone());
            async move {
                let tail = LogTail::new(db, feed).await?;
                probe.up();
                tail.run(nudge, stop.stopped()).await
            }
        });
    }
}

/// The sealer, which signs checkpoints of the log with the installation's audit key (made here
/// on first start). It runs beside the relay; one is active at a time.
fn start_sealer(wiring: &Wiring<'_>, tasks: &mut Supervisor) -> anyhow::Result<()> {
    let key = crate::audit_key::load_or_create(&wiring.config.audit_key_path())?;
    let cadence = Cadence {
        events: wiring.config.seal_every_events,
        interval: wiring.config.seal_every,
    };
    let (db, clock, stop) = (wiring.db.clone(), wiring.clock.clone(), wiring.stop.clone());
    tasks.spawn_restarting("sealer", move |probe| {
        probe.up();
        Sealer::new(db.clone(), key.clone(), cadence, clock.clone()).run(stop.stopped())
    });
    Ok(())
}

/// The clock-driven workers: the billing scheduler and the scheduled publisher.
fn start_schedulers(wiring: &Wiring<'_>, tasks: &mut Supervisor) {
    let (db, clock, nudge, stop) = (
        wiring.db.clone(),
        wiring.clock.clone(),
        wiring.nudge.clone(),
        wiring.stop.clone(),
    );
    let (publisher_db, publisher_clock, publisher_nudge, publisher_stop) =
        (db.clone(), clock.clone(), nudge.clone(), stop.clone());
    let payments = wiring.payments.clone();
    tasks.spawn_restarting("billing scheduler", move |probe| {
        probe.up();
        Scheduler::new(db.clone(), clock.clone(), payments.clone())
            .run(nudge.clone(), stop.stopped())
    });
    tasks.spawn_restarting("scheduled publisher", move |probe| {
        probe.up();
        Publisher::new(publisher_db.clone(), publisher_clock.clone())
            .run(publisher_nudge.clone(), publisher_stop.stopped())
    });
}

/// The webhook fan-out and sender. Both tail the log in either mode (the log is the source of
/// truth, and the fan-out's checkpoint makes queueing exactly once), so they need no broker.
fn start_webhooks(wiring: &Wiring<'_>, tasks: &mut Supervisor) {
    use lyceum_workers::webhooks::{Sender, run_fan_out, run_sender};
    let wake = Nudge::default();
    let (db, nudge, fan_out_wake, stop) = (
        wiring.db.clone(),
        wiring.nudge.clone(),
        wake.clone(),
        wiring.stop.clone(),
    );
    tasks.spawn_restarting("webhook fan-out", move |probe| {
        probe.up();
        run_fan_out(
            db.clone(),
            nudge.clone(),
            fan_out_wake.clone(),
            stop.stopped(),
        )
    });
    let (db, stop, allow_private) = (
        wiring.db.clone(),
        wiring.stop.clone(),
        wiring.config.allow_private_webhooks,
    );
    tasks.spawn_restarting("webhook sender", move |probe| {
        probe.up();
        run_sender(
            Sender::new(db.clone(), allow_private),
            wake.clone(),
            stop.stopped(),
        )
    });
}

/// The task that hears checkpoint moves committed by other processes (Postgres), so reads
/// waiting for `min_position` here are woken by workers anywhere.
fn start_listener(
    url: &str,
    db: &Db,
    listening: &lyceum_workers::Listening,
    stop: &Stop,
    tasks: &mut Supervisor,
) {
    let (url, db, listening, stop) = (url.to_owned(), db.clone(), listening.clone(), stop.clone());
    tasks.spawn_restarting("checkpoint listener", move |probe| {
        probe.up();
        lyceum_workers::checkpoint_listener::run(
            url.clone(),
            db.clone(),
            listening.clone(),
            stop.stopped(),
        )
    });
}

impl Application {
    /// Connects, migrates, starts the workers and binds the HTTP server.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`Application::build`] on a given clock (tests move a manual one).
    pub async fn build_with_clock(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        lyceum_api::metrics::install();
        let payments = config.payments()?;
        let db = config.connect_read_side().await?;
        let feed = LiveFeed::default();
        let nudge = Nudge::default();
        let stop = Stop::new();
        let mut tasks = Supervisor::new(stop.clone());
        let wiring = Wiring {
            config,
            db: &db,
            feed: &feed,
            nudge: &nudge,
            stop: &stop,
            clock: &clock,
            payments: &payments,
        };
        let broker = start_workers(&wiring, Roles::ALL, &Projection::ALL, &mut tasks).await?;
        let listener =
            TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let api_db = db.counted();
        let mut state = AppState::new(api_db.clone(), feed, nudge);
        if let Some(url) = &config.database_url {
            start_listener(url.expose(), &api_db, &state.listening, &stop, &mut tasks);
        }
        state.allow_private_webhooks = config.allow_private_webhooks;
        state.clock = clock;
        state.payments = payments;
        state.metrics_token = config.metrics_token.as_ref().map(|t| t.expose().to_owned());
        state.audit_public_key = crate::audit_key::load(&config.audit_key_path())?
            .map(|key| crate::audit_key::public_hex(&key));
        state.health = tasks.health().clone();
        state.limits = Arc::new(RateLimiter::new(api_db.clone(), config.rate_limits()));
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
            broker,
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

    /// What the supervised tasks say about their readiness and restarts.
    pub fn health(&self) -> &lyceum_workers::Health {
        self.tasks.health()
    }

    /// Runs until `shutdown` completes or a task fails for good, then stops everything
    /// gracefully.
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
        if let Some(broker) = &self.broker {
            broker.close().await;
        }
        self.db.close().await;
        outcome
    }
}
