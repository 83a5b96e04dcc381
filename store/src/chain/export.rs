//! Exporting the log in the `lyceum-export-v1` format (`docs/audit-format.md`): a header, the
//! signed checkpoints with consistency proofs between them, then every event asked for with
//! its chain link, hash, leaf index and (in a partial export) its inclusion proof. The exporter
//! is pulled a page of lines at a time, so a file of any size streams in constant memory but
//! for one hash per stream.

use super::sealed::{self, StoredCheckpoint};
use super::{HASHED_COLUMNS, HashedRow, parse, tree};
use crate::db::Db;
use crate::error::StoreError;
use crate::read::high_water_mark;
use lyceum_audit::Hash;
use lyceum_verify::format::{CheckpointLine, EventLine, Header, Line};
use sqlx::Row;
use std::collections::HashMap;

/// Events read at a time.
const PAGE: i64 = 1_000;

/// What to export: one space's events, or all; from and to positions, both included.
#[derive(Debug, Clone, Default)]
pub struct Range {
    pub space_id: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl Range {
    /// Whether the export holds the whole log from its first event, nothing filtered out.
    fn complete(&self) -> bool {
        self.space_id.is_none() && self.from.is_none_or(|from| from <= 1)
    }
}

/// Pulls an export's lines.
pub struct Exporter {
    db: Db,
    range: Range,
    complete: bool,
    /// The header and checkpoint lines, until they are pulled.
    head: Option<Vec<String>>,
    /// The last position exported, and the last that will be.
    after: i64,
    end: i64,
    /// Each stream's last version and hash so far.
    streams: HashMap<(String, String), (i64, Hash)>,
    /// The size of the tree of the last checkpoint line, which partial exports prove against.
    proof_size: Option<u64>,
    /// The sealed tree's size and its last event's position.
    sealed_size: u64,
    sealed_position: i64,
    /// Events exported so far (a complete export's leaf indexes).
    exported: u64,
}

impl Exporter {
    /// An export of `range`, with checkpoints signed by `public_key`, stamped `exported_at`.
    pub async fn new(
        db: &Db,
        range: Range,
        public_key: &[u8; 32],
        exported_at: String,
    ) -> Result<Exporter, StoreError> {
        let end = high_water_mark(db).await?.min(range.to.unwrap_or(i64::MAX));
        let complete = range.complete();
        let mut conn = db.reader().acquire().await?;
        let checkpoints = chosen_checkpoints(&mut conn, &range, complete, end).await?;
        let mut head = Vec::with_capacity(checkpoints.len() + 1);
        let mut header = Header::new(public_key, complete, exported_at);
        header.space_id.clone_from(&range.space_id);
        header.from = range.from;
        header.to = range.to;
        head.push(line(&Line::Header(header))?);
        let mut previous: Option<u64> = None;
        for checkpoint in &checkpoints {
            let signed = checkpoint.checkpoint()?;
            let consistency = match previous {
                Some(old) => tree::consistency_proof(&mut conn, old, signed.tree_size).await?,
                None => Vec::new(),
            };
            let signature = lyceum_audit::checkpoint::signature_from_hex(&checkpoint.signature)
                .map_err(|e| StoreError::Corrupt(format!("stored checkpoint signature: {e}")))?;
            let checkpoint_line = CheckpointLine::new(&signed, &signature, &consistency);
            head.push(line(&Line::Checkpoint(checkpoint_line))?);
            previous = Some(signed.tree_size);
        }
        let sealed_size = tree::size(&mut conn).await?;
        let sealed_position = sealed_position(&mut conn, sealed_size).await?;
        Ok(Exporter {
            db: db.clone(),
            after: range.from.map_or(0, |from| from.saturating_sub(1)),
            range,
            complete,
            head: Some(head),
            end,
            streams: HashMap::new(),
            proof_size: if complete { None } else { previous },
            sealed_size,
            sealed_position,
            exported: 0,
        })
    }

    /// The next lines, each without its newline; `None` after the last.
    pub async fn next_lines(&mut self) -> Result<Option<Vec<String>>, StoreError> {
        if let Some(head) = self.head.take() {
            return Ok(Some(head));
        }
        if self.after >= self.end {
            return Ok(None);
        }
        let space = if self.range.space_id.is_some() {
            " AND e.space_id = $4"
        } else {
            ""
        };
        let sql = format!(
            "SELECT e.position, l.leaf_index, {columns} FROM events e \
             LEFT JOIN audit_leaves l ON l.position = e.position \
             WHERE e.position > $1 AND e.position <= $2{space} ORDER BY e.position LIMIT $3",
            columns = prefixed(HASHED_COLUMNS),
        );
        let mut query = sqlx::query(&sql).bind(self.after).bind(self.end).bind(PAGE);
        if let Some(space) = &self.range.space_id {
            query = query.bind(space.clone());
        }
        let rows = query.fetch_all(self.db.reader()).await?;
        let Some(last) = rows.last() else {
            self.after = self.end;
            return Ok(None);
        };
        self.after = last.try_get("position")?;
        let mut conn = self.db.reader().acquire().await?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in &rows {
            let position: i64 = row.try_get("position")?;
            let sealed_index: Option<i64> = row.try_get("leaf_index")?;
            let event = HashedRow::from_row(row)?;
            let key = (event.aggregate_type.clone(), event.aggregate_id.clone());
            let previous = match self.streams.get(&key) {
                Some(&(version, hash)) if version + 1 == event.version => hash,
                _ => {
                    super::stream_hash(
                        &mut conn,
                        &event.aggregate_type,
                        &event.aggregate_id,
                        event.version - 1,
                    )
                    .await?
                }
            };
            let hash = match &event.hash {
                Some(stored) => parse(stored)?,
                None => event.computed(&previous),
            };
            self.streams.insert(key, (event.version, hash));
            let leaf_index = match sealed_index.and_then(|index| u64::try_from(index).ok()) {
                Some(index) => index,
                None if self.complete => self.exported,
                None => self.unsealed_index(&mut conn, position).await?,
            };
            let proof = match self.proof_size {
                Some(size) if leaf_index < size => Some(
                    tree::inclusion_proof(&mut conn, leaf_index, size)
                        .await?
                        .iter()
                        .map(Hash::to_hex)
                        .collect(),
                ),
                _ => None,
            };
            self.exported += 1;
            lines.push(line(&Line::Event(event_line(
                position, leaf_index, event, previous, hash, proof,
            )))?);
        }
        Ok(Some(lines))
    }

    /// The leaf index an event not yet sealed will have: after the sealed tree, in position
    /// order.
    async fn unsealed_index(
        &self,
        conn: &mut sqlx::AnyConnection,
        position: i64,
    ) -> Result<u64, StoreError> {
        let before: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE position > $1 AND position < $2")
                .bind(self.sealed_position)
                .bind(position)
                .fetch_one(&mut *conn)
                .await?;
        Ok(self.sealed_size + u64::try_from(before).unwrap_or_default())
    }
}

/// The checkpoints an export carries. A complete export: every one (up to `to`, if given), so
/// a log cut short shows against them. A partial one: up to the first that covers its last
/// position, against which its events' inclusion proofs are made.
async fn chosen_checkpoints(
    conn: &mut sqlx::AnyConnection,
    range: &Range,
    complete: bool,
    end: i64,
) -> Result<Vec<StoredCheckpoint>, StoreError> {
    let mut all = sealed::all(conn).await?;
    if complete {
        if let Some(to) = range.to {
            all.retain(|checkpoint| checkpoint.position <= to);
        }
        return Ok(all);
    }
    if let Some(covering) = all.iter().position(|checkpoint| checkpoint.position >= end) {
        all.truncate(covering + 1);
    }
    Ok(all)
}

/// The position of the sealed tree's last event (0 for an empty tree).
async fn sealed_position(conn: &mut sqlx::AnyConnection, size: u64) -> Result<i64, StoreError> {
    let Some(last) = size.checked_sub(1) else {
        return Ok(0);
    };
    let position: Option<i64> =
        sqlx::query_scalar("SELECT position FROM audit_leaves WHERE leaf_index = $1")
            .bind(i64::try_from(last).unwrap_or(i64::MAX))
            .fetch_optional(&mut *conn)
            .await?;
    Ok(position.unwrap_or(0))
}

fn event_line(
    position: i64,
    leaf_index: u64,
    event: HashedRow,
    previous: Hash,
    hash: Hash,
    proof: Option<Vec<String>>,
) -> EventLine {
    EventLine {
        position,
        leaf_index,
        event_id: event.event_id,
        aggregate_type: event.aggregate_type,
        aggregate_id: event.aggregate_id,
        version: event.version,
        event_type: event.event_type,
        event_version: event.event_version,
        payload: event.payload,
        space_id: event.space_id,
        actor: event.actor,
        correlation_id: event.correlation_id,
        causation_id: event.causation_id,
        request_id: event.request_id,
        recorded_at: event.recorded_at,
        occurred_at: event.occurred_at,
        previous: previous.to_hex(),
        hash: hash.to_hex(),
        proof,
    }
}

/// `columns` with each name prefixed by `e.`.
fn prefixed(columns: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("e.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn line(line: &Line) -> Result<String, StoreError> {
    serde_json::to_string(line).map_err(|e| StoreError::Corrupt(format!("export line: {e}")))
}
