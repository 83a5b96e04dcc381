//! Checking the log against the sealed tree and its signed checkpoints, event by event as
//! [`super::verify`] walks it: the events, in position order, must give the leaves the sealer
//! stored, and the first `n` leaves must give the root each checkpoint of size `n` signed, under
//! a key the auditor trusts. The stored leaves only help to name the event that differs; the
//! signed roots decide.

use super::parse;
use super::sealed::{self, StoredCheckpoint};
use crate::db::Db;
use crate::error::StoreError;
use lyceum_audit::merkle::leaf_hash;
use lyceum_audit::{CompactTree, Hash};
use sqlx::Row;
use std::collections::VecDeque;

/// Stored leaves read at a time.
const PAGE: i64 = 5_000;

/// Why the log does not match the sealed tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeBreach {
    /// The event differs from the one sealed at its place in the tree.
    EditedSinceSealed,
    /// The tree sealed an event at this position that the log no longer has.
    Removed,
    /// The event was not sealed at its place in the tree: added or moved after sealing.
    Inserted,
    /// The checkpoint of this size is not signed by the trusted key.
    BadSignature { tree_size: i64 },
    /// The first `tree_size` events do not give the root the checkpoint signed.
    RootMismatch { tree_size: i64 },
    /// The log ends before the checkpoint's `tree_size` events: its tail was cut off.
    Truncated { tree_size: i64, events: u64 },
}

impl std::fmt::Display for TreeBreach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TreeBreach::EditedSinceSealed => {
                write!(f, "edited: it differs from the event sealed in its place")
            }
            TreeBreach::Removed => write!(f, "missing: the sealed event at this position is gone"),
            TreeBreach::Inserted => write!(
                f,
                "reordered: this event was not sealed here (added or moved after sealing)"
            ),
            TreeBreach::BadSignature { tree_size } => write!(
                f,
                "bad signature: the checkpoint of {tree_size} events is not signed by the trusted key"
            ),
            TreeBreach::RootMismatch { tree_size } => write!(
                f,
                "the first {tree_size} events do not give the root their checkpoint signed"
            ),
            TreeBreach::Truncated { tree_size, events } => write!(
                f,
                "truncated: a checkpoint covers {tree_size} events but the log has {events}; the \
                 events after this position were removed"
            ),
        }
    }
}

/// The walk's side of the check: fed each event's hash in position order.
pub(crate) struct AgainstTree {
    key: Option<[u8; 32]>,
    checkpoints: VecDeque<StoredCheckpoint>,
    tree: CompactTree,
    /// Stored leaves not yet compared: `(position, leaf hash)`.
    stored: VecDeque<(i64, Hash)>,
    /// The next stored leaf index to read.
    next_index: i64,
    stored_size: i64,
    pub checked_checkpoints: usize,
}

impl AgainstTree {
    /// Reads the checkpoints; `key` is the trusted public key (none: no signature is checked).
    pub(crate) async fn load(db: &Db, key: Option<[u8; 32]>) -> Result<AgainstTree, StoreError> {
        let mut conn = db.reader().acquire().await?;
        let checkpoints = VecDeque::from(sealed::all(&mut conn).await?);
        let stored_size = super::tree::size(&mut conn).await?;
        Ok(AgainstTree {
            key,
            checkpoints,
            tree: CompactTree::new(),
            stored: VecDeque::new(),
            next_index: 0,
            stored_size: i64::try_from(stored_size).unwrap_or(i64::MAX),
            checked_checkpoints: 0,
        })
    }

    /// The checkpoint count.
    pub(crate) fn checkpoints(&self) -> usize {
        self.checkpoints.len() + self.checked_checkpoints
    }

    /// The next event of the log, at `position` with hash `hash`: the position where the log
    /// first fails, and why, if it does.
    pub(crate) async fn event(
        &mut self,
        db: &Db,
        position: i64,
        hash: &Hash,
    ) -> Result<Option<(i64, TreeBreach)>, StoreError> {
        let leaf = leaf_hash(hash);
        if let Some((sealed_position, sealed_leaf)) = self.next_stored(db).await? {
            if sealed_position < position {
                return Ok(Some((sealed_position, TreeBreach::Removed)));
            }
            if sealed_position > position {
                return Ok(Some((position, TreeBreach::Inserted)));
            }
            if sealed_leaf != leaf {
                return Ok(Some((position, TreeBreach::EditedSinceSealed)));
            }
        }
        self.tree.append(leaf);
        let size = i64::try_from(self.tree.size()).unwrap_or(i64::MAX);
        while let Some(checkpoint) = self.checkpoints.front() {
            if checkpoint.tree_size != size {
                break;
            }
            if let Some(key) = &self.key
                && !checkpoint.signed_by(key)
            {
                return Ok(Some((
                    position,
                    TreeBreach::BadSignature {
                        tree_size: checkpoint.tree_size,
                    },
                )));
            }
            if parse(&checkpoint.root)? != self.tree.root() {
                return Ok(Some((
                    position,
                    TreeBreach::RootMismatch {
                        tree_size: checkpoint.tree_size,
                    },
                )));
            }
            self.checkpoints.pop_front();
            self.checked_checkpoints += 1;
        }
        Ok(None)
    }

    /// After the last event (at `last_position`): sealed events or checkpoints beyond it mean
    /// the tail was removed.
    pub(crate) async fn end(
        &mut self,
        db: &Db,
        last_position: i64,
    ) -> Result<Option<(i64, TreeBreach)>, StoreError> {
        if let Some((position, _)) = self.next_stored(db).await? {
            return Ok(Some((position, TreeBreach::Removed)));
        }
        Ok(self.checkpoints.front().map(|checkpoint| {
            (
                last_position,
                TreeBreach::Truncated {
                    tree_size: checkpoint.tree_size,
                    events: self.tree.size(),
                },
            )
        }))
    }

    /// The next stored leaf, reading a page when needed.
    async fn next_stored(&mut self, db: &Db) -> Result<Option<(i64, Hash)>, StoreError> {
        if self.stored.is_empty() && self.next_index < self.stored_size {
            let rows = sqlx::query(
                "SELECT l.leaf_index, l.position, n.hash FROM audit_leaves l \
                 LEFT JOIN audit_nodes n ON n.level = 0 AND n.idx = l.leaf_index \
                 WHERE l.leaf_index >= $1 ORDER BY l.leaf_index LIMIT $2",
            )
            .bind(self.next_index)
            .bind(PAGE)
            .fetch_all(db.reader())
            .await?;
            for row in &rows {
                self.next_index = row.try_get::<i64, _>("leaf_index")? + 1;
                let hash: Option<String> = row.try_get("hash")?;
                let hash = match hash {
                    Some(hash) => parse(&hash)?,
                    None => Hash::ZERO,
                };
                self.stored.push_back((row.try_get("position")?, hash));
            }
            if rows.is_empty() {
                self.next_index = self.stored_size;
            }
        }
        Ok(self.stored.pop_front())
    }
}
