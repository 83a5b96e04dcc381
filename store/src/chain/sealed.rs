//! The signed checkpoints the sealer writes: the tree's size and root at a moment, the position
//! of its last event, and the Ed25519 signature and public key.

use super::parse;
use crate::error::StoreError;
use lyceum_audit::Checkpoint;
use lyceum_audit::checkpoint::{public_key_from_hex, signature_from_hex};
use sqlx::{AnyConnection, Row};

const COLUMNS: &str = "tree_size, position, root, time, signature, public_key";

/// A checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub tree_size: i64,
    /// The position of the last event the tree covers.
    pub position: i64,
    /// 64 hex digits.
    pub root: String,
    /// RFC 3339.
    pub time: String,
    /// 128 hex digits.
    pub signature: String,
    /// 64 hex digits.
    pub public_key: String,
}

impl StoredCheckpoint {
    fn from_row(row: &sqlx::any::AnyRow) -> Result<StoredCheckpoint, StoreError> {
        Ok(StoredCheckpoint {
            tree_size: row.try_get("tree_size")?,
            position: row.try_get("position")?,
            root: row.try_get("root")?,
            time: row.try_get("time")?,
            signature: row.try_get("signature")?,
            public_key: row.try_get("public_key")?,
        })
    }

    /// What was signed.
    pub fn checkpoint(&self) -> Result<Checkpoint, StoreError> {
        Ok(Checkpoint {
            tree_size: u64::try_from(self.tree_size)
                .map_err(|_| StoreError::Corrupt("negative tree size".into()))?,
            root: parse(&self.root)?,
            time: self.time.clone(),
        })
    }

    /// Whether the signature is the holder of `public_key`'s over this checkpoint.
    pub fn signed_by(&self, public_key: &[u8; 32]) -> bool {
        let (Ok(checkpoint), Ok(signature)) =
            (self.checkpoint(), signature_from_hex(&self.signature))
        else {
            return false;
        };
        checkpoint.verify(public_key, &signature).is_ok()
    }

    /// The public key stored with it, if it is one.
    pub fn stored_key(&self) -> Option<[u8; 32]> {
        public_key_from_hex(&self.public_key).ok()
    }
}

/// Stores a checkpoint.
pub async fn save(
    conn: &mut AnyConnection,
    checkpoint: &StoredCheckpoint,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO audit_checkpoints ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(checkpoint.tree_size)
    .bind(checkpoint.position)
    .bind(&checkpoint.root)
    .bind(&checkpoint.time)
    .bind(&checkpoint.signature)
    .bind(&checkpoint.public_key)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The latest checkpoint.
pub async fn latest(conn: &mut AnyConnection) -> Result<Option<StoredCheckpoint>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1"
    ))
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(StoredCheckpoint::from_row).transpose()
}

/// The checkpoint of exactly `tree_size`, if one was written.
pub async fn of_size(
    conn: &mut AnyConnection,
    tree_size: i64,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_checkpoints WHERE tree_size = $1"
    ))
    .bind(tree_size)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(StoredCheckpoint::from_row).transpose()
}

/// Up to `limit` checkpoints with a tree size above `after`, oldest first.
pub async fn page(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredCheckpoint>, StoreError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_checkpoints WHERE tree_size > $1 ORDER BY tree_size LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(StoredCheckpoint::from_row)
    .collect()
}

/// Every checkpoint, oldest first.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<StoredCheckpoint>, StoreError> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = page(conn, after, 1_000).await?;
        let Some(last) = page.last() else {
            return Ok(all);
        };
        after = last.tree_size;
        all.extend(page);
    }
}
