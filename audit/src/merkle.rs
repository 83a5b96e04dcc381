//! The RFC 9162 Merkle tree over every event in position order: hashing rules, roots and proofs.
//!
//! Leaf `i` of the tree is [`leaf_hash`] of the hash ([`crate::event`]) of the event at the
//! `i`-th position of the log. Every function here takes and returns those leaf hashes (the
//! tree's level 0), never event hashes: `leaf_hash` is applied once, when an event enters the
//! tree.
//!
//! The hashing rules are those of RFC 9162 §2.1.1 (the same as RFC 6962):
//!
//! - a leaf is `SHA-256(0x00 || event hash)`, an interior node `SHA-256(0x01 || left || right)`;
//! - the root (MTH) of no leaves is `SHA-256("")`, of one leaf the leaf itself, and of
//!   `n > 1` leaves `node_hash(MTH(D[0:k]), MTH(D[k:n]))` with `k` the largest power of two
//!   smaller than `n`.
//!
//! Roots and proofs come from leaves in memory (the functions of this module), or from a
//! [`Nodes`] store of perfect-subtree hashes for a tree too large for memory (`*_from`). Both
//! run the one recursion of `path.rs`; [`verify_inclusion`] and [`verify_consistency`] are the
//! RFC 9162 §2.1.3.2 and §2.1.4.2 verification algorithms.

mod memory;
mod nodes;
mod path;
mod verify;

use std::convert::Infallible;

pub use memory::MemoryTree;
pub use nodes::{Nodes, consistency_proof_from, inclusion_proof_from, root_from};
pub use verify::{verify_consistency, verify_inclusion};

use crate::{AuditError, Hash};

/// The leaf of the tree for an event: `SHA-256(0x00 || event_hash)`.
pub fn leaf_hash(event_hash: &Hash) -> Hash {
    Hash::sha256(&[&[0x00], &event_hash.0])
}

/// An interior node of the tree: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Hash::sha256(&[&[0x01], &left.0, &right.0])
}

/// The root of the tree with no leaves: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Hash::sha256(&[])
}

/// The root (MTH) of the tree of `leaves`.
pub fn root(leaves: &[Hash]) -> Hash {
    let Ok(root) = path::root(&in_memory(leaves), size_of(leaves));
    root
}

/// The inclusion proof (RFC 9162 §2.1.3.1 PATH) of the leaf at `index` in the tree of `leaves`:
/// sibling hashes from the leaf up to the root.
pub fn inclusion_proof(index: u64, leaves: &[Hash]) -> Result<Vec<Hash>, AuditError> {
    let size = size_of(leaves);
    path::check_leaf_index(index, size)?;
    let Ok(proof) = path::inclusion(&in_memory(leaves), index, size);
    Ok(proof)
}

/// The consistency proof (RFC 9162 §2.1.4.1 PROOF) that the tree of the first `old_size` of
/// `leaves` is a prefix of the tree of all of them. Empty when `old_size` is 0 or all leaves.
pub fn consistency_proof(old_size: u64, leaves: &[Hash]) -> Result<Vec<Hash>, AuditError> {
    let size = size_of(leaves);
    path::check_old_size(old_size, size)?;
    let Ok(proof) = path::consistency(&in_memory(leaves), old_size, size);
    Ok(proof)
}

fn size_of(leaves: &[Hash]) -> u64 {
    leaves.len() as u64
}

/// Perfect-subtree hashes computed from the leaves, each in time proportional to its size. The
/// recursions of `path.rs` ask for disjoint subtrees, so a root or a proof costs O(n).
fn in_memory(leaves: &[Hash]) -> impl Fn(u32, u64) -> Result<Hash, Infallible> + '_ {
    |level, index| {
        let start = (index << level) as usize;
        Ok(perfect_root(&leaves[start..start + (1 << level)]))
    }
}

/// The root of a power-of-two number of leaves.
fn perfect_root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [leaf] => *leaf,
        _ => {
            let (left, right) = leaves.split_at(leaves.len() / 2);
            node_hash(&perfect_root(left), &perfect_root(right))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values from an independent implementation (Python's hashlib).
    #[test]
    fn hashing_rules_have_the_rfc_prefixes() {
        assert_eq!(
            empty_root().to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            leaf_hash(&Hash::ZERO).to_hex(),
            "7f9c9e31ac8256ca2f258583df262dbc7d6f68f2a03043d5c99a4ae5a7396ce9"
        );
        assert_eq!(
            node_hash(&Hash::ZERO, &Hash([0xff; 32])).to_hex(),
            "bc6b943b820c449acf880d293c216a24a8066b153f87f2361fae2beda3a72641"
        );
    }

    #[test]
    fn out_of_range_arguments_are_refused() {
        let leaves = [leaf_hash(&Hash::ZERO); 3];
        let out_of_range = |index| Err(AuditError::IndexOutOfRange { index, size: 3 });
        assert_eq!(inclusion_proof(3, &leaves), out_of_range(3));
        assert_eq!(consistency_proof(4, &leaves), out_of_range(4));
        assert_eq!(
            inclusion_proof(0, &[]),
            Err(AuditError::IndexOutOfRange { index: 0, size: 0 })
        );
    }
}
