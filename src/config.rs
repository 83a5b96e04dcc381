//! Typed configuration: defaults, then a TOML file (`--config` or `LYCEUM_CONFIG`), then
//! `LYCEUM_…` environment variables and flags. Secrets (URLs with passwords) never reach a log.

use anyhow::Context;
use lyceum_domain::payment::providers::Payments;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: None,
            amqp_url: None,
            data_dir: PathBuf::from("./data"),
            bind: "127.0.0.1:8080".into(),
            amqp_prefix: "lyceum".into(),
            http_workers: 2,
            allow_private_webhooks: false,
            payment_provider: "test".into(),
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
}

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing config file {}", path.display()))
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
    fn secrets_are_redacted_in_debug_output() {
        let config = Config {
            database_url: Some(Secret::new("postgres://u:hunter2@db/x")),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
