//! The Merkle tree over the log, as stored: which leaf each sealed event is, the hashes of the
//! perfect subtrees the sealer completes (from which any root or proof of a sealed size is
//! computed), and the signed checkpoints. Written only by the one active sealer.

use super::{HASHED_COLUMNS, HashedRow, parse};
use crate::error::StoreError;
use lyceum_audit::merkle::{self, Nodes};
use lyceum_audit::{AuditError, CompactTree, Hash, Subtree};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// The tables, the same on both backends. Leaf `leaf_index` of the tree is the event at
/// `position`; `(level, idx)` is the perfect subtree over leaves `[idx << level, (idx + 1) <<
/// level)`.
pub(crate) const TABLES: &str = r#"
CREATE TABLE audit_leaves (leaf_index BIGINT PRIMARY KEY, position BIGINT NOT NULL UNIQUE);
CREATE TABLE audit_nodes (
    level INTEGER NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (level, idx)
);
CREATE TABLE audit_checkpoints (
    tree_size BIGINT PRIMARY KEY, position BIGINT NOT NULL, root TEXT NOT NULL,
    time TEXT NOT NULL, signature TEXT NOT NULL, public_key TEXT NOT NULL
);
"#;

/// Rows written per statement.
const CHUNK: usize = 200;

/// The sealed tree: its right edge and the position of its last leaf (0 when empty).
#[derive(Debug, Clone)]
pub struct SealedTree {
    pub tree: CompactTree,
    pub last_position: i64,
}

/// Loads the sealed tree from its stored nodes.
pub async fn load(conn: &mut AnyConnection) -> Result<SealedTree, StoreError> {
    let last: Option<(i64, i64)> = sqlx::query_as(
        "SELECT leaf_index, position FROM audit_leaves ORDER BY leaf_index DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some((last_index, last_position)) = last else {
        return Ok(SealedTree {
            tree: CompactTree::new(),
            last_position: 0,
        });
    };
    let size = u64::try_from(last_index + 1).unwrap_or_default();
    let wanted = CompactTree::right_edge_positions(size);
    let nodes = fetch(conn, &wanted).await?;
    let edge = wanted
        .iter()
        .map(|&(level, index)| nodes.subtree(level, index))
        .collect::<Result<Vec<_>, _>>()
        .map_err(corrupt)?;
    let tree = CompactTree::from_parts(size, edge).map_err(corrupt)?;
    Ok(SealedTree {
        tree,
        last_position,
    })
}

/// Stores leaves `first..` (their positions, in order) and the subtrees they completed.
pub async fn save(
    conn: &mut AnyConnection,
    first: u64,
    positions: &[i64],
    nodes: &[Subtree],
) -> Result<(), StoreError> {
    let first = i64::try_from(first).map_err(|_| StoreError::Corrupt("tree too large".into()))?;
    for (offset, chunk) in positions.chunks(CHUNK).enumerate() {
        let base = first + (offset * CHUNK) as i64;
        let sql = format!(
            "INSERT INTO audit_leaves (leaf_index, position) VALUES {}",
            tuples(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for (i, position) in chunk.iter().enumerate() {
            query = query.bind(base + i as i64).bind(*position);
        }
        query.execute(&mut *conn).await?;
    }
    for chunk in nodes.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO audit_nodes (level, idx, hash) VALUES {}",
            tuples(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for node in chunk {
            query = query
                .bind(i64::from(node.level))
                .bind(i64::try_from(node.index).unwrap_or(i64::MAX))
                .bind(node.hash.to_hex());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The tree's size: how many events are sealed.
pub async fn size(conn: &mut AnyConnection) -> Result<u64, StoreError> {
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(leaf_index) FROM audit_leaves")
        .fetch_one(&mut *conn)
        .await?;
    Ok(last.map_or(0, |index| u64::try_from(index + 1).unwrap_or_default()))
}

/// The leaf index of the event at `position`, if it is sealed.
pub async fn leaf_index(
    conn: &mut AnyConnection,
    position: i64,
) -> Result<Option<u64>, StoreError> {
    let index: Option<i64> =
        sqlx::query_scalar("SELECT leaf_index FROM audit_leaves WHERE position = $1")
            .bind(position)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(index.and_then(|index| u64::try_from(index).ok()))
}

/// The root of the first `size` sealed leaves.
pub async fn root(conn: &mut AnyConnection, size: u64) -> Result<Hash, StoreError> {
    computed(conn, |nodes| merkle::root_from(nodes, size)).await
}

/// The inclusion proof of leaf `index` in the tree of the first `size` sealed leaves.
pub async fn inclusion_proof(
    conn: &mut AnyConnection,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, StoreError> {
    computed(conn, |nodes| {
        merkle::inclusion_proof_from(nodes, index, size)
    })
    .await
}

/// The consistency proof between the trees of the first `old_size` and `size` sealed leaves.
pub async fn consistency_proof(
    conn: &mut AnyConnection,
    old_size: u64,
    size: u64,
) -> Result<Vec<Hash>, StoreError> {
    computed(conn, |nodes| {
        merkle::consistency_proof_from(nodes, old_size, size)
    })
    .await
}

/// Runs `compute` twice: first over a store that notes which nodes it asks for (the nodes a
/// root or proof needs depend on the sizes only, never on hashes), then over those nodes,
/// fetched in one statement.
async fn computed<T>(
    conn: &mut AnyConnection,
    compute: impl Fn(&dyn Nodes) -> Result<T, AuditError>,
) -> Result<T, StoreError> {
    let noted = Noting::default();
    compute(&noted).map_err(corrupt)?;
    let wanted: Vec<(u32, u64)> = noted
        .0
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let nodes = fetch(conn, &wanted).await?;
    compute(&nodes).map_err(corrupt)
}

/// A [`Nodes`] that answers zeros and notes each question.
#[derive(Default)]
struct Noting(Mutex<Vec<(u32, u64)>>);

impl Nodes for Noting {
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, AuditError> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((level, index));
        Ok(Hash::ZERO)
    }
}

/// The stored nodes among `wanted`.
async fn fetch(
    conn: &mut AnyConnection,
    wanted: &[(u32, u64)],
) -> Result<BTreeMap<(u32, u64), Hash>, StoreError> {
    let mut nodes = BTreeMap::new();
    for chunk in wanted.chunks(CHUNK) {
        let sql = format!(
            "SELECT level, idx, hash FROM audit_nodes WHERE (level, idx) IN (VALUES {})",
            tuples(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for &(level, index) in chunk {
            query = query
                .bind(i64::from(level))
                .bind(i64::try_from(index).unwrap_or(i64::MAX));
        }
        for row in query.fetch_all(&mut *conn).await? {
            let level: i64 = row.try_get("level")?;
            let index: i64 = row.try_get("idx")?;
            let hash: String = row.try_get("hash")?;
            let key = (
                u32::try_from(level).unwrap_or_default(),
                u64::try_from(index).unwrap_or_default(),
            );
            nodes.insert(key, parse(&hash)?);
        }
    }
    Ok(nodes)
}

/// `($1, $2), ($3, $4), …`: `rows` tuples of `columns` parameters.
fn tuples(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let params: Vec<String> = (1..=columns)
                .map(|column| format!("${}", row * columns + column))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn corrupt(error: AuditError) -> StoreError {
    StoreError::Corrupt(format!("audit tree: {error}"))
}

/// The positions and hashes of up to `limit` events after position `after`, up to and
/// including `up_to`, in position order. An event written before the chain has its hash
/// computed from its stream's previous one: folded from the stream's start the first time a
/// call meets the stream, and from the hash just computed after that, so a long legacy stream
/// costs one read per event rather than one per event and version.
pub async fn event_hashes(
    conn: &mut AnyConnection,
    after: i64,
    up_to: i64,
    limit: i64,
) -> Result<Vec<(i64, Hash)>, StoreError> {
    let rows = sqlx::query(
        "SELECT position, aggregate_type, aggregate_id, version, hash FROM events \
         WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3",
    )
    .bind(after)
    .bind(up_to)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut folded: HashMap<(String, String), (i64, Hash)> = HashMap::new();
    let mut hashes = Vec::with_capacity(rows.len());
    for row in &rows {
        let position: i64 = row.try_get("position")?;
        let hash = match row.try_get::<Option<String>, _>("hash")? {
            Some(hash) => parse(&hash)?,
            None => {
                let key: (String, String) =
                    (row.try_get("aggregate_type")?, row.try_get("aggregate_id")?);
                let version: i64 = row.try_get("version")?;
                let hash = match folded.get(&key) {
                    Some(&(last, previous)) if last + 1 == version => {
                        legacy_hash(conn, position, &previous).await?
                    }
                    _ => super::stream_hash(conn, &key.0, &key.1, version).await?,
                };
                folded.insert(key, (version, hash));
                hash
            }
        };
        hashes.push((position, hash));
    }
    Ok(hashes)
}

/// The hash of the event at `position`, computed from its fields after `previous`.
async fn legacy_hash(
    conn: &mut AnyConnection,
    position: i64,
    previous: &Hash,
) -> Result<Hash, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {HASHED_COLUMNS} FROM events WHERE position = $1"
    ))
    .bind(position)
    .fetch_one(&mut *conn)
    .await?;
    Ok(HashedRow::from_row(&row)?.computed(previous))
}

/// The hash of the event at `position` (folded for an event before the chain) and its space,
/// if there is such an event.
pub async fn event_at(
    conn: &mut AnyConnection,
    position: i64,
) -> Result<Option<(Option<String>, Hash)>, StoreError> {
    let Some((space_id, aggregate_type, aggregate_id, version, hash)) =
        sqlx::query_as::<_, (Option<String>, String, String, i64, Option<String>)>(
            "SELECT space_id, aggregate_type, aggregate_id, version, hash FROM events \
             WHERE position = $1",
        )
        .bind(position)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let hash = match hash {
        Some(hash) => parse(&hash)?,
        None => super::stream_hash(conn, &aggregate_type, &aggregate_id, version).await?,
    };
    Ok(Some((space_id, hash)))
}
