//! The broker connection: one place that knows how Lyceum connects to RabbitMQ, and the
//! process's shared [`Broker`], which reconnects on demand after the broker went away.
//!
//! lapin's own automatic recovery is off on purpose: it replays declarations under their old
//! names, and the broker refuses a server-named (`amq.gen-…`) queue declared by a client. Each
//! task instead opens a fresh channel from [`Broker::channel`] and declares what it needs again;
//! the supervisor restarts a task whose channel failed.

use crate::error::WorkerError;
use crate::health::Probe;
use crate::pause::Backoff;
use crate::stop::Stop;
use crate::topology::Topology;
use lapin::uri::AMQPUri;
use lapin::{Channel, Connection, ConnectionProperties};
use std::future::Future;
use std::time::Duration;
use tokio::sync::Mutex;

/// How long a connection attempt may take before it counts as failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the broker may take to answer one request (a declaration, an acknowledgement, a
/// publisher confirm) before the connection counts as lost. A request sent just as the
/// connection dies may otherwise never be answered.
pub(crate) const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

/// How often a request waiting on its answer looks at its channel.
const CHANNEL_CHECK: Duration = Duration::from_millis(100);

/// Waits for the broker's answer to `what`, for at most [`ANSWER_TIMEOUT`], and no longer than
/// `channel` stays open: a request sent as the connection dies may otherwise wait forever.
pub(crate) async fn answer<T, E: Into<WorkerError>>(
    channel: Option<&Channel>,
    what: &str,
    request: impl Future<Output = Result<T, E>>,
) -> Result<T, WorkerError> {
    let mut request = std::pin::pin!(request);
    let deadline = tokio::time::sleep(ANSWER_TIMEOUT);
    let mut deadline = std::pin::pin!(deadline);
    loop {
        tokio::select! {
            answered = request.as_mut() => return answered.map_err(Into::into),
            _ = deadline.as_mut() => {
                return Err(WorkerError::Disconnected(format!(
                    "no answer to {what} within {} s",
                    ANSWER_TIMEOUT.as_secs()
                )));
            }
            _ = tokio::time::sleep(CHANNEL_CHECK) => {
                if let Some(channel) = channel {
                    ensure_open(channel, what)?;
                }
            }
        }
    }
}

/// An error once `channel` is no longer open; `owner` says whose channel it was. Tasks call it
/// when they have heard nothing for a while, since a dead connection does not always say so.
pub(crate) fn ensure_open(channel: &Channel, owner: &str) -> Result<(), WorkerError> {
    if channel.status().connected() {
        return Ok(());
    }
    Err(WorkerError::Disconnected(format!(
        "{owner}: the channel closed"
    )))
}

/// Connects to `url` (`amqp://user:pass@host:5672/%2f`), once.
///
/// With lapin's `tokio` feature the connection runs on the current tokio runtime.
#[tracing::instrument(skip_all)]
pub async fn connect(url: &str) -> Result<Connection, WorkerError> {
    let properties = ConnectionProperties::default()
        .with_connection_name(format!("lyceum-{}", std::process::id()).into());
    match tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect(url, properties)).await {
        Ok(connected) => Ok(connected?),
        Err(_) => Err(WorkerError::Disconnected(format!(
            "no connection within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

/// The process's connection to RabbitMQ, shared by its tasks, made again when it is lost.
#[derive(Debug)]
pub struct Broker {
    url: String,
    topology: Topology,
    connection: Mutex<Option<Connection>>,
}

impl Broker {
    /// A broker at `url` with `topology`, not connected yet. A URL that does not parse, or a
    /// topology whose names the broker would refuse, is a configuration error, reported now
    /// rather than at every reconnection.
    pub fn new(url: &str, topology: Topology) -> Result<Self, WorkerError> {
        url.parse::<AMQPUri>().map_err(|error| {
            WorkerError::Config(format!("the AMQP URL does not parse: {error}"))
        })?;
        topology.validate()?;
        Ok(Self {
            url: url.to_owned(),
            topology,
            connection: Mutex::new(None),
        })
    }

    /// A new channel on the current connection, connecting first if there is none or it was
    /// lost.
    pub async fn channel(&self) -> Result<Channel, WorkerError> {
        let mut current = self.connection.lock().await;
        if let Some(connection) = current.as_ref().filter(|c| c.status().connected()) {
            match connection.create_channel().await {
                Ok(channel) => return Ok(channel),
                Err(error) => {
                    // Whatever is wrong with it, the next caller starts afresh.
                    *current = None;
                    return Err(error.into());
                }
            }
        }
        let connection = connect(&self.url).await?;
        tracing::info!("connected to RabbitMQ");
        let channel = connection.create_channel().await?;
        // Declared once, before any task consumes: RabbitMQ 3.10 fails the whole connection
        // when a quorum queue is consumed from while another channel is still creating it.
        self.topology.declare(&channel).await?;
        *current = Some(connection);
        Ok(channel)
    }

    /// Sets up a session (a consumer, a relay, a feed) on a new channel, and marks `probe`
    /// ready once it is. While the broker cannot be reached, `probe` says why and the attempt
    /// is repeated with backoff, so a task waits out an outage instead of failing over and
    /// over. `None` if `stop` came first: connecting and declaring are safe to abandon.
    /// Errors other than the broker's are returned.
    pub async fn open<T, F>(
        &self,
        stop: &Stop,
        probe: &Probe,
        mut setup: impl FnMut(Channel) -> F,
    ) -> Result<Option<T>, WorkerError>
    where
        F: Future<Output = Result<T, WorkerError>>,
    {
        let mut backoff = Backoff::new();
        let mut waiting = false;
        loop {
            let attempt = stop
                .unless_stopped(answer(None, "setting up", async {
                    setup(self.channel().await?).await
                }))
                .await;
            match attempt {
                None => return Ok(None),
                Some(Ok(session)) => {
                    probe.up();
                    return Ok(Some(session));
                }
                Some(Err(error)) if error.is_broker() => {
                    let reason = error.to_string();
                    if !waiting {
                        tracing::warn!(task = probe.name(), reason, "waiting for the broker");
                        waiting = true;
                    }
                    probe.down(reason);
                }
                Some(Err(error)) => return Err(error),
            }
            if stop
                .unless_stopped(tokio::time::sleep(backoff.next_delay()))
                .await
                .is_none()
            {
                return Ok(None);
            }
        }
    }

    /// Closes the connection, if there is one; its channels close with it.
    pub async fn close(&self) {
        if let Some(connection) = self.connection.lock().await.take()
            && connection.status().connected()
            && let Err(error) = connection.close(200, "shutting down".into()).await
        {
            tracing::debug!(%error, "closing the broker connection");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_that_does_not_parse_is_a_permanent_error() {
        let topology = Topology::default();
        let error = Broker::new(
            "amqp://guest:guest@127.0.0.1:notaport/%2f",
            topology.clone(),
        )
        .err()
        .map(|error| error.is_permanent());
        assert_eq!(error, Some(true));
        assert!(Broker::new("amqp://guest:guest@127.0.0.1:5672/%2f", topology.clone()).is_ok());
        let long_prefix = Topology::new("p".repeat(250));
        assert!(Broker::new("amqp://guest:guest@127.0.0.1:5672/%2f", long_prefix).is_err());
    }
}
