//! Roots and proofs for a tree too large for memory, from a store of perfect-subtree hashes.

use std::collections::BTreeMap;

use crate::merkle::path;
use crate::{AuditError, Hash};

/// A store of the hashes of the tree's perfect subtrees, such as the table the server fills
/// with the nodes [`CompactTree::append`](crate::CompactTree::append) reports.
pub trait Nodes {
    /// The hash of the perfect subtree over the leaves `[index << level, (index + 1) << level)`:
    /// at level 0 the leaf hash, at level `l + 1` the node hash of the subtrees `(l, 2 * index)`
    /// and `(l, 2 * index + 1)`. [`AuditError::MissingNode`] if the store does not have it.
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, AuditError>;
}

/// Hashes keyed by `(level, index)`: for instance the few nodes a proof needs, fetched at once.
impl Nodes for BTreeMap<(u32, u64), Hash> {
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, AuditError> {
        self.get(&(level, index))
            .copied()
            .ok_or(AuditError::MissingNode { level, index })
    }
}

/// The root (MTH) of the first `size` leaves of `nodes`.
pub fn root_from<N: Nodes + ?Sized>(nodes: &N, size: u64) -> Result<Hash, AuditError> {
    path::root(&lookup(nodes), size)
}

/// The inclusion proof of the leaf at `index` in the tree of the first `size` leaves of
/// `nodes`, as [`inclusion_proof`](crate::merkle::inclusion_proof) computes it from the leaves.
pub fn inclusion_proof_from<N: Nodes + ?Sized>(
    nodes: &N,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, AuditError> {
    path::check_leaf_index(index, size)?;
    path::inclusion(&lookup(nodes), index, size)
}

/// The consistency proof between the trees of the first `old_size` and the first `size` leaves
/// of `nodes`, as [`consistency_proof`](crate::merkle::consistency_proof) computes it from the
/// leaves.
pub fn consistency_proof_from<N: Nodes + ?Sized>(
    nodes: &N,
    old_size: u64,
    size: u64,
) -> Result<Vec<Hash>, AuditError> {
    path::check_old_size(old_size, size)?;
    path::consistency(&lookup(nodes), old_size, size)
}

fn lookup<N: Nodes + ?Sized>(nodes: &N) -> impl Fn(u32, u64) -> Result<Hash, AuditError> + '_ {
    |level, index| nodes.subtree(level, index)
}
