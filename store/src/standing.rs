//! Where every checkpoint stands against the log, for metrics: one read of the log's head and
//! of each checkpoint with the time its next event was recorded (an index lookup each).

use crate::checkpoints;
use crate::db::Db;
use crate::error::StoreError;

/// One checkpoint with what the log holds after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub name: String,
    pub position: i64,
    /// When the first event after `position` was recorded, if there is one.
    pub next_recorded_at: Option<String>,
}

/// The log's head (its highest position, 0 when empty) and every checkpoint's standing.
pub async fn standings(db: &Db) -> Result<(i64, Vec<Standing>), StoreError> {
    let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events")
        .fetch_one(db.reader())
        .await?;
    // Effective checkpoints: an idle partition stands as far as the relay, and the relay's own
    // records are not shown.
    let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(&format!(
        "SELECT s.name, s.position, \
           (SELECT e.recorded_at FROM events e WHERE e.position > s.position \
            ORDER BY e.position LIMIT 1) \
         FROM ({}) s",
        checkpoints::EFFECTIVE
    ))
    .fetch_all(db.reader())
    .await?;
    let standings = rows
        .into_iter()
        .map(|(name, position, next_recorded_at)| Standing {
            name,
            position,
            next_recorded_at,
        })
        .collect();
    Ok((head, standings))
}
