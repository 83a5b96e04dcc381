//! The RFC 9162 recursions (MTH, PATH and SUBPROOF) over ranges of leaves, written once for
//! every source of perfect-subtree hashes.
//!
//! A source is a [`Lookup`]: `lookup(level, index)` is the hash of the perfect subtree over the
//! leaves `[index << level, (index + 1) << level)`. The recursions split a range of `n` leaves
//! at the largest power of two `k < n`, as MTH does, so every range they meet whose length is a
//! power of two starts at a multiple of that length: it is one perfect subtree, one lookup. Only
//! a range on the right edge of a tree whose size is not a power of two is combined from
//! several lookups (one per bit set in its length). A root is one such range; a proof has one
//! hash per level and meets at most one such range (after it, the recursion is inside a perfect
//! subtree), so a root or a proof of a tree of size `n` costs O(log n) lookups.
//!
//! The public wrappers check the arguments (with [`check_leaf_index`] and [`check_old_size`]);
//! the recursions assume them.

use crate::merkle::{empty_root, node_hash};
use crate::{AuditError, Hash};

/// A source of perfect-subtree hashes, failing with `E`.
pub(super) trait Lookup<E>: Fn(u32, u64) -> Result<Hash, E> {}

impl<E, F: Fn(u32, u64) -> Result<Hash, E>> Lookup<E> for F {}

/// Refuses a leaf index outside a tree of `size` leaves.
pub(super) fn check_leaf_index(index: u64, size: u64) -> Result<(), AuditError> {
    if index < size {
        Ok(())
    } else {
        Err(AuditError::IndexOutOfRange { index, size })
    }
}

/// Refuses an earlier tree size larger than the tree.
pub(super) fn check_old_size(old_size: u64, size: u64) -> Result<(), AuditError> {
    if old_size <= size {
        Ok(())
    } else {
        Err(AuditError::IndexOutOfRange {
            index: old_size,
            size,
        })
    }
}

/// MTH of the first `size` leaves.
pub(super) fn root<E>(lookup: &impl Lookup<E>, size: u64) -> Result<Hash, E> {
    if size == 0 {
        Ok(empty_root())
    } else {
        range_root(lookup, 0, size)
    }
}

/// PATH(index, D[0:size]), for `index < size`.
pub(super) fn inclusion<E>(lookup: &impl Lookup<E>, index: u64, size: u64) -> Result<Vec<Hash>, E> {
    path(lookup, index, 0, size)
}

/// PROOF(old_size, D[0:size]), for `old_size <= size`; empty for an empty or unchanged tree.
pub(super) fn consistency<E>(
    lookup: &impl Lookup<E>,
    old_size: u64,
    size: u64,
) -> Result<Vec<Hash>, E> {
    if old_size == 0 || old_size == size {
        Ok(Vec::new())
    } else {
        subproof(lookup, old_size, 0, size, true)
    }
}

/// The largest power of two smaller than `n`, for `n >= 2`: where MTH splits `n` leaves.
fn split(n: u64) -> u64 {
    1 << (u64::BITS - 1 - (n - 1).leading_zeros())
}

/// MTH(D[start:end]), for `start < end`.
fn range_root<E>(lookup: &impl Lookup<E>, start: u64, end: u64) -> Result<Hash, E> {
    let length = end - start;
    if length.is_power_of_two() {
        debug_assert_eq!(start % length, 0, "a perfect range is aligned");
        let level = length.trailing_zeros();
        return lookup(level, start >> level);
    }
    let middle = start + split(length);
    let left = range_root(lookup, start, middle)?;
    let right = range_root(lookup, middle, end)?;
    Ok(node_hash(&left, &right))
}

/// PATH(index - start, D[start:end]), for `start <= index < end`: the siblings of the leaf's
/// ancestors below the range's root, lowest first.
fn path<E>(lookup: &impl Lookup<E>, index: u64, start: u64, end: u64) -> Result<Vec<Hash>, E> {
    if end - start == 1 {
        return Ok(Vec::new());
    }
    let middle = start + split(end - start);
    let (mut proof, sibling) = if index < middle {
        (
            path(lookup, index, start, middle)?,
            range_root(lookup, middle, end)?,
        )
    } else {
        (
            path(lookup, index, middle, end)?,
            range_root(lookup, start, middle)?,
        )
    };
    proof.push(sibling);
    Ok(proof)
}

/// SUBPROOF(old_size - start, D[start:end], known), for `start < old_size <= end`. `known`
/// (the RFC's `b`) says whether the range starts the old tree, whose root the verifier holds.
fn subproof<E>(
    lookup: &impl Lookup<E>,
    old_size: u64,
    start: u64,
    end: u64,
    known: bool,
) -> Result<Vec<Hash>, E> {
    if old_size == end {
        return if known {
            Ok(Vec::new())
        } else {
            Ok(vec![range_root(lookup, start, end)?])
        };
    }
    let middle = start + split(end - start);
    let (mut proof, sibling) = if old_size <= middle {
        (
            subproof(lookup, old_size, start, middle, known)?,
            range_root(lookup, middle, end)?,
        )
    } else {
        (
            subproof(lookup, old_size, middle, end, false)?,
            range_root(lookup, start, middle)?,
        )
    };
    proof.push(sibling);
    Ok(proof)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_the_largest_power_of_two_below() {
        let expected = [
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 4),
            (8, 4),
            (9, 8),
            (1 << 40, 1 << 39),
        ];
        for (n, k) in expected {
            assert_eq!(split(n), k, "split({n})");
        }
        assert_eq!(split(u64::MAX), 1 << 63);
    }
}
