//! Why an export fails verification, and where: the first problem found, named for an auditor.
//!
//! Each breach's text starts with its name (`edited`, `missing`, …), the same name
//! `docs/audit-format.md` and `docs/verify.py` use.

use std::fmt;

/// The first problem in an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The position of the first event found wrong, or of the event where the problem shows;
    /// `None` when it lies in the header or the checkpoints, or before any event.
    pub position: Option<i64>,
    pub breach: Breach,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    /// The event's fields do not give its hash, or its `previous` is not the hash of its
    /// stream's event before it.
    Edited,
    /// Events are missing before this one: its stream skips a version, or (in a complete
    /// export) a leaf index is skipped or a stream does not start at version 1.
    Missing,
    /// The event comes too late: its position or leaf index does not increase, or its stream
    /// already reached its version.
    Reordered,
    /// The header names another public key than the trusted one.
    KeyMismatch,
    /// The checkpoint of this size is not signed by the trusted key.
    BadSignature { tree_size: u64 },
    /// The consistency proof does not show the tree of `from` leaves to be a prefix of the
    /// tree of `to` leaves.
    Inconsistent { from: u64, to: u64 },
    /// In a complete export, the first `tree_size` events do not give the checkpoint's root.
    RootMismatch { tree_size: u64 },
    /// A complete export ends before the checkpoint of this size: events were cut off.
    Truncated { tree_size: u64 },
    /// In a partial export, the event's inclusion proof is absent or does not lead to the
    /// last checkpoint's root.
    NotIncluded,
    /// The line (counted from 1) is not a line of the format.
    Malformed { line: u64, reason: String },
}

impl Breach {
    /// The breach's name, as the documentation and the Python verifier spell it.
    pub fn name(&self) -> &'static str {
        match self {
            Breach::Edited => "edited",
            Breach::Missing => "missing",
            Breach::Reordered => "reordered",
            Breach::KeyMismatch => "key-mismatch",
            Breach::BadSignature { .. } => "bad-signature",
            Breach::Inconsistent { .. } => "inconsistent",
            Breach::RootMismatch { .. } => "root-mismatch",
            Breach::Truncated { .. } => "truncated",
            Breach::NotIncluded => "not-included",
            Breach::Malformed { .. } => "malformed",
        }
    }
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.name())?;
        match self {
            Breach::Edited => write!(
                f,
                "the event's contents or its link to the stream's previous event differ from \
                 what was hashed"
            ),
            Breach::Missing => write!(f, "events before this one are missing"),
            Breach::Reordered => write!(f, "the event is out of order"),
            Breach::KeyMismatch => write!(
                f,
                "the export's checkpoints claim another public key than the trusted one"
            ),
            Breach::BadSignature { tree_size } => write!(
                f,
                "the checkpoint of {tree_size} events is not signed by the trusted key"
            ),
            Breach::Inconsistent { from, to } => write!(
                f,
                "the checkpoint of {to} events does not extend the checkpoint of {from} events"
            ),
            Breach::RootMismatch { tree_size } => write!(
                f,
                "the first {tree_size} events do not give the signed root: an event from here \
                 on was changed, removed, added or moved"
            ),
            Breach::Truncated { tree_size } => write!(
                f,
                "the export ends before the {tree_size} events its checkpoint seals: events \
                 after this one were removed"
            ),
            Breach::NotIncluded => write!(
                f,
                "no valid proof that the event is in the tree of the last checkpoint"
            ),
            Breach::Malformed { line, reason } => write!(f, "line {line}: {reason}"),
        }
    }
}

impl fmt::Display for Failure {
    /// `at position P: <breach>`, or the breach alone when no position applies.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(position) => write!(f, "at position {position}: {}", self.breach),
            None => write!(f, "{}", self.breach),
        }
    }
}

impl std::error::Error for Failure {}
