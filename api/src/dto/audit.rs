//! What the auditor's endpoints answer: the key that signs checkpoints, signed checkpoints, and
//! RFC 9162 inclusion and consistency proofs. Hashes, keys and signatures are lowercase hex.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The public key that verifies every checkpoint's signature.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"algorithm": "ed25519",
    "public_key": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"}))]
pub struct AuditPublicKey {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The 32-byte Ed25519 public key, 64 hex digits.
    pub public_key: String,
}

/// A signed checkpoint: the Merkle tree over the first `tree_size` events of the log (in
/// position order) had this root at `time`. The signature is Ed25519 over the text
/// `lyceum-checkpoint-v1\n<tree_size>\n<root>\n<time>\n` (see `docs/audit-format.md`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"tree_size": 2000, "position": 2004, "root": "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2",
    "time": "2026-12-06T10:00:00.000000Z", "signature": "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", "public_key": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"}))]
pub struct SignedCheckpoint {
    pub tree_size: i64,
    /// The position of the last event the tree covers.
    pub position: i64,
    /// The tree's root hash, 64 hex digits.
    pub root: String,
    /// When it was signed, RFC 3339.
    pub time: String,
    /// The Ed25519 signature, 128 hex digits.
    pub signature: String,
    /// The public key that signed it, 64 hex digits.
    pub public_key: String,
}

/// The proof that the event at `position` is leaf `leaf_index` of the tree of `tree_size`
/// leaves whose root is `root` (RFC 9162 §2.1.3).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"position": 5, "leaf_index": 4, "tree_size": 6,
    "event_hash": "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2", "leaf_hash": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "root": "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2", "proof": ["d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"],
    "checkpoint": null}))]
pub struct InclusionProof {
    pub position: i64,
    pub leaf_index: i64,
    pub tree_size: i64,
    /// The event's stored hash (its hash chain's link).
    pub event_hash: String,
    /// `SHA-256(0x00 || event hash)`: the leaf the proof starts from.
    pub leaf_hash: String,
    pub root: String,
    /// Sibling hashes from the leaf up to the root.
    pub proof: Vec<String>,
    /// The signed checkpoint of `tree_size`, when one was signed at that size.
    pub checkpoint: Option<SignedCheckpoint>,
}

/// The proof that the tree of `to` leaves extends the tree of `from` leaves: nothing in the
/// first `from` events was changed (RFC 9162 §2.1.4).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"from": 1000, "to": 2000, "from_root": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "to_root": "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2",
    "proof": ["d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2"]}))]
pub struct ConsistencyProof {
    pub from: i64,
    pub to: i64,
    pub from_root: String,
    pub to_root: String,
    pub proof: Vec<String>,
}
