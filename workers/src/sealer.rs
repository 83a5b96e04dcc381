//! The sealer: one active at a time (like the relay), it reads the log behind the high-water
//! mark, appends each event's hash to the Merkle tree over the log in position order (RFC
//! 9162), stores the subtrees it completes, and every so many events or seconds signs a
//! checkpoint of the tree's size and root with the installation's Ed25519 key.

use crate::error::WorkerError;
use crate::leadership::{Leadership, SEALER_LOCK, acquire_lead};
use crate::pause::{Backoff, or_shutdown};
use lyceum_audit::checkpoint::{SigningKey, public_key, public_key_to_hex, signature_to_hex};
use lyceum_audit::merkle::leaf_hash;
use lyceum_audit::{Checkpoint, Hash};
use lyceum_store::chain::sealed::{self, StoredCheckpoint};
use lyceum_store::chain::tree::{self, SealedTree};
use lyceum_store::clock::Clock;
use lyceum_store::read::high_water_mark;
use lyceum_store::{Db, time};
use sqlx::Connection;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the sealer sleeps between rounds.
const IDLE: Duration = Duration::from_millis(200);
/// How often a sealer on standby tries to take the lead.
const STANDBY_RETRY: Duration = Duration::from_secs(1);
/// How often the leader checks that its lock connection is still alive.
const LEADERSHIP_CHECK: Duration = Duration::from_secs(5);

/// Counts the events sealed, and the tree's size.
pub const SEALED: &str = "lyceum_audit_events_sealed_total";
pub const TREE_SIZE: &str = "lyceum_audit_tree_size";
pub const CHECKPOINTS: &str = "lyceum_audit_checkpoints_total";

/// When a checkpoint is due: after `events` new events, or `interval` after the last
/// checkpoint when anything new was sealed.
#[derive(Debug, Clone, Copy)]
pub struct Cadence {
    pub events: u64,
    pub interval: Duration,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence {
            events: 1_000,
            interval: Duration::from_secs(10),
        }
    }
}

/// Seals the log.
#[derive(Debug)]
pub struct Sealer {
    db: Db,
    key: SigningKey,
    public_key: String,
    cadence: Cadence,
    clock: Arc<dyn Clock>,
}

/// What the leading sealer knows: the tree as stored, and its last checkpoint.
struct Sealing {
    sealed: SealedTree,
    checkpoint_size: u64,
    checkpoint_at: Instant,
}

impl Sealer {
    pub fn new(db: Db, key: SigningKey, cadence: Cadence, clock: Arc<dyn Clock>) -> Sealer {
        let public_key = public_key_to_hex(&public_key(&key));
        Sealer {
            db,
            key,
            public_key,
            cadence: Cadence {
                events: cadence.events.max(1),
                interval: cadence.interval,
            },
            clock,
        }
    }

    /// Seals until `shutdown` completes, waiting on standby while another sealer leads.
    /// Database errors are logged and retried with back-off. A checkpoint signed by another key
    /// ends the run with [`WorkerError::AuditKey`] (signing on with a different key would hide
    /// the replacement of the key from anyone who checks signatures); the supervisor tries
    /// again with back-off and `/readyz` shows why, while the rest of the process goes on.
    pub async fn run(self, shutdown: impl Future) -> Result<(), WorkerError> {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let Some(leadership) = self.lead(&mut shutdown).await? else {
                return Ok(());
            };
            let (leadership, outcome) = self.seal(leadership, &mut shutdown).await;
            if let Some(leadership) = leadership {
                if let Err(error) = leadership.release().await {
                    tracing::warn!(%error, "could not release the sealer lock");
                }
                return outcome;
            }
        }
    }

    async fn lead<S: Future + ?Sized>(
        &self,
        shutdown: &mut Pin<&mut S>,
    ) -> Result<Option<Leadership>, WorkerError> {
        let mut announced = false;
        loop {
            match acquire_lead(&self.db, SEALER_LOCK).await {
                Ok(Some(leadership)) => {
                    tracing::info!(public_key = %self.public_key, "sealer leading");
                    return Ok(Some(leadership));
                }
                Ok(None) if !announced => {
                    tracing::info!("another sealer leads: standby");
                    announced = true;
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "could not try the sealer lock"),
            }
            if or_shutdown(tokio::time::sleep(STANDBY_RETRY), shutdown).await {
                return Ok(None);
            }
        }
    }

    /// Seals while the lead lasts; see [`crate::relay::Relay::run`] for what is returned.
    async fn seal<S: Future + ?Sized>(
        &self,
        mut leadership: Leadership,
        shutdown: &mut Pin<&mut S>,
    ) -> (Option<Leadership>, Result<(), WorkerError>) {
        let mut backoff = Backoff::new();
        let mut checked = Instant::now();
        let mut state: Option<Sealing> = None;
        loop {
            if checked.elapsed() >= LEADERSHIP_CHECK {
                if !leadership.is_held().await {
                    tracing::warn!("lost the sealer lock's connection: back to standby");
                    return (None, Ok(()));
                }
                checked = Instant::now();
            }
            let round = match state.as_mut() {
                Some(sealing) => self.step(sealing, false).await,
                None => self.start().await.map(|sealing| {
                    state = Some(sealing);
                    0
                }),
            };
            let pause = match round {
                Ok(sealed) => {
                    backoff.reset();
                    if sealed > 0 { Duration::ZERO } else { IDLE }
                }
                Err(error @ WorkerError::AuditKey(_)) => return (Some(leadership), Err(error)),
                Err(error) => {
                    tracing::warn!(%error, "sealing failed; retrying");
                    // What was stored is the truth: read it again.
                    state = None;
                    backoff.next_delay()
                }
            };
            if or_shutdown(tokio::time::sleep(pause), shutdown).await {
                return (Some(leadership), Ok(()));
            }
        }
    }

    /// Loads the stored tree and checks that the last checkpoint is this key's.
    async fn start(&self) -> Result<Sealing, WorkerError> {
        let mut conn = self.db.writer().acquire().await?;
        let sealed = tree::load(&mut conn).await?;
        let last = sealed::latest(&mut conn).await?;
        if let Some(last) = &last
            && last.public_key != self.public_key
        {
            return Err(WorkerError::AuditKey(format!(
                "the audit signing key (public key {}) is not the one that signed the last \
                 checkpoint (tree size {}, public key {}): restore that key file",
                self.public_key, last.tree_size, last.public_key
            )));
        }
        metrics::gauge!(TREE_SIZE).set(sealed.tree.size() as f64);
        Ok(Sealing {
            checkpoint_size: last
                .map_or(0, |last| u64::try_from(last.tree_size).unwrap_or_default()),
            checkpoint_at: Instant::now(),
            sealed,
        })
    }

    /// Seals everything below the high-water mark and signs a checkpoint of it at once, unless
    /// the last checkpoint already covers it; returns the tree's size. For `lyceum audit seal`
    /// and tests: the running sealer does the same on its cadence.
    ///
    /// It does not wait for the lead: where a running sealer leads, the two may write the same
    /// leaf, which the tables refuse to one of them; that one reads the tree again and goes on.
    pub async fn seal_now(&self) -> Result<u64, WorkerError> {
        let mut attempts = 0;
        loop {
            let round = async {
                let mut sealing = self.start().await?;
                while self.step(&mut sealing, false).await? > 0 {}
                self.step(&mut sealing, true).await?;
                Ok::<_, WorkerError>(sealing.sealed.tree.size())
            };
            match round.await {
                Err(WorkerError::Store(error)) if attempts < 20 => {
                    attempts += 1;
                    tracing::debug!(%error, "sealing raced another sealer; again");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                outcome => return outcome,
            }
        }
    }

    /// Seals the next events below the high-water mark, with a checkpoint when one is due (or,
    /// with `force`, whenever the tree grew since the last), in one transaction. Returns how
    /// many events were sealed.
    async fn step(&self, sealing: &mut Sealing, force: bool) -> Result<usize, WorkerError> {
        let hwm = high_water_mark(&self.db).await?;
        let limit = i64::try_from(self.cadence.events.min(5_000)).unwrap_or(5_000);
        let mut conn = self.db.writer().acquire().await?;
        let hashes =
            tree::event_hashes(&mut conn, sealing.sealed.last_position, hwm, limit).await?;
        let mut grown = sealing.sealed.tree.clone();
        let first = grown.size();
        let mut nodes = Vec::with_capacity(hashes.len() * 2);
        for (_, hash) in &hashes {
            nodes.extend(grown.append(leaf_hash(hash)));
        }
        let last_position = hashes
            .last()
            .map_or(sealing.sealed.last_position, |(position, _)| *position);
        // A tree shorter than its last checkpoint (cut behind the sealer's back) is not sealed on.
        let since = grown.size().saturating_sub(sealing.checkpoint_size);
        let due = since > 0
            && (force
                || since >= self.cadence.events
                // A round early rather than late: the next round may be a pause away.
                || sealing.checkpoint_at.elapsed() + IDLE >= self.cadence.interval);
        if hashes.is_empty() && !due {
            return Ok(0);
        }
        let positions: Vec<i64> = hashes.iter().map(|(position, _)| *position).collect();
        let checkpoint = due.then(|| self.sign(grown.size(), grown.root(), last_position));
        let mut tx = conn.begin().await?;
        tree::save(&mut tx, first, &positions, &nodes).await?;
        if let Some(checkpoint) = &checkpoint {
            sealed::save(&mut tx, checkpoint).await?;
        }
        tx.commit().await?;
        sealing.sealed = SealedTree {
            tree: grown,
            last_position,
        };
        metrics::counter!(SEALED).increment(hashes.len() as u64);
        metrics::gauge!(TREE_SIZE).set(sealing.sealed.tree.size() as f64);
        if checkpoint.is_some() {
            sealing.checkpoint_size = sealing.sealed.tree.size();
            sealing.checkpoint_at = Instant::now();
            metrics::counter!(CHECKPOINTS).increment(1);
        }
        Ok(hashes.len())
    }

    fn sign(&self, tree_size: u64, root: Hash, position: i64) -> StoredCheckpoint {
        let checkpoint = Checkpoint {
            tree_size,
            root,
            time: time::format(self.clock.now()),
        };
        StoredCheckpoint {
            tree_size: i64::try_from(tree_size).unwrap_or(i64::MAX),
            position,
            root: root.to_hex(),
            signature: signature_to_hex(&checkpoint.sign(&self.key)),
            time: checkpoint.time,
            public_key: self.public_key.clone(),
        }
    }
}
