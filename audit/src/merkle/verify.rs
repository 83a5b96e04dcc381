//! Checking proofs against roots: the verification algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
//!
//! The variables keep the RFC's names, so that the code reads against the RFC line by line:
//! `fn` (spelled `fn_`, `fn` being a keyword) is the position of the current node within its
//! level and `sn` that of the level's last node; shifting both right moves one level up. `r`,
//! `fr` and `sr` are the hashes computed so far, `p` and `c` proof elements.

use crate::merkle::{empty_root, node_hash};
use crate::{AuditError, Hash};

/// Checks that `proof` shows the leaf hash `leaf` at `index` in the tree of `tree_size` leaves
/// whose root is `root`.
pub fn verify_inclusion(
    index: u64,
    tree_size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), AuditError> {
    if index >= tree_size {
        return Err(AuditError::IndexOutOfRange {
            index,
            size: tree_size,
        });
    }
    let (mut fn_, mut sn) = (index, tree_size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(AuditError::BadProof);
        }
        if is_right_child(fn_) || fn_ == sn {
            r = node_hash(p, &r);
            while !is_right_child(fn_) && fn_ != 0 {
                (fn_, sn) = (fn_ >> 1, sn >> 1);
            }
        } else {
            r = node_hash(&r, p);
        }
        (fn_, sn) = (fn_ >> 1, sn >> 1);
    }
    if sn != 0 {
        return Err(AuditError::BadProof);
    }
    if r != *root {
        return Err(AuditError::RootMismatch);
    }
    Ok(())
}

/// Checks that `proof` shows the tree of `old_size` leaves with root `old_root` to be a prefix
/// of the tree of `size` leaves with root `root`.
///
/// RFC 9162 defines proofs for `0 < old_size < size`. Beyond that, every tree extends the empty
/// one and itself, with an empty proof: `old_size == 0` needs `old_root` to be the empty root,
/// and `old_size == size` needs the two roots to be equal.
pub fn verify_consistency(
    old_size: u64,
    size: u64,
    old_root: &Hash,
    root: &Hash,
    proof: &[Hash],
) -> Result<(), AuditError> {
    if old_size > size {
        return Err(AuditError::IndexOutOfRange {
            index: old_size,
            size,
        });
    }
    if old_size == 0 || old_size == size {
        let expected_old_root = if old_size == 0 { empty_root() } else { *root };
        return match (proof.is_empty(), *old_root == expected_old_root) {
            (false, _) => Err(AuditError::BadProof),
            (true, false) => Err(AuditError::RootMismatch),
            (true, true) => Ok(()),
        };
    }

    // The old root is itself a node of the new tree when it is perfect, and the proof leaves it
    // out then: put it back in front.
    let old_root_if_perfect = old_size.is_power_of_two().then_some(old_root);
    let mut path = old_root_if_perfect.into_iter().chain(proof);
    let Some(&first) = path.next() else {
        return Err(AuditError::BadProof);
    };

    let (mut fn_, mut sn) = (old_size - 1, size - 1);
    while is_right_child(fn_) {
        (fn_, sn) = (fn_ >> 1, sn >> 1);
    }
    let (mut fr, mut sr) = (first, first);
    for c in path {
        if sn == 0 {
            return Err(AuditError::BadProof);
        }
        if is_right_child(fn_) || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while !is_right_child(fn_) && fn_ != 0 {
                (fn_, sn) = (fn_ >> 1, sn >> 1);
            }
        } else {
            sr = node_hash(&sr, c);
        }
        (fn_, sn) = (fn_ >> 1, sn >> 1);
    }
    if sn != 0 {
        return Err(AuditError::BadProof);
    }
    if fr != *old_root || sr != *root {
        return Err(AuditError::RootMismatch);
    }
    Ok(())
}

/// The RFC's `LSB(fn)`: whether the node at this position is a right child.
fn is_right_child(position: u64) -> bool {
    position & 1 == 1
}
