//! A compact tree's root and reported nodes agree with the tree of all its leaves, and it
//! restores from storage.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use lyceum_audit::merkle::{
    self, MemoryTree, Nodes, consistency_proof_from, inclusion_proof_from, root_from,
};
use lyceum_audit::{CompactTree, Hash};
use proptest::prelude::*;

use common::leaves;

proptest! {
    #[test]
    fn appending_builds_the_tree_of_the_leaves(
        seed in any::<u64>(),
        n in 0..300u64,
        index in any::<prop::sample::Index>(),
        old_size in any::<prop::sample::Index>(),
    ) {
        let leaves = leaves(seed, n);
        let full = MemoryTree::new(leaves.clone());
        let mut compact = CompactTree::new();
        let mut reported = BTreeMap::new();
        for (size, &leaf) in (1..).zip(&leaves) {
            for node in compact.append(leaf) {
                let before = reported.insert((node.level, node.index), node.hash);
                prop_assert_eq!(before, None, "({}, {}) reported twice", node.level, node.index);
            }
            prop_assert_eq!(compact.size(), size);
            prop_assert_eq!(compact.root(), root_from(&full, size).unwrap());
        }
        prop_assert_eq!(compact.root(), merkle::root(&leaves));

        // The reported nodes are exactly the perfect subtrees of the tree: n at level 0, n / 2
        // at level 1 and so on, 2n - (bits set in n) in all.
        prop_assert_eq!(reported.len() as u64, 2 * n - u64::from(n.count_ones()));
        for (&(level, index), hash) in &reported {
            prop_assert_eq!(full.subtree(level, index), Ok(*hash));
        }

        // They serve the proofs of the leaves.
        if n > 0 {
            let index = index.index(n as usize) as u64;
            prop_assert_eq!(
                inclusion_proof_from(&reported, index, n),
                merkle::inclusion_proof(index, &leaves)
            );
        }
        let old_size = old_size.index(n as usize + 1) as u64;
        prop_assert_eq!(
            consistency_proof_from(&reported, old_size, n),
            merkle::consistency_proof(old_size, &leaves)
        );
    }

    #[test]
    fn a_tree_restored_from_its_right_edge_goes_on_as_the_original(
        seed in any::<u64>(),
        n in 0..300u64,
        more in 0..50u64,
    ) {
        let leaves = leaves(seed, n + more);
        let (first, rest) = leaves.split_at(n as usize);
        let mut original = CompactTree::new();
        let mut reported = BTreeMap::new();
        for &leaf in first {
            for node in original.append(leaf) {
                reported.insert((node.level, node.index), node.hash);
            }
        }

        let right_edge: Vec<Hash> = CompactTree::right_edge_positions(n)
            .into_iter()
            .map(|(level, index)| reported.subtree(level, index).unwrap())
            .collect();
        prop_assert_eq!(right_edge.as_slice(), original.right_edge());
        let mut restored = CompactTree::from_parts(n, right_edge).unwrap();
        prop_assert_eq!(&restored, &original);

        for &leaf in rest {
            prop_assert_eq!(restored.append(leaf), original.append(leaf));
        }
        prop_assert_eq!(restored.root(), merkle::root(&leaves));
    }
}
