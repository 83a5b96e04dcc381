//! The broker connection: one place that knows how Lyceum connects to RabbitMQ.

use crate::error::WorkerError;
use lapin::{Connection, ConnectionProperties};

/// Connects to `url` (`amqp://user:pass@host:5672/%2f`).
///
/// With lapin's `tokio` feature the connection runs on the current tokio runtime. Automatic
/// recovery reconnects after a network failure and replays exchanges, queues, bindings,
/// consumers, QoS and confirm mode; callers wait for it with `Channel::wait_for_recovery`.
#[tracing::instrument(skip_all)]
pub async fn connect(url: &str) -> Result<Connection, WorkerError> {
    let properties = ConnectionProperties::default()
        .with_connection_name(format!("lyceum-{}", std::process::id()).into())
        .enable_auto_recover();
    Ok(Connection::connect(url, properties).await?)
}
