//! The one error type of the crate: why a proof, a signature, a key or a lookup was refused.

use std::fmt;

/// Why an audit computation or verification failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditError {
    /// A proof has the wrong number of hashes for the sizes and index it claims to be for.
    BadProof,
    /// A proof is well formed, but the root it leads to is not the one expected.
    RootMismatch,
    /// A leaf index (or an earlier tree size) lies outside the tree of the given size.
    IndexOutOfRange { index: u64, size: u64 },
    /// Text is not hex of the expected length.
    BadHex,
    /// A signature does not verify under the given public key.
    BadSignature,
    /// 32 bytes that are not an Ed25519 public key.
    BadKey,
    /// A node store has no hash for a perfect subtree a computation needs.
    MissingNode { level: u32, index: u64 },
    /// A compact tree's right edge must hold one hash per bit set in its size.
    BadRightEdge { size: u64, hashes: usize },
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditError::BadProof => write!(f, "the proof has the wrong length"),
            AuditError::RootMismatch => write!(f, "the proof does not lead to the expected root"),
            AuditError::IndexOutOfRange { index, size } => {
                write!(f, "index {index} is out of range for a tree of size {size}")
            }
            AuditError::BadHex => write!(f, "not hex of the expected length"),
            AuditError::BadSignature => write!(f, "the signature does not verify"),
            AuditError::BadKey => write!(f, "not an Ed25519 public key"),
            AuditError::MissingNode { level, index } => {
                write!(
                    f,
                    "no hash stored for the subtree at level {level}, index {index}"
                )
            }
            AuditError::BadRightEdge { size, hashes } => write!(
                f,
                "a tree of size {size} has {} right-edge subtrees, not {hashes}",
                size.count_ones()
            ),
        }
    }
}

impl std::error::Error for AuditError {}
