//! How the events are bound to the signed checkpoints. A complete export rebuilds the tree
//! from every event and compares its root with each checkpoint's as the tree reaches its size;
//! a partial export has each sealed event's inclusion proof in the last checkpoint's tree.

use std::collections::VecDeque;

use lyceum_audit::merkle::{leaf_hash, verify_inclusion};
use lyceum_audit::{CompactTree, Hash};

use crate::checkpoints::Seal;
use crate::{Breach, Failure};

/// The tree of a complete export, rebuilt one event at a time.
#[derive(Debug)]
pub(crate) struct Rebuild {
    tree: CompactTree,
    /// The checkpoints the tree has not reached yet, smallest first.
    ahead: VecDeque<Seal>,
    /// The position of the first event after the last checkpoint the tree matched: where a
    /// mismatch begins to be possible.
    since_match: Option<i64>,
}

impl Rebuild {
    pub(crate) fn new(seals: &[Seal]) -> Rebuild {
        Rebuild {
            tree: CompactTree::new(),
            ahead: seals.iter().copied().collect(),
            since_match: None,
        }
    }

    /// Compares the tree's root with the checkpoint of its size, if there is one. Called
    /// before each event, so that a mismatch is reported before anything the next event shows.
    pub(crate) fn compare_reached(&mut self) -> Result<(), Failure> {
        while let Some(seal) = self.ahead.front() {
            if seal.tree_size != self.tree.size() {
                break;
            }
            if seal.root != self.tree.root() {
                return Err(Failure {
                    position: self.since_match,
                    breach: Breach::RootMismatch {
                        tree_size: seal.tree_size,
                    },
                });
            }
            self.ahead.pop_front();
            self.since_match = None;
        }
        Ok(())
    }

    /// Adds the event at `position` with hash `hash` as the next leaf.
    pub(crate) fn append(&mut self, position: i64, hash: &Hash) {
        self.tree.append(leaf_hash(hash));
        self.since_match.get_or_insert(position);
    }

    /// The number of leaves so far.
    pub(crate) fn size(&self) -> u64 {
        self.tree.size()
    }

    /// Compares the last roots the tree reached, and refuses a file that ends before a
    /// checkpoint's size: the events after `last_position` were cut off.
    pub(crate) fn finish(&mut self, last_position: Option<i64>) -> Result<(), Failure> {
        self.compare_reached()?;
        match self.ahead.front() {
            Some(seal) => Err(Failure {
                position: last_position,
                breach: Breach::Truncated {
                    tree_size: seal.tree_size,
                },
            }),
            None => Ok(()),
        }
    }
}

/// Checks, in a partial export, that the event with hash `hash` at `leaf_index` is in the tree
/// of the last checkpoint `sealed_by`. Returns whether it is sealed: an event beyond that tree
/// has nothing to prove and is only checked along its chain.
pub(crate) fn check_inclusion(
    sealed_by: Option<Seal>,
    leaf_index: u64,
    hash: &Hash,
    proof: Option<&[Hash]>,
) -> Result<bool, Breach> {
    let Some(seal) = sealed_by.filter(|seal| leaf_index < seal.tree_size) else {
        return Ok(false);
    };
    let proof = proof.ok_or(Breach::NotIncluded)?;
    verify_inclusion(
        leaf_index,
        seal.tree_size,
        &leaf_hash(hash),
        proof,
        &seal.root,
    )
    .map_err(|_| Breach::NotIncluded)?;
    Ok(true)
}
