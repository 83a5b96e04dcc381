//! Tamper evidence for Lyceum's event log, in the manner of Certificate Transparency (RFC 9162).
//!
//! Three layers, each in its module:
//!
//! 1. [`event`]: every stored event gets a hash over a canonical encoding of its fields and the
//!    hash of the event before it in its stream, so each stream is a hash chain.
//! 2. [`merkle`]: the events, in position order, are the leaves (`leaf_hash(event_hash)`) of
//!    one append-only RFC 9162 Merkle tree. Inclusion proofs show that an event is in the tree
//!    at a position; consistency proofs show that a later tree extends an earlier one.
//!    [`compact`] is the writer's side: it appends leaves and reports the subtree hashes to
//!    store, from which [`merkle::Nodes`] serves proofs.
//! 3. [`checkpoint`]: the tree's size and root, signed with Ed25519, published from time to
//!    time. Anyone holding the public key and two checkpoints can check with a consistency
//!    proof that nothing before the first was changed.
//!
//! Pure computation: no I/O, no clock, no randomness.

pub mod checkpoint;
pub mod compact;
pub mod error;
pub mod event;
pub mod hash;
pub mod merkle;

pub use checkpoint::Checkpoint;
pub use compact::{CompactTree, Subtree};
pub use error::AuditError;
pub use event::{EventFields, event_hash};
pub use hash::Hash;
pub use merkle::{MemoryTree, Nodes};
