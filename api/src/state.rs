//! What every handler shares: built once, outside the server's worker factory.

use lyceum_store::Db;
use lyceum_workers::{LiveFeed, Nudge};
use std::time::Duration;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Events as they are delivered, for subscriptions.
    pub feed: LiveFeed,
    /// Wakes the relay after an append.
    pub nudge: Nudge,
    /// How long a read waits for `min_position` before answering 503.
    pub consistency_timeout: Duration,
}

impl AppState {
    pub fn new(db: Db, feed: LiveFeed, nudge: Nudge) -> Self {
        Self {
            db,
            feed,
            nudge,
            consistency_timeout: Duration::from_secs(5),
        }
    }
}
