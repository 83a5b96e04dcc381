//! In-process signals: the live feed of published events (for GraphQL subscriptions) and the
//! nudge an API process gives its relay after an append, so delivery does not wait for a poll.

use lyceum_store::StoredEvent;
use std::sync::Arc;
use tokio::sync::{Mutex, broadcast, watch};

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

/// Wakes the relay (and, in embedded mode, the consumers) when something was appended. Each
/// clone remembers which nudges it has seen, so a nudge sent while its holder was busy is not
/// lost: the holder's next wait returns at once.
#[derive(Debug)]
pub struct Nudge {
    sender: Arc<watch::Sender<u64>>,
    seen: Mutex<watch::Receiver<u64>>,
}

impl Nudge {
    pub fn nudge(&self) {
        self.sender
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    /// Waits for a nudge this clone has not seen yet, or until `timeout` passes.
    pub async fn wait(&self, timeout: std::time::Duration) {
        let mut seen = self.seen.lock().await;
        let _ = tokio::time::timeout(timeout, seen.changed()).await;
    }
}

impl Default for Nudge {
    fn default() -> Self {
        let (sender, seen) = watch::channel(0);
        Self {
            sender: Arc::new(sender),
            seen: Mutex::new(seen),
        }
    }
}

impl Clone for Nudge {
    fn clone(&self) -> Self {
        Self {
            sender: self.sender.clone(),
            seen: Mutex::new(self.sender.subscribe()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn a_nudge_sent_while_busy_is_not_lost() {
        let nudge = Nudge::default();
        let waiter = nudge.clone();
        nudge.nudge();
        let started = tokio::time::Instant::now();
        waiter.wait(Duration::from_secs(60)).await;
        assert!(started.elapsed() < Duration::from_secs(1));
        // Seen now: the next wait runs to its timeout.
        waiter.wait(Duration::from_secs(60)).await;
        assert!(started.elapsed() >= Duration::from_secs(60));
    }
}
