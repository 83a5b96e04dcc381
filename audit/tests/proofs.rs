//! Inclusion and consistency proofs of random trees verify, and stop verifying when anything
//! about them is changed; proofs from a node store equal those from the leaves, at O(log n)
//! lookups.

#![allow(clippy::unwrap_used)]

mod common;

use std::cell::Cell;

use lyceum_audit::merkle::{
    self, MemoryTree, Nodes, consistency_proof_from, inclusion_proof_from, root_from,
    verify_consistency, verify_inclusion,
};
use lyceum_audit::{AuditError, Hash};
use proptest::prelude::*;

use common::leaves;

/// Trees of up to `MAX_SIZE` leaves, and other sizes up to `POOL` to compare them with.
const MAX_SIZE: u64 = 200;
const POOL: u64 = 256;

/// A seed, a tree size `n` in `1..MAX_SIZE` and a number in `0..n`.
fn tree_and_position() -> impl Strategy<Value = (u64, u64, u64)> {
    (any::<u64>(), 1..MAX_SIZE).prop_flat_map(|(seed, n)| (Just(seed), Just(n), 0..n))
}

/// A seed, a tree size `n` in `1..MAX_SIZE` and an earlier size in `0..=n`.
fn tree_and_old_size() -> impl Strategy<Value = (u64, u64, u64)> {
    (any::<u64>(), 1..MAX_SIZE).prop_flat_map(|(seed, n)| (Just(seed), Just(n), 0..=n))
}

/// `hash` with one bit flipped.
fn tampered(hash: &Hash) -> Hash {
    let mut bytes = hash.0;
    bytes[31] ^= 1;
    Hash(bytes)
}

proptest! {
    #[test]
    fn inclusion_proofs_verify_and_nothing_else_does((seed, n, index) in tree_and_position()) {
        let pool = MemoryTree::new(leaves(seed, POOL));
        let leaves = &pool.leaves()[..n as usize];
        let leaf = leaves[index as usize];
        let root = merkle::root(leaves);
        let proof = merkle::inclusion_proof(index, leaves).unwrap();
        prop_assert_eq!(verify_inclusion(index, n, &leaf, &proof, &root), Ok(()));

        let fails = |index, size, leaf: &Hash, proof: &[Hash], root: &Hash| {
            verify_inclusion(index, size, leaf, proof, root).is_err()
        };
        prop_assert!(fails(index, n, &tampered(&leaf), &proof, &root));
        prop_assert!(fails(index, n, &leaf, &proof, &tampered(&root)));
        for i in 0..proof.len() {
            let mut altered = proof.clone();
            altered[i] = tampered(&altered[i]);
            prop_assert!(fails(index, n, &leaf, &altered, &root), "element {}", i);
        }
        prop_assert!(fails(index, n, &leaf, &[proof.as_slice(), &[root]].concat(), &root));
        if let Some((_, shorter)) = proof.split_last() {
            prop_assert!(fails(index, n, &leaf, shorter, &root));
        }
        for other in (0..n).filter(|&other| other != index) {
            prop_assert!(fails(other, n, &leaf, &proof, &root), "index {}", other);
        }
        // Against another size, with that size's real root. (With this tree's root, another
        // size where the leaf has the same path would verify: a root does not tell its size,
        // which is why a checkpoint signs the two together.)
        for other in (1..=POOL).filter(|&other| other != n) {
            let other_root = root_from(&pool, other).unwrap();
            prop_assert!(fails(index, other, &leaf, &proof, &other_root), "size {}", other);
        }
    }

    #[test]
    fn consistency_proofs_verify((seed, n, m) in tree_and_old_size()) {
        let leaves = leaves(seed, n);
        let proof = merkle::consistency_proof(m, &leaves).unwrap();
        let (old_root, root) = (merkle::root(&leaves[..m as usize]), merkle::root(&leaves));
        prop_assert_eq!(verify_consistency(m, n, &old_root, &root, &proof), Ok(()));
    }

    /// For `0 < m < n`, where a proof is not empty. (Every tree extends the empty tree, so
    /// "altering" the old size to 0 with the empty root would rightly verify.)
    #[test]
    fn consistency_proofs_verify_nothing_else((seed, n, m) in tree_and_position()) {
        prop_assume!(m > 0);
        let pool = MemoryTree::new(leaves(seed, POOL));
        let root_of = |size| root_from(&pool, size).unwrap();
        let (old_root, root) = (root_of(m), root_of(n));
        let proof = consistency_proof_from(&pool, m, n).unwrap();
        prop_assert_eq!(verify_consistency(m, n, &old_root, &root, &proof), Ok(()));

        let fails = |m, n, old_root: &Hash, root: &Hash, proof: &[Hash]| {
            verify_consistency(m, n, old_root, root, proof).is_err()
        };
        prop_assert!(fails(m, n, &tampered(&old_root), &root, &proof));
        prop_assert!(fails(m, n, &old_root, &tampered(&root), &proof));
        for i in 0..proof.len() {
            let mut altered = proof.clone();
            altered[i] = tampered(&altered[i]);
            prop_assert!(fails(m, n, &old_root, &root, &altered), "element {}", i);
        }
        prop_assert!(fails(m, n, &old_root, &root, &[proof.as_slice(), &[root]].concat()));
        if let Some((_, shorter)) = proof.split_last() {
            prop_assert!(fails(m, n, &old_root, &root, shorter));
        }
        // Other sizes, with their real roots (see the inclusion proofs above).
        for other in (1..=n).filter(|&other| other != m) {
            prop_assert!(fails(other, n, &root_of(other), &root, &proof), "old size {}", other);
        }
        for other in (m..=POOL).filter(|&other| other != n) {
            prop_assert!(fails(m, other, &old_root, &root_of(other), &proof), "size {}", other);
        }
    }

    #[test]
    fn stored_nodes_give_the_proofs_of_the_leaves((seed, n, k) in tree_and_old_size()) {
        let leaves = leaves(seed, n);
        let stored = MemoryTree::new(leaves.clone());
        prop_assert_eq!(root_from(&stored, n), Ok(merkle::root(&leaves)));
        if k < n {
            prop_assert_eq!(
                inclusion_proof_from(&stored, k, n),
                merkle::inclusion_proof(k, &leaves)
            );
        }
        prop_assert_eq!(
            consistency_proof_from(&stored, k, n),
            merkle::consistency_proof(k, &leaves)
        );
    }
}

/// Every proof of every small tree verifies.
#[test]
fn every_proof_of_small_trees_verifies() {
    for n in 1..=64 {
        let leaves = leaves(n, n);
        let root = merkle::root(&leaves);
        for index in 0..n {
            let proof = merkle::inclusion_proof(index, &leaves).unwrap();
            let leaf = &leaves[index as usize];
            assert_eq!(
                verify_inclusion(index, n, leaf, &proof, &root),
                Ok(()),
                "{index} in {n}"
            );
        }
        for m in 0..=n {
            let proof = merkle::consistency_proof(m, &leaves).unwrap();
            let old_root = merkle::root(&leaves[..m as usize]);
            let verified = verify_consistency(m, n, &old_root, &root, &proof);
            assert_eq!(verified, Ok(()), "{m} to {n}");
        }
    }
}

#[test]
fn sizes_out_of_range_are_refused() {
    let leaves = leaves(0, 4);
    let root = merkle::root(&leaves);
    let out_of_range = |index, size| AuditError::IndexOutOfRange { index, size };
    assert_eq!(
        verify_inclusion(4, 4, &leaves[0], &[], &root),
        Err(out_of_range(4, 4))
    );
    assert_eq!(
        verify_inclusion(0, 0, &leaves[0], &[], &root),
        Err(out_of_range(0, 0))
    );
    assert_eq!(
        verify_consistency(5, 4, &root, &root, &[]),
        Err(out_of_range(5, 4))
    );
    let stored = MemoryTree::new(leaves);
    assert_eq!(inclusion_proof_from(&stored, 4, 4), Err(out_of_range(4, 4)));
    assert_eq!(
        consistency_proof_from(&stored, 5, 4),
        Err(out_of_range(5, 4))
    );
    assert_eq!(
        root_from(&stored, 5),
        Err(AuditError::MissingNode { level: 0, index: 4 })
    );
}

#[test]
fn trivial_consistency_needs_an_empty_proof_and_the_right_roots() {
    let leaves = leaves(0, 4);
    let root = merkle::root(&leaves);
    let empty = merkle::empty_root();
    assert_eq!(verify_consistency(0, 4, &empty, &root, &[]), Ok(()));
    assert_eq!(verify_consistency(0, 0, &empty, &empty, &[]), Ok(()));
    assert_eq!(
        verify_consistency(0, 4, &root, &root, &[]),
        Err(AuditError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(0, 4, &empty, &root, &[root]),
        Err(AuditError::BadProof)
    );
    assert_eq!(verify_consistency(4, 4, &root, &root, &[]), Ok(()));
    assert_eq!(
        verify_consistency(4, 4, &empty, &root, &[]),
        Err(AuditError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(4, 4, &root, &root, &[root]),
        Err(AuditError::BadProof)
    );
    assert_eq!(
        verify_consistency(2, 4, &leaves[0], &root, &[]),
        Err(AuditError::BadProof)
    );
}

/// Counts the lookups made in a store.
struct Counting {
    tree: MemoryTree,
    lookups: Cell<u32>,
}

impl Counting {
    /// The number of lookups `compute` makes.
    fn count<T>(&self, compute: impl FnOnce(&Self) -> Result<T, AuditError>) -> u32 {
        self.lookups.set(0);
        compute(self).unwrap();
        self.lookups.get()
    }
}

impl Nodes for Counting {
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, AuditError> {
        self.lookups.set(self.lookups.get() + 1);
        self.tree.subtree(level, index)
    }
}

/// A root costs one lookup per bit set in the size, and a proof at most two per level.
#[test]
fn stored_proofs_take_logarithmically_many_lookups() {
    let store = Counting {
        tree: MemoryTree::new(leaves(0, 300)),
        lookups: Cell::new(0),
    };
    for n in 1..=300u64 {
        let levels = u64::BITS - (n - 1).leading_zeros();
        assert_eq!(
            store.count(|s| root_from(s, n)),
            n.count_ones(),
            "root of {n}"
        );
        for k in 0..n {
            let inclusion = store.count(|s| inclusion_proof_from(s, k, n));
            let consistency = store.count(|s| consistency_proof_from(s, k, n));
            assert!(
                inclusion <= 2 * levels,
                "{inclusion} lookups for {k} in {n}"
            );
            assert!(
                consistency <= 2 * levels,
                "{consistency} lookups for {k} to {n}"
            );
        }
    }
}
