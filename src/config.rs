//! Typed configuration: defaults, then a TOML file (`--config` or `LYCEUM_CONFIG`), then
//! `LYCEUM_…` environment variables and flags. Secrets (URLs with passwords) never reach a log.

use anyhow::Context;
use lyceum_api::limits::{Policies, Quota};
use lyceum_domain::payment::providers::Payments;
use serde::Deserialize;
use std::fmt;
use std::num::{NonZeroU16, NonZeroU32};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A value that must not be logged.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Everything a Lyceum process needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// `postgres://…`; when absent, SQLite under `data_dir` (embedded mode).
    pub database_url: Option<Secret>,
    /// `amqp://…`; when absent, the in-process bus.
    pub amqp_url: Option<Secret>,
    pub data_dir: PathBuf,
    /// Where the HTTP server listens; port 0 picks a free port.
    pub bind: String,
    /// Prefix of the RabbitMQ exchange and queue names.
    pub amqp_prefix: String,
    /// HTTP worker threads.
    pub http_workers: usize,
    /// Whether webhook endpoints may target private, loopback and link-local addresses.
    pub allow_private_webhooks: bool,
    /// Which payment provider charges members: `test`, the built-in deterministic provider, is
    /// the only one so far.
    pub payment_provider: String,
    /// Requests each API key and each member session may make per rate-limit window, across
    /// all API nodes.
    pub rate_limit: u32,
    /// Requests each client address may make per window without a bearer secret.
    pub rate_limit_anonymous: u32,
    /// The rate-limit window, in seconds.
    pub rate_limit_window: u32,
    /// How many partitions each read model's events are split into on RabbitMQ (by space),
    /// so several worker processes can share a read model. Fixed once a store has used it.
    pub partitions: u16,
    /// The bearer token `/metrics` asks for; without one it is open.
    pub metrics_token: Option<Secret>,
    /// The file of the audit signing key; `None` is `audit-signing.key` in `data_dir`.
    pub audit_key: Option<PathBuf>,
    /// When the sealer signs a checkpoint: after this many events, or this long after the last.
    pub seal_every_events: u64,
    pub seal_every: Duration,
}

impl Default for Config {
    fn default() -> Self {
        let limits = Policies::default();
        Self {
            database_url: None,
            amqp_url: None,
            data_dir: PathBuf::from("./data"),
            bind: "127.0.0.1:8080".into(),
            amqp_prefix: "lyceum".into(),
            http_workers: 2,
            allow_private_webhooks: false,
            payment_provider: "test".into(),
            rate_limit: limits.caller.limit,
            rate_limit_anonymous: limits.anonymous.limit,
            rate_limit_window: limits.caller.window(),
            partitions: lyceum_projections::partition::DEFAULT_PARTITIONS,
            metrics_token: None,
            audit_key: None,
            seal_every_events: 1_000,
            seal_every: Duration::from_secs(10),
        }
    }
}

/// The file layer: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<Secret>,
    pub amqp_url: Option<Secret>,
    pub data_dir: Option<PathBuf>,
    pub bind: Option<String>,
    pub amqp_prefix: Option<String>,
    pub http_workers: Option<usize>,
    pub allow_private_webhooks: Option<bool>,
    pub payment_provider: Option<String>,
    pub rate_limit: Option<NonZeroU32>,
    pub rate_limit_anonymous: Option<NonZeroU32>,
    pub rate_limit_window: Option<NonZeroU32>,
    pub partitions: Option<NonZeroU16>,
    pub metrics_token: Option<Secret>,
    pub audit_key: Option<PathBuf>,
    pub seal_every_events: Option<NonZeroU32>,
    pub seal_every_seconds: Option<NonZeroU32>,
}

/// The settings with no flag of their own, read from `LYCEUM_…` variables.
const ENV_ONLY: [&str; 5] = [
    "LYCEUM_RATE_LIMIT",
    "LYCEUM_RATE_LIMIT_ANONYMOUS",
    "LYCEUM_RATE_LIMIT_WINDOW",
    "LYCEUM_SEAL_EVERY_EVENTS",
    "LYCEUM_SEAL_EVERY_SECONDS",
];

/// Sets how many partitions each read model has (see [`Config::partitions`]).
const PARTITIONS_VAR: &str = "LYCEUM_PARTITIONS";
/// The most partitions a read model may have.
const MAX_PARTITIONS: u16 = 256;

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing config file {}", path.display()))
    }

    /// The settings that have no flag, from the process's environment (see [`ENV_ONLY`]).
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The settings that have no flag, from `var` (the environment, or a test's map).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let [limit, anonymous, window, seal_events, seal_seconds] = ENV_ONLY.map(|name| {
            var(name)
                .map(|value| {
                    value.trim().parse::<NonZeroU32>().with_context(|| {
                        format!("{name} must be a whole number above 0, not {value:?}")
                    })
                })
                .transpose()
        });
        let partitions = var(PARTITIONS_VAR)
            .map(|value| {
                value
                    .trim()
                    .parse::<NonZeroU16>()
                    .ok()
                    .filter(|n| n.get() <= MAX_PARTITIONS)
                    .with_context(|| {
                        format!(
                            "{PARTITIONS_VAR} must be a whole number from 1 to {MAX_PARTITIONS}, not {value:?}"
                        )
                    })
            })
            .transpose()?;
        Ok(Self {
            rate_limit: limit?,
            rate_limit_anonymous: anonymous?,
            rate_limit_window: window?,
            seal_every_events: seal_events?,
            seal_every_seconds: seal_seconds?,
            partitions,
            ..Self::default()
        })
    }
}

impl Config {
    /// Layers `over` (environment and flags) on `file` on the defaults.
    pub fn layered(file: FileConfig, over: FileConfig) -> Self {
        let defaults = Config::default();
        Self {
            database_url: over.database_url.or(file.database_url),
            amqp_url: over.amqp_url.or(file.amqp_url),
            data_dir: over.data_dir.or(file.data_dir).unwrap_or(defaults.data_dir),
            bind: over.bind.or(file.bind).unwrap_or(defaults.bind),
            amqp_prefix: over
                .amqp_prefix
                .or(file.amqp_prefix)
                .unwrap_or(defaults.amqp_prefix),
            http_workers: over
                .http_workers
                .or(file.http_workers)
                .unwrap_or(defaults.http_workers),
            allow_private_webhooks: over
                .allow_private_webhooks
                .or(file.allow_private_webhooks)
                .unwrap_or(defaults.allow_private_webhooks),
            payment_provider: over
                .payment_provider
                .or(file.payment_provider)
                .unwrap_or(defaults.payment_provider),
            rate_limit: over
                .rate_limit
                .or(file.rate_limit)
                .map_or(defaults.rate_limit, NonZeroU32::get),
            rate_limit_anonymous: over
                .rate_limit_anonymous
                .or(file.rate_limit_anonymous)
                .map_or(defaults.rate_limit_anonymous, NonZeroU32::get),
            rate_limit_window: over
                .rate_limit_window
                .or(file.rate_limit_window)
                .map_or(defaults.rate_limit_window, NonZeroU32::get),
            partitions: over
                .partitions
                .or(file.partitions)
                .map_or(defaults.partitions, |n| n.get().min(MAX_PARTITIONS)),
            metrics_token: over.metrics_token.or(file.metrics_token),
            audit_key: over.audit_key.or(file.audit_key),
            seal_every_events: over
                .seal_every_events
                .or(file.seal_every_events)
                .map_or(defaults.seal_every_events, |n| u64::from(n.get())),
            seal_every: over
                .seal_every_seconds
                .or(file.seal_every_seconds)
                .map_or(defaults.seal_every, |n| {
                    Duration::from_secs(u64::from(n.get()))
                }),
        }
    }

    /// Where the audit signing key is kept.
    pub fn audit_key_path(&self) -> PathBuf {
        self.audit_key
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-signing.key"))
    }

    /// The API's rate limits: per key or session, and per address without one.
    pub fn rate_limits(&self) -> Policies {
        let window = self.rate_limit_window;
        Policies {
            caller: Quota::new(self.rate_limit, window),
            anonymous: Quota::new(self.rate_limit_anonymous, window),
        }
    }

    /// The payment providers the configuration names; an unknown name is refused at start.
    pub fn payments(&self) -> anyhow::Result<Payments> {
        match self.payment_provider.as_str() {
            "test" => Ok(Payments::default()),
            other => {
                anyhow::bail!("unknown payment provider {other:?}: the one built in is \"test\"")
            }
        }
    }

    /// The database URL to connect to: Postgres if configured, else SQLite under `data_dir`.
    pub fn database(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!("sqlite://{}", self.data_dir.display()),
        }
    }

    /// Connects to the database and brings its schema up to date.
    pub async fn connect(&self) -> anyhow::Result<lyceum_store::Db> {
        let db = lyceum_store::Db::connect(&self.database())
            .await
            .context("connecting to the database")?;
        lyceum_store::migrate::run(
            &db,
            &[
                lyceum_store::migrate::migrations(),
                lyceum_projections::migrations(),
            ],
        )
        .await
        .context("running migrations")?;
        Ok(db)
    }

    /// [`Config::connect`], for a process that runs the read side: checks the read models are
    /// split into [`Config::partitions`] (creating the partitions on a store that has none).
    pub async fn connect_read_side(&self) -> anyhow::Result<lyceum_store::Db> {
        let db = self.connect().await?;
        lyceum_projections::partition::prepare(&db, self.partitions)
            .await
            .context("checking the read models' partitions")?;
        Ok(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_which_beats_defaults() {
        let file = FileConfig {
            bind: Some("0.0.0.0:9000".into()),
            amqp_prefix: Some("from-file".into()),
            ..FileConfig::default()
        };
        let over = FileConfig {
            amqp_prefix: Some("from-env".into()),
            ..FileConfig::default()
        };
        let config = Config::layered(file, over);
        assert_eq!(config.bind, "0.0.0.0:9000");
        assert_eq!(config.amqp_prefix, "from-env");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(config.database(), "sqlite://./data");
        assert!(config.payments().is_ok());
        let unknown = Config {
            payment_provider: "acme".into(),
            ..Config::default()
        };
        assert!(unknown.payments().is_err());
    }

    #[test]
    fn rate_limits_default_to_a_minute_and_refuse_zero() {
        let defaults = Config::default().rate_limits();
        assert_eq!(defaults, Policies::default());
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let env = FileConfig::from_vars(vars(&[
            ("LYCEUM_RATE_LIMIT", "5"),
            ("LYCEUM_RATE_LIMIT_WINDOW", " 10 "),
        ]))
        .unwrap();
        let file = FileConfig {
            rate_limit: NonZeroU32::new(7),
            rate_limit_anonymous: NonZeroU32::new(3),
            ..FileConfig::default()
        };
        let limits = Config::layered(file, env).rate_limits();
        assert_eq!(limits.caller, Quota::new(5, 10));
        assert_eq!(limits.anonymous, Quota::new(3, 10));
        let zero = FileConfig::from_vars(vars(&[("LYCEUM_RATE_LIMIT_ANONYMOUS", "0")]));
        let error = format!("{:#}", zero.unwrap_err());
        assert!(error.contains("LYCEUM_RATE_LIMIT_ANONYMOUS"), "{error}");
        assert!(toml::from_str::<FileConfig>("rate_limit = 0").is_err());
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let config = Config {
            database_url: Some(Secret::new("postgres://u:hunter2@db/x")),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
