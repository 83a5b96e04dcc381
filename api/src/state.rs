//! What every handler shares: built once, outside the server's worker factory.

use crate::limits::{Policies, RateLimiter};
use lyceum_domain::payment::providers::Payments;
use lyceum_store::Db;
use lyceum_store::clock::{Clock, SystemClock};
use lyceum_workers::{Health, Listening, LiveFeed, Nudge};
use std::sync::Arc;
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
    /// Whether this process hears other processes' checkpoint moves (Postgres's notifications,
    /// `lyceum_workers::checkpoint_listener`); while it does not, a wait polls as well.
    pub listening: Listening,
    /// Whether webhook endpoints may target private, loopback and link-local addresses.
    pub allow_private_webhooks: bool,
    /// The time, for commands that depend on it (trials, periods).
    pub clock: Arc<dyn Clock>,
    /// The rate limits of callers and of members' engagement, counted in the database so
    /// every API node shares them.
    pub limits: Arc<RateLimiter>,
    /// What the process's workers say about their readiness, for `/readyz`.
    pub health: Health,
    /// The payment provider that charges each space's members.
    pub payments: Payments,
    /// The bearer token `/metrics` asks for; `None` leaves it open.
    pub metrics_token: Option<String>,
    /// The public key (64 hex digits) that signs the log's checkpoints, from the key file;
    /// `None` where this process has none (then the latest checkpoint's key is served).
    pub audit_public_key: Option<String>,
}

impl AppState {
    pub fn new(db: Db, feed: LiveFeed, nudge: Nudge) -> Self {
        let limits = Arc::new(RateLimiter::new(db.clone(), Policies::default()));
        Self {
            db,
            feed,
            nudge,
            consistency_timeout: Duration::from_secs(5),
            listening: Listening::default(),
            allow_private_webhooks: false,
            clock: Arc::new(SystemClock),
            limits,
            health: Health::default(),
            payments: Payments::default(),
            metrics_token: None,
            audit_public_key: None,
        }
    }
}
