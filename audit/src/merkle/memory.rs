//! A [`Nodes`] store in memory, holding every perfect subtree of a list of leaves.

use crate::merkle::{Nodes, node_hash};
use crate::{AuditError, Hash};

/// Every perfect subtree of a list of leaf hashes, level by level: about twice the memory of
/// the leaves, and any root or proof in O(log n). For tests and for the offline verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryTree {
    /// `levels[l][i]` is the subtree `(l, i)`; `levels[0]` holds the leaves.
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// The tree of `leaves` (leaf hashes, not event hashes).
    pub fn new(leaves: Vec<Hash>) -> MemoryTree {
        let mut levels = vec![leaves];
        while let Some(below) = levels.last().filter(|level| level.len() >= 2) {
            let (pairs, _odd_one_out) = below.as_chunks::<2>();
            let above = pairs
                .iter()
                .map(|[left, right]| node_hash(left, right))
                .collect();
            levels.push(above);
        }
        MemoryTree { levels }
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.leaves().len() as u64
    }

    /// The leaf hashes.
    pub fn leaves(&self) -> &[Hash] {
        self.levels.first().map_or(&[], Vec::as_slice)
    }
}

impl Nodes for MemoryTree {
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, AuditError> {
        let hashes = self.levels.get(level as usize);
        let hash = hashes.and_then(|hashes| hashes.get(usize::try_from(index).ok()?));
        hash.copied()
            .ok_or(AuditError::MissingNode { level, index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{empty_root, leaf_hash, root, root_from};

    fn leaves(n: u8) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&Hash([i; 32]))).collect()
    }

    #[test]
    fn holds_exactly_the_complete_perfect_subtrees() {
        let tree = MemoryTree::new(leaves(5));
        let present = |level, index| tree.subtree(level, index).is_ok();
        assert!((0..5).all(|index| present(0, index)));
        assert!(present(1, 0) && present(1, 1) && present(2, 0));
        assert!(!present(0, 5) && !present(1, 2) && !present(2, 1) && !present(3, 0));
        assert_eq!(
            tree.subtree(1, 2),
            Err(AuditError::MissingNode { level: 1, index: 2 })
        );
    }

    #[test]
    fn roots_of_every_prefix_match_the_leaves() {
        let all = leaves(20);
        let tree = MemoryTree::new(all.clone());
        for size in 0..=20 {
            assert_eq!(root_from(&tree, size), Ok(root(&all[..size as usize])));
        }
        assert_eq!(MemoryTree::new(Vec::new()).size(), 0);
        assert_eq!(root_from(&MemoryTree::new(Vec::new()), 0), Ok(empty_root()));
    }
}
