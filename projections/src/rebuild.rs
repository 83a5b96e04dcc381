//! Rebuilding a projection from position 0. The whole rebuild is one transaction that holds the
//! projection's checkpoint, so live consumers wait and readers see the old rows until the new
//! ones are complete.

use crate::Projection;
use crate::apply::apply_contiguous;
use lyceum_store::checkpoints;
use lyceum_store::read::{Filter, high_water_mark, read_between};
use lyceum_store::{Db, StoreError};
use sqlx::Connection;

/// How many events are read from the log at a time.
const BATCH: i64 = 500;

/// Rebuilds `projection` from the start of the log. `progress(done, total)` is called after
/// each batch. Returns the checkpoint reached.
pub async fn rebuild(
    db: &Db,
    projection: Projection,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<i64, StoreError> {
    let hwm = high_water_mark(db).await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE position <= $1")
        .bind(hwm)
        .fetch_one(db.reader())
        .await?;
    let total = u64::try_from(total).unwrap_or_default();
    let mut conn = db.writer().acquire().await?;
    let mut tx = conn.begin().await?;
    checkpoints::lock(&mut tx, db.backend, projection.name()).await?;
    for (table, _) in projection.tables() {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
    }
    let mut checkpoint = 0;
    let mut done = 0u64;
    progress(0, total);
    loop {
        let events = read_between(db, checkpoint, hwm, BATCH, &Filter::default()).await?;
        if events.is_empty() {
            break;
        }
        done += events.len() as u64;
        checkpoint = apply_contiguous(&mut tx, projection, checkpoint, &events).await?;
        progress(done, total);
    }
    checkpoints::save(&mut tx, projection.name(), checkpoint).await?;
    tx.commit().await?;
    crate::metrics::applied(projection, done);
    db.checkpoints_moved();
    Ok(checkpoint)
}
