//! The lines of an export in the `lyceum-export-v1` format, as serde types: the server's
//! exporter writes them and the verifier reads them. `docs/audit-format.md` describes every
//! field.
//!
//! Unknown fields are ignored, so that a later version may add some. Hashes, keys and
//! signatures stay hex text here, as in the file; the verifier parses them and reports a line
//! whose hex does not parse as malformed.

use lyceum_audit::checkpoint::{public_key_to_hex, signature_to_hex};
use lyceum_audit::{Checkpoint, EventFields, Hash};
use serde::{Deserialize, Serialize};

/// The value of the header's `format`.
pub const FORMAT: &str = "lyceum-export-v1";

/// One line of an export: a JSON object whose `kind` says which of these it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[expect(
    clippy::large_enum_variant,
    reason = "nearly every line is an event: boxing it would allocate per line to shrink the rare others"
)]
pub enum Line {
    Header(Header),
    Checkpoint(CheckpointLine),
    Event(EventLine),
}

/// The first line: what the export holds and which key signed its checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// [`FORMAT`].
    pub format: String,
    /// The Ed25519 public key of the checkpoints, 64 hex digits. The verifier compares it with
    /// the key it trusts; it never trusts this one.
    pub public_key: String,
    /// Every event of the log from the first, in position order, none filtered out (the file
    /// may end early, at `to`).
    pub complete: bool,
    /// The space whose events a partial export holds, if it was filtered by space.
    pub space_id: Option<String>,
    /// The first and last positions asked for, if any.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// RFC 3339.
    pub exported_at: String,
}

/// A signed checkpoint, with the consistency proof from the file's previous checkpoint line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointLine {
    pub tree_size: u64,
    /// 64 hex digits.
    pub root: String,
    /// RFC 3339, exactly as signed.
    pub time: String,
    /// 128 hex digits: Ed25519 over [`Checkpoint::signed_text`].
    pub signature: String,
    /// The RFC 9162 consistency proof from the previous checkpoint line's tree to this one, 64
    /// hex digits each; empty on the first checkpoint line.
    pub consistency: Vec<String>,
}

/// A stored event, its chain link and hash, where it sits in the tree, and (in a partial
/// export) the proof that it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLine {
    pub position: i64,
    /// The event's leaf in the Merkle tree: events in position order, without gaps.
    pub leaf_index: u64,
    pub event_id: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub version: i64,
    pub event_type: String,
    pub event_version: i64,
    /// The JSON text as stored, byte for byte.
    pub payload: String,
    pub space_id: Option<String>,
    pub actor: String,
    pub correlation_id: String,
    pub causation_id: Option<String>,
    pub request_id: String,
    pub recorded_at: String,
    /// The business time, only for an event stored with one apart from `recorded_at` (absent
    /// otherwise, so that exports of events without one read as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<String>,
    /// The hash of the stream's event before this one, zeros for version 1; 64 hex digits.
    pub previous: String,
    /// The event's hash; 64 hex digits.
    pub hash: String,
    /// The inclusion proof of `leaf_hash(hash)` at `leaf_index` in the tree of the file's last
    /// checkpoint line, in a partial export for a leaf below that tree's size.
    pub proof: Option<Vec<String>>,
}

impl Header {
    /// A header of this format for checkpoints signed by `public_key`.
    pub fn new(public_key: &[u8; 32], complete: bool, exported_at: String) -> Header {
        Header {
            format: FORMAT.to_owned(),
            public_key: public_key_to_hex(public_key),
            complete,
            space_id: None,
            from: None,
            to: None,
            exported_at,
        }
    }
}

impl CheckpointLine {
    /// The line for `checkpoint`, its `signature`, and the `consistency` proof from the
    /// previous checkpoint line.
    pub fn new(checkpoint: &Checkpoint, signature: &[u8; 64], consistency: &[Hash]) -> Self {
        CheckpointLine {
            tree_size: checkpoint.tree_size,
            root: checkpoint.root.to_hex(),
            time: checkpoint.time.clone(),
            signature: signature_to_hex(signature),
            consistency: consistency.iter().map(Hash::to_hex).collect(),
        }
    }
}

impl EventLine {
    /// The fields the event's hash covers.
    pub fn fields(&self) -> EventFields<'_> {
        EventFields {
            event_id: &self.event_id,
            aggregate_type: &self.aggregate_type,
            aggregate_id: &self.aggregate_id,
            version: self.version,
            event_type: &self.event_type,
            event_version: self.event_version,
            payload: &self.payload,
            space_id: self.space_id.as_deref(),
            actor: &self.actor,
            correlation_id: &self.correlation_id,
            causation_id: self.causation_id.as_deref(),
            request_id: &self.request_id,
            recorded_at: &self.recorded_at,
            occurred_at: self.occurred_at.as_deref(),
        }
    }
}
