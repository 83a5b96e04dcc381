//! The checkpoint lines: each signed by the trusted key, each larger than the one before and
//! proved to extend it. What they seal is kept, one size and root per line, for the events.

use lyceum_audit::checkpoint::signature_from_hex;
use lyceum_audit::merkle::verify_consistency;
use lyceum_audit::{Checkpoint, Hash};

use crate::Breach;
use crate::format::CheckpointLine;
use crate::parse::{self, malformed};

/// A tree the trusted key signed: its size and root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seal {
    pub tree_size: u64,
    pub root: Hash,
}

/// The checkpoint lines checked so far.
#[derive(Debug)]
pub(crate) struct Checkpoints {
    trusted: [u8; 32],
    seals: Vec<Seal>,
}

impl Checkpoints {
    pub(crate) fn new(trusted: [u8; 32]) -> Checkpoints {
        Checkpoints {
            trusted,
            seals: Vec::new(),
        }
    }

    /// Checks the checkpoint on line `line_number`: its signature, then its consistency with
    /// the previous checkpoint line.
    pub(crate) fn check(&mut self, line_number: u64, line: &CheckpointLine) -> Result<(), Breach> {
        let checkpoint = Checkpoint {
            tree_size: line.tree_size,
            root: parse::hash(line_number, "root", &line.root)?,
            time: line.time.clone(),
        };
        let signature = signature_from_hex(&line.signature)
            .map_err(|_| malformed(line_number, "`signature` is not 128 hex digits"))?;
        let proof = parse::hashes(line_number, "consistency", &line.consistency)?;
        if checkpoint.time.contains('\n') {
            return Err(malformed(line_number, "`time` holds a line break"));
        }

        if let Some(previous) = self.last() {
            if checkpoint.tree_size <= previous.tree_size {
                return Err(malformed(
                    line_number,
                    "checkpoint sizes must increase from line to line",
                ));
            }
        } else if !proof.is_empty() {
            return Err(malformed(
                line_number,
                "the first checkpoint line has no earlier checkpoint to be consistent with",
            ));
        }

        checkpoint
            .verify(&self.trusted, &signature)
            .map_err(|_| Breach::BadSignature {
                tree_size: checkpoint.tree_size,
            })?;
        if let Some(previous) = self.last() {
            verify_consistency(
                previous.tree_size,
                checkpoint.tree_size,
                &previous.root,
                &checkpoint.root,
                &proof,
            )
            .map_err(|_| Breach::Inconsistent {
                from: previous.tree_size,
                to: checkpoint.tree_size,
            })?;
        }
        self.seals.push(Seal {
            tree_size: checkpoint.tree_size,
            root: checkpoint.root,
        });
        Ok(())
    }

    /// The last checkpoint checked: the largest tree sealed.
    pub(crate) fn last(&self) -> Option<Seal> {
        self.seals.last().copied()
    }

    /// Every checkpoint checked, smallest first.
    pub(crate) fn seals(&self) -> &[Seal] {
        &self.seals
    }
}
