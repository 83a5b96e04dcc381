//! The verifier: fed the lines of an export in order, it stops at the first problem. It keeps
//! one entry per stream and one per checkpoint, however many events the export holds.
//!
//! The header comes first and must name the trusted key; the checkpoint lines follow, each
//! checked on arrival (`checkpoints.rs`); then each event is checked for its order, its hash,
//! its stream's chain (`chains.rs`) and its place in the tree (`tree.rs`).

use std::fmt;

use lyceum_audit::checkpoint::public_key_from_hex;
use lyceum_audit::{AuditError, event_hash};

use crate::chains::Chains;
use crate::checkpoints::{Checkpoints, Seal};
use crate::format::{CheckpointLine, EventLine, FORMAT, Header, Line};
use crate::parse::{self, malformed};
use crate::tree::{Rebuild, check_inclusion};
use crate::{Breach, Failure};

/// Checks an export line by line against a trusted public key.
#[derive(Debug)]
pub struct Verifier {
    trusted: [u8; 32],
    /// Lines fed so far, the current one included.
    lines: u64,
    /// The first failure: once failed, a verifier stays failed.
    failure: Option<Failure>,
    stage: Stage,
    checkpoints: Checkpoints,
    chains: Chains,
    events: u64,
    unsealed: u64,
    last_position: Option<i64>,
    last_leaf: Option<u64>,
}

/// Which lines may come next.
#[derive(Debug)]
enum Stage {
    /// Nothing yet: the header comes first.
    Start,
    /// Checkpoint lines, after the header.
    Checkpoints { complete: bool },
    /// Event lines, once every checkpoint is known.
    Events(Binding),
}

/// How the events are tied to the checkpoints.
#[derive(Debug)]
enum Binding {
    /// A complete export: the tree is rebuilt from the events.
    Rebuild(Rebuild),
    /// A partial export: each event sealed by the last checkpoint comes with a proof.
    Proofs(Option<Seal>),
}

/// What a verified export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub complete: bool,
    pub events: u64,
    pub streams: u64,
    /// Checkpoint lines whose signature and consistency were checked.
    pub checkpoints: u64,
    /// The size of the last checkpoint's tree (0 without checkpoints).
    pub sealed_size: u64,
    /// Events beyond the last checkpoint: checked along their chains only.
    pub unsealed_events: u64,
}

impl Verifier {
    /// A verifier that accepts only checkpoints signed by `trusted_public_key`.
    pub fn new(trusted_public_key: [u8; 32]) -> Verifier {
        Verifier {
            trusted: trusted_public_key,
            lines: 0,
            failure: None,
            stage: Stage::Start,
            checkpoints: Checkpoints::new(trusted_public_key),
            chains: Chains::default(),
            events: 0,
            unsealed: 0,
            last_position: None,
            last_leaf: None,
        }
    }

    /// Checks the next line of the export.
    pub fn feed(&mut self, line: &Line) -> Result<(), Failure> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        self.lines += 1;
        let result = match line {
            Line::Header(header) => self.header(header),
            Line::Checkpoint(checkpoint) => self.checkpoint(checkpoint),
            Line::Event(event) => self.event(event),
        };
        if let Err(failure) = &result {
            self.failure = Some(failure.clone());
        }
        result
    }

    /// Checks what only the end of the export shows (a complete export's last checkpoints
    /// reached, not cut short), and sums up.
    pub fn finish(mut self) -> Result<Summary, Failure> {
        if let Some(failure) = self.failure {
            return Err(failure);
        }
        let complete = match &mut self.stage {
            Stage::Start => return Err(unplaced(malformed(1, "no header line"))),
            Stage::Checkpoints { complete: false } => false,
            Stage::Checkpoints { complete: true } => {
                Rebuild::new(self.checkpoints.seals()).finish(None)?;
                true
            }
            Stage::Events(Binding::Rebuild(tree)) => {
                tree.finish(self.last_position)?;
                true
            }
            Stage::Events(Binding::Proofs(_)) => false,
        };
        Ok(Summary {
            complete,
            events: self.events,
            streams: self.chains.len() as u64,
            checkpoints: self.checkpoints.seals().len() as u64,
            sealed_size: self.sealed_size(),
            unsealed_events: self.unsealed,
        })
    }

    fn header(&mut self, header: &Header) -> Result<(), Failure> {
        let line = self.lines;
        if !matches!(self.stage, Stage::Start) {
            return Err(unplaced(malformed(line, "a second header line")));
        }
        if header.format != FORMAT {
            let reason = format!("the format is {:?}, not {FORMAT:?}", header.format);
            return Err(unplaced(malformed(line, reason)));
        }
        match public_key_from_hex(&header.public_key) {
            Ok(key) if key == self.trusted => {}
            Ok(_) | Err(AuditError::BadKey) => return Err(unplaced(Breach::KeyMismatch)),
            Err(_) => {
                let reason = "`public_key` is not 64 hex digits";
                return Err(unplaced(malformed(line, reason)));
            }
        }
        if header.complete && header.space_id.is_some() {
            let reason = "a complete export cannot be limited to a space";
            return Err(unplaced(malformed(line, reason)));
        }
        self.stage = Stage::Checkpoints {
            complete: header.complete,
        };
        Ok(())
    }

    fn checkpoint(&mut self, checkpoint: &CheckpointLine) -> Result<(), Failure> {
        let line = self.lines;
        match self.stage {
            Stage::Start => Err(unplaced(malformed(line, "the header must come first"))),
            Stage::Events(_) => Err(unplaced(malformed(
                line,
                "checkpoint lines must come before event lines",
            ))),
            Stage::Checkpoints { .. } => self.checkpoints.check(line, checkpoint).map_err(unplaced),
        }
    }

    fn event(&mut self, event: &EventLine) -> Result<(), Failure> {
        let line = self.lines;
        let at = |breach| Failure {
            position: Some(event.position),
            breach,
        };
        if let Stage::Checkpoints { complete } = self.stage {
            self.stage = Stage::Events(if complete {
                Binding::Rebuild(Rebuild::new(self.checkpoints.seals()))
            } else {
                Binding::Proofs(self.checkpoints.last())
            });
        }
        let Stage::Events(binding) = &mut self.stage else {
            // Only `Start` is left: there was no header.
            return Err(unplaced(malformed(line, "the header must come first")));
        };
        if let Binding::Rebuild(tree) = binding {
            tree.compare_reached()?;
        }

        let previous = parse::hash(line, "previous", &event.previous).map_err(at)?;
        let hash = parse::hash(line, "hash", &event.hash).map_err(at)?;
        let proof = match &event.proof {
            Some(proof) => Some(parse::hashes(line, "proof", proof).map_err(at)?),
            None => None,
        };

        if self
            .last_position
            .is_some_and(|last| event.position <= last)
        {
            return Err(at(Breach::Reordered));
        }
        match binding {
            Binding::Rebuild(tree) if event.leaf_index > tree.size() => {
                return Err(at(Breach::Missing));
            }
            Binding::Rebuild(tree) if event.leaf_index < tree.size() => {
                return Err(at(Breach::Reordered));
            }
            Binding::Proofs(_) if self.last_leaf.is_some_and(|l| event.leaf_index <= l) => {
                return Err(at(Breach::Reordered));
            }
            _ => {}
        }
        if event_hash(&previous, &event.fields()) != hash {
            return Err(at(Breach::Edited));
        }
        let stream = (event.aggregate_type.as_str(), event.aggregate_id.as_str());
        let complete = matches!(binding, Binding::Rebuild(_));
        self.chains
            .follow(stream, event.version, previous, hash, complete)
            .map_err(at)?;
        match binding {
            Binding::Rebuild(tree) => tree.append(event.position, &hash),
            Binding::Proofs(seal) => {
                check_inclusion(*seal, event.leaf_index, &hash, proof.as_deref()).map_err(at)?;
            }
        }

        self.events += 1;
        if event.leaf_index >= self.sealed_size() {
            self.unsealed += 1;
        }
        self.last_position = Some(event.position);
        self.last_leaf = Some(event.leaf_index);
        Ok(())
    }

    fn sealed_size(&self) -> u64 {
        self.checkpoints.last().map_or(0, |seal| seal.tree_size)
    }
}

/// A failure that no event position locates.
fn unplaced(breach: Breach) -> Failure {
    Failure {
        position: None,
        breach,
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.complete { "complete" } else { "partial" };
        write!(
            f,
            "{kind} export: {} events in {} streams, {} checkpoints verified",
            self.events, self.streams, self.checkpoints
        )?;
        if self.checkpoints > 0 {
            let how = if self.complete {
                "the tree rebuilt from the events"
            } else {
                "each event's inclusion proved"
            };
            write!(f, "; the last seals {} events ({how})", self.sealed_size)?;
        }
        match (self.unsealed_events, self.checkpoints) {
            (0, _) => Ok(()),
            (unsealed, 0) => write!(
                f,
                "; no checkpoint seals the {unsealed} events: only their chains are checked"
            ),
            (unsealed, _) => write!(
                f,
                "; {unsealed} later events are not sealed yet: only their chains are checked"
            ),
        }
    }
}
