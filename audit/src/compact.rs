//! The writer's view of the tree: append leaves one by one, keeping only the right edge.
//!
//! A tree of `size` leaves is a row of perfect subtrees, one per bit set in `size`, largest
//! first: 13 = 0b1101 leaves are subtrees of 8, 4 and 1 leaves. Their hashes (the right edge)
//! are all the writer needs to append and to compute the root; every perfect subtree completed
//! along the way is handed to the caller, to be stored as [`Nodes`](crate::merkle::Nodes) for
//! proofs.

use crate::merkle::{empty_root, node_hash};
use crate::{AuditError, Hash};

/// A perfect subtree: the one over the leaves `[index << level, (index + 1) << level)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subtree {
    pub level: u32,
    pub index: u64,
    pub hash: Hash,
}

/// The right edge of a Merkle tree, growing one leaf at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactTree {
    size: u64,
    /// The roots of the perfect subtrees that make up the tree, largest (leftmost) first.
    right_edge: Vec<Hash>,
}

impl CompactTree {
    /// The empty tree.
    pub fn new() -> CompactTree {
        CompactTree::default()
    }

    /// The tree of `size` leaves whose right edge (as [`CompactTree::right_edge`] returns it)
    /// is `right_edge`: the hashes of the subtrees at [`CompactTree::right_edge_positions`].
    pub fn from_parts(size: u64, right_edge: Vec<Hash>) -> Result<CompactTree, AuditError> {
        if right_edge.len() != size.count_ones() as usize {
            return Err(AuditError::BadRightEdge {
                size,
                hashes: right_edge.len(),
            });
        }
        Ok(CompactTree { size, right_edge })
    }

    /// Where the right edge of a tree of `size` leaves lies, as `(level, index)` of perfect
    /// subtrees, largest first: what to read from storage for [`CompactTree::from_parts`].
    pub fn right_edge_positions(size: u64) -> Vec<(u32, u64)> {
        (0..u64::BITS)
            .rev()
            .filter(|&level| size >> level & 1 == 1)
            .map(|level| (level, (size >> level) - 1))
            .collect()
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The hashes of the perfect subtrees that make up the tree, largest first.
    pub fn right_edge(&self) -> &[Hash] {
        &self.right_edge
    }

    /// The root (MTH) of the tree.
    pub fn root(&self) -> Hash {
        let mut subtrees = self.right_edge.iter().rev();
        let Some(&smallest) = subtrees.next() else {
            return empty_root();
        };
        subtrees.fold(smallest, |right, left| node_hash(left, &right))
    }

    /// Appends a leaf hash and returns the perfect subtrees it completes, the leaf itself
    /// (level 0) first and the largest last.
    ///
    /// A tree holds at most `u64::MAX` leaves.
    pub fn append(&mut self, leaf: Hash) -> Vec<Subtree> {
        let index = self.size;
        let mut completed = vec![Subtree {
            level: 0,
            index,
            hash: leaf,
        }];
        let mut hash = leaf;
        // The subtree just completed at `level` merges with its left neighbour on the edge as
        // long as that neighbour has the same size, that is while bit `level` of the old size
        // is set (the edge has one subtree per bit set).
        let mut level = 0;
        while let Some(left) = self.right_edge.pop_if(|_| index >> level & 1 == 1) {
            hash = node_hash(&left, &hash);
            level += 1;
            completed.push(Subtree {
                level,
                index: index >> level,
                hash,
            });
        }
        self.right_edge.push(hash);
        self.size += 1;
        completed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_edge_positions_follow_the_bits_of_the_size() {
        assert_eq!(CompactTree::right_edge_positions(0), vec![]);
        assert_eq!(CompactTree::right_edge_positions(1), vec![(0, 0)]);
        assert_eq!(CompactTree::right_edge_positions(8), vec![(3, 0)]);
        // 13 leaves: [0, 8), [8, 12), [12, 13).
        assert_eq!(
            CompactTree::right_edge_positions(13),
            vec![(3, 0), (2, 2), (0, 12)]
        );
        assert_eq!(CompactTree::right_edge_positions(u64::MAX).len(), 64);
    }

    #[test]
    fn append_reports_the_leaf_and_every_completed_parent() {
        let mut tree = CompactTree::new();
        let leaves: Vec<Hash> = (0..4).map(|i| Hash([i; 32])).collect();
        let positions = |nodes: Vec<Subtree>| -> Vec<(u32, u64)> {
            nodes.iter().map(|node| (node.level, node.index)).collect()
        };
        assert_eq!(positions(tree.append(leaves[0])), vec![(0, 0)]);
        assert_eq!(positions(tree.append(leaves[1])), vec![(0, 1), (1, 0)]);
        assert_eq!(positions(tree.append(leaves[2])), vec![(0, 2)]);
        let last = tree.append(leaves[3]);
        assert_eq!(positions(last.clone()), vec![(0, 3), (1, 1), (2, 0)]);
        let left = node_hash(&leaves[0], &leaves[1]);
        let right = node_hash(&leaves[2], &leaves[3]);
        assert_eq!(last[2].hash, node_hash(&left, &right));
        assert_eq!(tree.root(), last[2].hash);
    }

    #[test]
    fn from_parts_wants_one_hash_per_bit_of_the_size() {
        assert_eq!(
            CompactTree::from_parts(5, vec![Hash::ZERO]),
            Err(AuditError::BadRightEdge { size: 5, hashes: 1 })
        );
        assert!(CompactTree::from_parts(5, vec![Hash::ZERO; 2]).is_ok());
        assert_eq!(
            CompactTree::from_parts(0, Vec::new()),
            Ok(CompactTree::new())
        );
    }
}
