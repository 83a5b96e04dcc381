//! Appending a mix's rows through the store on a schedule, for the benches that time what
//! follows an append (read models, checkpoints): row `i` of the whole run is due at `i / rate`.

use super::mix::Row;
use lyceum_store::{Db, append};
use std::time::{Duration, Instant};

/// Appends one lane's `rows` (numbered in the whole run) on schedule. Returns each event's
/// position and commit time, and each append's own time.
pub async fn lane(
    db: Db,
    rows: Vec<(usize, Row)>,
    began: Instant,
    rate: u64,
) -> (Vec<(i64, Instant)>, Vec<Duration>) {
    let mut commits = Vec::with_capacity(rows.len());
    let mut times = Vec::with_capacity(rows.len());
    for (i, row) in rows {
        let due = began + Duration::from_micros(i as u64 * 1_000_000 / rate);
        tokio::time::sleep_until(due.into()).await;
        let started = Instant::now();
        let position = append::append(&db, &row.append(), None)
            .await
            .unwrap()
            .expect("an append has a position");
        let committed = Instant::now();
        times.push(committed - started);
        commits.push((position, committed));
    }
    (commits, times)
}
