//! Command-line parsing and the subcommands.

mod audit;
mod export;
mod import;
mod keys;
mod replay;
mod replay_until;
mod train;
mod verify;

use crate::application::{Application, Roles, Stop, Wiring, start_workers};
use crate::config::{Config, FileConfig, Secret};
use crate::telemetry::LogFormat;
use anyhow::Context;
use clap::{Parser, Subcommand};
use lyceum_projections::Projection;
use lyceum_workers::{LiveFeed, Nudge, Supervisor};
use std::path::PathBuf;

/// Lyceum: a headless, event-sourced platform for creators who sell knowledge.
#[derive(Debug, Parser)]
#[command(name = "lyceum", version)]
pub struct Cli {
    /// A TOML configuration file.
    #[arg(long, env = "LYCEUM_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Postgres URL. Without it, Lyceum runs embedded on SQLite under --data-dir.
    #[arg(
        long,
        env = "LYCEUM_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// RabbitMQ URL. Without it, Lyceum uses its in-process bus.
    #[arg(long, env = "LYCEUM_AMQP_URL", global = true, hide_env_values = true)]
    amqp_url: Option<String>,
    /// Where embedded mode keeps its SQLite file [default: ./data].
    #[arg(long, env = "LYCEUM_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "LYCEUM_BIND", global = true)]
    bind: Option<String>,
    /// Prefix of RabbitMQ exchange and queue names [default: lyceum].
    #[arg(long, env = "LYCEUM_AMQP_PREFIX", global = true)]
    amqp_prefix: Option<String>,
    /// How to write logs: `auto` is JSON when stderr is not a terminal, text when it is.
    #[arg(
        long,
        env = "LYCEUM_LOG_FORMAT",
        global = true,
        value_enum,
        default_value_t
    )]
    log_format: LogFormat,
    /// Log as JSON lines (the same as `--log-format json`).
    #[arg(long, env = "LYCEUM_LOG_JSON", global = true)]
    log_json: bool,
    /// Let webhook endpoints target private, loopback and link-local addresses.
    #[arg(long, env = "LYCEUM_ALLOW_PRIVATE_WEBHOOKS", global = true)]
    allow_private_webhooks: bool,
    /// The payment provider that charges members [default: test].
    #[arg(long, env = "LYCEUM_PAYMENT_PROVIDER", global = true)]
    payment_provider: Option<String>,
    /// A bearer token that `/metrics` asks for [default: none, /metrics is open].
    #[arg(
        long,
        env = "LYCEUM_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    metrics_token: Option<String>,
    /// The file of the audit signing key, made on first start [default: DATA_DIR/audit-signing.key].
    #[arg(long, env = "LYCEUM_AUDIT_KEY", global = true)]
    audit_key: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the API, relay and consumers (the default).
    Serve,
    /// Bring the database schema up to date.
    Migrate,
    /// Run only the relay (one is active at a time; others wait on standby).
    Relay,
    /// Run only the projection consumers.
    Worker {
        /// Only this projection.
        #[arg(long)]
        projection: Option<String>,
    },
    /// Rebuild read models from position 0; with --until, as of a position, into another store.
    ///
    /// Without --until the read models of the store named by --database-url or --data-dir are
    /// rebuilt in place. With --until POSITION and --into-data-dir or --into-database-url, that
    /// store is the source and is only read: its events up to POSITION, and the keys of the
    /// members among them, are copied into the target (migrated first; it must hold no
    /// event), and the read models are rebuilt there, as they stood at POSITION, for
    /// inspection. The target then holds the same personal data as the source; remove it when
    /// done.
    Replay {
        /// Only this projection: spaces, tiers, members or content.
        #[arg(long)]
        projection: Option<String>,
        /// Split the rebuilt read models into this many partitions (then start every process
        /// with the same `LYCEUM_PARTITIONS`); without it they keep the split they have (with
        /// --until: LYCEUM_PARTITIONS).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
        partitions: Option<u16>,
        /// Rebuild as of this global position (a write's `Lyceum-Position`), into the store
        /// named by --into-data-dir or --into-database-url.
        #[arg(long, requires = "into", value_parser = clap::value_parser!(i64).range(0..))]
        until: Option<i64>,
        /// With --until: the target, an empty embedded (SQLite) store in this directory.
        #[arg(long, group = "into", requires = "until")]
        into_data_dir: Option<PathBuf>,
        /// With --until: the target, an empty Postgres database.
        #[arg(long, group = "into", requires = "until")]
        into_database_url: Option<String>,
    },
    /// Check every stored event against its stream's hash chain, and the log against the
    /// signed checkpoints; exits non-zero on a failure.
    Verify {
        /// The public key (64 hex digits) the checkpoints must be signed with [default: the
        /// key file's; without one, the key stored with the checkpoints, which proves less].
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Write the log (or one space's events, or a range of positions) to stdout as NDJSON in
    /// the `lyceum-export-v1` format, with hashes and the signed checkpoints that cover it.
    Export {
        /// Only this space's events (each with its inclusion proof).
        #[arg(long)]
        space: Option<uuid::Uuid>,
        /// The first position to export.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
        from: Option<i64>,
        /// The last position to export.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
        to: Option<i64>,
        /// Also write the members' keys to this file, to restore their personal data with
        /// `import-log --member-keys`. Keep it apart from the export: it is personal data.
        #[arg(long)]
        member_keys: Option<PathBuf>,
    },
    /// Restore the log from a complete export into this empty store: verifies the whole file
    /// first (writing nothing if it fails), then rebuilds every read model and seals the log.
    ImportLog {
        /// The export file.
        file: PathBuf,
        /// The public key (64 hex digits) the file's checkpoints must be signed with [default:
        /// the one its header names].
        #[arg(long)]
        public_key: Option<String>,
        /// The members' keys, as `export --member-keys` wrote them.
        #[arg(long)]
        member_keys: Option<PathBuf>,
    },
    /// Compare the recommendation models offline on the members' clicks (only `--evaluate` is
    /// available: trained models are not stored yet).
    Train {
        /// Report precision at 10 of ALS, user-kNN and popularity within the space, on an 80/20
        /// split of each space's (member, item) pairs.
        #[arg(long)]
        evaluate: bool,
        /// Only these spaces (slug or id) [default: every space with views].
        #[arg(long)]
        space: Vec<String>,
        /// The seeds of the splits (and of ALS), one result each [default: 0, 1 and 2].
        #[arg(long)]
        seed: Vec<u64>,
    },
    /// Import another platform's data through the same commands as the API.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// The audit signing key and checkpoints.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Manage API keys.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ImportSource {
    /// The Open University Learning Analytics Dataset: a directory with its CSV files (plain or
    /// gzip-compressed; a subset or a filtered copy will do). Each course run the click log
    /// covers becomes a space; running it again adds nothing.
    Oulad {
        /// The directory.
        dir: PathBuf,
    },
}

impl Cli {
    /// The log format asked for.
    pub fn log_format(&self) -> LogFormat {
        if self.log_json {
            LogFormat::Json
        } else {
            self.log_format
        }
    }

    fn config(&self) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        let over = FileConfig {
            database_url: self.database_url.clone().map(Secret::new),
            amqp_url: self.amqp_url.clone().map(Secret::new),
            data_dir: self.data_dir.clone(),
            bind: self.bind.clone(),
            amqp_prefix: self.amqp_prefix.clone(),
            http_workers: None,
            allow_private_webhooks: self.allow_private_webhooks.then_some(true),
            payment_provider: self.payment_provider.clone(),
            metrics_token: self.metrics_token.clone().map(Secret::new),
            audit_key: self.audit_key.clone(),
            ..FileConfig::from_env()?
        };
        Ok(Config::layered(file, over))
    }
}

fn projections(name: Option<&str>) -> anyhow::Result<Vec<Projection>> {
    match name {
        None => Ok(Projection::ALL.to_vec()),
        Some(name) => Projection::parse(name).map(|p| vec![p]).with_context(|| {
            format!("unknown projection {name:?}: spaces, tiers, members or content")
        }),
    }
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(&config).await?;
            tracing::info!(port = app.port(), "serving on {}", config.bind);
            app.run_until_stopped(shutdown_signal()).await
        }
        Command::Migrate => {
            config.connect().await?;
            tracing::info!("the schema is up to date");
            Ok(())
        }
        Command::Relay => {
            run_workers(
                &config,
                Roles {
                    api: false,
                    relay: true,
                    consumers: false,
                },
                None,
            )
            .await
        }
        Command::Worker { projection } => {
            run_workers(
                &config,
                Roles {
                    api: false,
                    relay: false,
                    consumers: true,
                },
                projection.as_deref(),
            )
            .await
        }
        Command::Replay {
            projection,
            partitions,
            until,
            into_data_dir,
            into_database_url,
        } => {
            let projections = projections(projection.as_deref())?;
            let target = match (into_data_dir, into_database_url) {
                (Some(dir), _) => Some(replay_until::Target::DataDir(dir)),
                (None, Some(url)) => Some(replay_until::Target::DatabaseUrl(Secret::new(url))),
                (None, None) => None,
            };
            match (until, target) {
                (Some(until), Some(target)) => {
                    replay_until::run(&config, until, target, &projections, partitions).await
                }
                _ => replay::run(&config, &projections, partitions).await,
            }
        }
        Command::Verify { public_key } => verify::run(&config, public_key.as_deref()).await,
        Command::Import {
            source: ImportSource::Oulad { dir },
        } => import::oulad(&config, &dir).await,
        Command::Train {
            evaluate,
            space,
            seed,
        } => {
            anyhow::ensure!(
                evaluate,
                "only `lyceum train --evaluate` is available: trained models are not stored yet"
            );
            let seeds = if seed.is_empty() { vec![0, 1, 2] } else { seed };
            train::evaluate(&config, &space, &seeds).await
        }
        Command::Export {
            space,
            from,
            to,
            member_keys,
        } => {
            let range = lyceum_store::chain::export::Range {
                space_id: space.map(|space| space.to_string()),
                from,
                to,
            };
            export::export(&config, range, member_keys.as_deref()).await
        }
        Command::ImportLog {
            file,
            public_key,
            member_keys,
        } => {
            export::import_log(
                &config,
                &file,
                public_key.as_deref(),
                member_keys.as_deref(),
            )
            .await
        }
        Command::Audit { command } => audit::run(&config, command).await,
        Command::Keys { command } => keys::run(&config, command).await,
    }
}

async fn run_workers(
    config: &Config,
    roles: Roles,
    projection: Option<&str>,
) -> anyhow::Result<()> {
    if roles.relay && config.amqp_url.is_none() {
        anyhow::bail!(
            "the relay needs LYCEUM_AMQP_URL; embedded mode relays inside `lyceum serve`"
        );
    }
    let db = config.connect_read_side().await?;
    let stop = Stop::new();
    let mut tasks = Supervisor::new(stop.clone());
    let (feed, nudge) = (LiveFeed::default(), Nudge::default());
    let clock: std::sync::Arc<dyn lyceum_store::clock::Clock> =
        std::sync::Arc::new(lyceum_store::clock::SystemClock);
    let payments = config.payments()?;
    let wiring = Wiring {
        config,
        db: &db,
        feed: &feed,
        nudge: &nudge,
        stop: &stop,
        clock: &clock,
        payments: &payments,
    };
    let broker = start_workers(&wiring, roles, &projections(projection)?, &mut tasks).await?;
    let outcome = tokio::select! {
        _ = shutdown_signal() => Ok(()),
        failed = tasks.wait() => failed.context("a task stopped"),
    };
    stop.stop();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), tasks.wait()).await;
    if let Some(broker) = broker {
        broker.close().await;
    }
    outcome
}
