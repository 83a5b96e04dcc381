//! In-process signals: the live feed of published events (for GraphQL subscriptions) and the
//! nudge an API process gives its relay after an append, so delivery does not wait for a poll.

use futures::{Stream, stream};
use lyceum_store::read::{Filter, read_between};
use lyceum_store::{Db, StoredEvent};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{Mutex, broadcast, watch};

/// The feed's position before anything was published or a start was set.
const UNSET: i64 = -1;
/// Most events a lagging listener reads back from the log at once.
const MISSED_BATCH: i64 = 500;

/// Events as they are delivered, for anyone in this process who listens. Slow listeners miss
/// events (they are told how many); the log remains the source of truth.
///
/// The feed remembers the last position it published, so whatever feeds it after a lost broker
/// connection resumes there instead of skipping what was appended meanwhile.
#[derive(Clone, Debug)]
pub struct LiveFeed {
    sender: broadcast::Sender<Arc<StoredEvent>>,
    published: Arc<AtomicI64>,
}

impl LiveFeed {
    pub fn new(capacity: usize) -> Self {
        Self {
            sender: broadcast::channel(capacity).0,
            published: Arc::new(AtomicI64::new(UNSET)),
        }
    }

    pub fn publish(&self, event: Arc<StoredEvent>) {
        self.published.fetch_max(event.position, Ordering::SeqCst);
        // No listener is not an error.
        let _ = self.sender.send(event);
    }

    /// The last position published, once the feed has a source.
    pub fn published(&self) -> Option<i64> {
        Some(self.published.load(Ordering::SeqCst)).filter(|&position| position != UNSET)
    }

    /// The position the feed has published up to: the last event published, or `start` if
    /// this is the feed's first source (a new process shows only what is new).
    pub fn resume_from(&self, start: i64) -> i64 {
        match self
            .published
            .compare_exchange(UNSET, start, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => start,
            Err(published) => published,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.sender.subscribe()
    }

    /// The events published from now on, as a stream for one listener, each once and in
    /// order. A listener that falls more than the feed's capacity behind reads what it missed
    /// from the log instead of skipping it.
    pub fn listen(&self, db: Db) -> impl Stream<Item = Arc<StoredEvent>> + use<> {
        let listener = Listener {
            receiver: self.subscribe(),
            feed: self.clone(),
            db,
            last: self.published().unwrap_or(UNSET),
            behind: UNSET,
            missed: VecDeque::new(),
        };
        stream::unfold(listener, |mut listener| async move {
            let event = listener.next().await?;
            Some((event, listener))
        })
    }
}

/// One listener's place in the feed.
struct Listener {
    receiver: broadcast::Receiver<Arc<StoredEvent>>,
    feed: LiveFeed,
    db: Db,
    /// The position of the last event handed out.
    last: i64,
    /// After falling behind: the position up to which the listener reads the log.
    behind: i64,
    /// The next batch of what it missed, read back from the log.
    missed: VecDeque<StoredEvent>,
}

impl Listener {
    async fn next(&mut self) -> Option<Arc<StoredEvent>> {
        loop {
            if self.missed.is_empty() && self.last < self.behind {
                self.read_missed().await;
            }
            let event = match self.missed.pop_front() {
                Some(event) => Arc::new(event),
                None => match self.receiver.recv().await {
                    Ok(event) => event,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "a listener fell behind: reading the log");
                        // A listener that does not know where it started skips what it missed.
                        if self.last != UNSET {
                            self.behind = self.feed.published().unwrap_or(self.last);
                        }
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                },
            };
            if event.position > self.last {
                self.last = event.position;
                return Some(event);
            }
        }
    }

    /// Reads the next batch of what the listener missed from the log: one batch at a time, so
    /// a listener far behind holds no more than that. An error reading skips the rest.
    async fn read_missed(&mut self) {
        let filter = Filter::default();
        match read_between(&self.db, self.last, self.behind, MISSED_BATCH, &filter).await {
            Ok(events) if !events.is_empty() => self.missed.extend(events),
            Ok(_) => self.behind = self.last,
            Err(error) => {
                tracing::warn!(%error, "a listener's missed events could not be read");
                self.behind = self.last;
            }
        }
    }
}

/// How many events a listener may fall behind before it misses some: enough for the backlog a
/// broker restart under load leaves, which reaches the feed at once when the relay resumes.
const CAPACITY: usize = 16_384;

impl Default for LiveFeed {
    fn default() -> Self {
        Self::new(CAPACITY)
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

    fn event_at(position: i64) -> StoredEvent {
        StoredEvent {
            position,
            event_id: uuid::Uuid::nil(),
            aggregate_type: "space".into(),
            aggregate_id: uuid::Uuid::nil(),
            version: 1,
            event_type: "SpaceCreated".into(),
            event_version: 1,
            payload: serde_json::Value::Null,
            space_id: None,
            actor: "system".into(),
            correlation_id: uuid::Uuid::nil(),
            causation_id: None,
            request_id: String::new(),
            recorded_at: String::new(),
            occurred_at: String::new(),
        }
    }

    #[test]
    fn the_feed_resumes_where_it_stopped_publishing() {
        let feed = LiveFeed::default();
        assert_eq!(feed.resume_from(40), 40);
        assert_eq!(feed.resume_from(90), 40, "the start is set once");
        feed.publish(Arc::new(event_at(57)));
        assert_eq!(feed.resume_from(90), 57);
    }

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
