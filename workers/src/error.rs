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
    /// A supervised task ended with an error or a panic.
    #[error("task {task} failed: {reason}")]
    TaskFailed { task: String, reason: String },
}

impl From<sqlx::Error> for WorkerError {
    fn from(error: sqlx::Error) -> Self {
        WorkerError::Store(StoreError::Database(error))
    }
}
