//! Checking the stored log against its hash chains, event by event in position order: each
//! stream's versions follow one another from 1, and each stored hash is the one its fields and
//! its predecessor's hash give. The first event that breaks either rule is reported with the
//! reason, so an auditor knows where to look. What the chains cannot show (a tail cut off after
//! the last event, or a stream's last events removed) the signed checkpoints catch: the same
//! walk checks the log against the sealed tree (`against_tree.rs`).

use super::against_tree::{AgainstTree, TreeBreach};
use super::{HASHED_COLUMNS, HashedRow, parse};
use crate::db::Db;
use crate::error::StoreError;
use lyceum_audit::Hash;
use sqlx::Row;
use std::collections::HashMap;
use std::fmt;

/// Events read at a time.
const PAGE: i64 = 5_000;

/// Why an event fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    /// Its stored hash is not the one its fields give: it was edited, or an event before it in
    /// its stream was.
    Edited,
    /// Its stream skips from `after` to this version: events were removed.
    Missing { after: i64 },
    /// Its stream already reached `after`, at or past this version: events were moved.
    Reordered { after: i64 },
    /// It has no stored hash, though events before it in the log have one.
    HashRemoved,
    /// Its stored hash is not a hash at all.
    Unreadable,
    /// It (or the log from it on) does not match the sealed tree or a signed checkpoint.
    Tree(TreeBreach),
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Breach::Edited => write!(f, "edited: its hash does not match its contents and chain"),
            Breach::Missing { after } => {
                write!(f, "missing: its stream skips events after version {after}")
            }
            Breach::Reordered { after } => {
                write!(f, "reordered: its stream already reached version {after}")
            }
            Breach::HashRemoved => write!(f, "edited: its hash was removed"),
            Breach::Unreadable => write!(f, "edited: its stored hash is unreadable"),
            Breach::Tree(breach) => breach.fmt(f),
        }
    }
}

/// The first event that fails, where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub position: i64,
    /// `aggregate_type/aggregate_id` and version of the event there, if the log has one.
    pub event: Option<(String, i64)>,
    pub breach: Breach,
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Events checked (up to the first failure).
    pub checked: u64,
    /// Events stored before the chain began (no stored hash, checked by their stream order).
    pub legacy: u64,
    /// How many streams the events checked belong to.
    pub streams: usize,
    /// Signed checkpoints checked, and stored.
    pub checkpoints_checked: usize,
    pub checkpoints: usize,
    pub failure: Option<Failure>,
}

/// Where a stream stands: its last version and hash.
struct Head {
    version: i64,
    hash: Hash,
}

/// Checks every event in position order against its chain, and the log against the sealed
/// tree and the checkpoints, whose signatures must be `key`'s (none: signatures are not
/// checked); `progress(done, total)` after each page.
pub async fn verify(
    db: &Db,
    key: Option<[u8; 32]>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report, StoreError> {
    let mut tree = AgainstTree::load(db, key).await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(db.reader())
        .await?;
    let total = u64::try_from(total).unwrap_or_default();
    let mut heads: HashMap<(String, String), Head> = HashMap::new();
    let mut report = Report {
        checked: 0,
        legacy: 0,
        streams: 0,
        checkpoints_checked: 0,
        checkpoints: tree.checkpoints(),
        failure: None,
    };
    let mut chained = false;
    let mut after = 0i64;
    progress(0, total);
    loop {
        let rows = sqlx::query(&format!(
            "SELECT position, {HASHED_COLUMNS} FROM events WHERE position > $1 \
             ORDER BY position LIMIT $2"
        ))
        .bind(after)
        .bind(PAGE)
        .fetch_all(db.reader())
        .await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.try_get("position")?;
        for row in &rows {
            let position: i64 = row.try_get("position")?;
            let event = HashedRow::from_row(row)?;
            let key = (event.aggregate_type.clone(), event.aggregate_id.clone());
            let (version, previous) = heads
                .get(&key)
                .map_or((0, Hash::ZERO), |head| (head.version, head.hash));
            let computed = event.computed(&previous);
            let mut breach = if event.version > version + 1 {
                Some(Breach::Missing { after: version })
            } else if event.version <= version {
                Some(Breach::Reordered { after: version })
            } else {
                match &event.hash {
                    Some(stored) => match parse(stored) {
                        Ok(hash) if hash == computed => {
                            chained = true;
                            None
                        }
                        Ok(_) => Some(Breach::Edited),
                        Err(_) => Some(Breach::Unreadable),
                    },
                    None if chained => Some(Breach::HashRemoved),
                    None => {
                        report.legacy += 1;
                        None
                    }
                }
            };
            // The first bad position is the lower of the chain's (this event) and the tree's
            // (this event, or a sealed one before it that is gone).
            let mut at = position;
            match tree.event(db, position, &computed).await? {
                Some((earlier, tree_breach)) if earlier < position || breach.is_none() => {
                    at = earlier;
                    breach = Some(Breach::Tree(tree_breach));
                }
                _ => {}
            }
            if let Some(breach) = breach {
                report.failure = Some(Failure {
                    position: at,
                    event: (at == position).then(|| {
                        (
                            format!("{}/{}", event.aggregate_type, event.aggregate_id),
                            event.version,
                        )
                    }),
                    breach,
                });
                report.streams = heads.len();
                report.checkpoints_checked = tree.checked_checkpoints;
                return Ok(report);
            }
            heads.insert(
                key,
                Head {
                    version: event.version,
                    hash: computed,
                },
            );
            report.checked += 1;
        }
        progress(report.checked, total);
    }
    report.streams = heads.len();
    if let Some((position, breach)) = tree.end(db, after).await? {
        report.failure = Some(Failure {
            position,
            event: None,
            breach: Breach::Tree(breach),
        });
    }
    report.checkpoints_checked = tree.checked_checkpoints;
    Ok(report)
}
