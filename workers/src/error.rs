//! The one error type of the workers: what went wrong with the log, the broker, the wire format
//! or a supervised task.

use lyceum_store::StoreError;

/// An error from a relay, consumer or supervised task.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// Reading or writing the log, a checkpoint or a read model failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The broker or the connection to it failed.
    #[error("broker: {0}")]
    Amqp(#[from] lapin::Error),
    /// A message body is not a stored event.
    #[error("message body: {0}")]
    Json(#[from] serde_json::Error),
    /// A message that does not follow the wire format (see [`crate::message`]).
    #[error("malformed message: {0}")]
    Malformed(String),
    /// An exchange or queue name the broker cannot take (longer than 255 bytes).
    #[error("invalid broker name: {0}")]
    InvalidName(String),
    /// The broker refused (nacked) or returned a published event; it will be published again.
    #[error("the broker did not accept the event at position {position}: {reason}")]
    NotConfirmed { position: i64, reason: String },
    /// The broker cancelled a consumer (its queue was deleted, for instance).
    #[error("the broker cancelled the consumer on {queue}")]
    ConsumerCancelled { queue: String },
    /// The broker connection or channel is gone; the task reconnects.
    #[error("broker connection lost: {0}")]
    Disconnected(String),
    /// A setting no retry can fix, such as a malformed broker URL.
    #[error("configuration: {0}")]
    Config(String),
    /// The audit signing key is not the one that signed the last checkpoint: the sealer signs
    /// nothing until the right key file is back (everything else goes on).
    #[error("audit key: {0}")]
    AuditKey(String),
    /// Every worker slot of the database is held: no more worker processes can join.
    #[error("all {0} worker slots are taken")]
    NoWorkerSlot(i64),
    /// A supervised task ended with an error or a panic.
    #[error("task {task} failed: {reason}")]
    TaskFailed { task: String, reason: String },
}

impl WorkerError {
    /// Whether restarting the task cannot help: the configuration itself is wrong.
    pub fn is_permanent(&self) -> bool {
        matches!(self, WorkerError::InvalidName(_) | WorkerError::Config(_))
    }

    /// Whether the broker failed (connection, channel, or an event it did not take), so the
    /// task should start again on a new channel rather than retry on this one.
    pub fn is_broker(&self) -> bool {
        matches!(
            self,
            WorkerError::Amqp(_)
                | WorkerError::Disconnected(_)
                | WorkerError::NotConfirmed { .. }
                | WorkerError::ConsumerCancelled { .. }
        )
    }
}

impl From<sqlx::Error> for WorkerError {
    fn from(error: sqlx::Error) -> Self {
        WorkerError::Store(StoreError::Database(error))
    }
}
