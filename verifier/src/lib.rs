//! Offline verification of an exported Lyceum event log, in the `lyceum-export-v1` format
//! (`docs/audit-format.md`): NDJSON with a header, signed checkpoints, and the events with their
//! hashes.
//!
//! A [`Verifier`] checks, against a public key the auditor trusts, that every checkpoint is
//! signed by it and extends the one before, that every event's hash matches its contents and
//! links to its stream's previous event, and that the events are the ones the checkpoints seal:
//! in a complete export by rebuilding the Merkle tree, in a partial one by each event's
//! inclusion proof. It names the first problem as a [`Failure`]. [`verify`] runs it over a
//! reader; the `lyceum-verify` binary over a file.
//!
//! Only `lyceum-audit` does the cryptography; this crate reads the format and keeps the order.

mod chains;
mod checkpoints;
mod failure;
pub mod format;
mod parse;
mod read;
mod tree;
mod verifier;

pub use failure::{Breach, Failure};
pub use format::{CheckpointLine, EventLine, FORMAT, Header, Line};
pub use read::verify;
pub use verifier::{Summary, Verifier};
