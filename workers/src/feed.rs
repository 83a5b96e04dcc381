//! In-process signals: the live feed of published events (for GraphQL subscriptions) and the
//! nudge an API process gives its relay after an append, so delivery does not wait for a poll.

use lyceum_store::StoredEvent;
use std::sync::Arc;
use tokio::sync::{Notify, broadcast};

/// Events as they are delivered, for anyone in this process who listens. Slow listeners miss
/// events (they are told how many); the log remains the source of truth.
#[derive(Clone, Debug)]
pub struct LiveFeed {
    sender: broadcast::Sender<Arc<StoredEvent>>,
}

impl LiveFeed {
    pub fn new(capacity: usize) -> Self {
        Self {
            sender: broadcast::channel(capacity).0,
        }
    }

    pub fn publish(&self, event: Arc<StoredEvent>) {
        // No listener is not an error.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.sender.subscribe()
    }
}

impl Default for LiveFeed {
    fn default() -> Self {
        Self::new(1024)
    }
}

/// Wakes the relay (and, in embedded mode, the consumers) when something was appended.
#[derive(Clone, Debug, Default)]
pub struct Nudge(Arc<Notify>);

impl Nudge {
    pub fn nudge(&self) {
        self.0.notify_waiters();
    }

    /// Waits for a nudge or until `timeout` passes, whichever is first.
    pub async fn wait(&self, timeout: std::time::Duration) {
        let _ = tokio::time::timeout(timeout, self.0.notified()).await;
    }
}
