//! Export and restore at scale, on Postgres: a log of `LYCEUM_BENCH_EVENTS` events (100,000 by
//! default) with a busy community's mix (`replay/mix.rs`) is appended through the store, its
//! read models rebuilt and the log sealed; then it is exported (`lyceum-export-v1`), verified
//! offline, imported into an empty database, and rebuilt there. The read models' checksums must
//! be identical. Prints each step's time and rate; the baseline from the same run is the
//! append that wrote the log.
//!
//! Run with `cargo bench --bench export` (PostgreSQL must be running).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;
#[path = "replay/mix.rs"]
mod mix;

use common::{env_number, fresh_postgres};
use lyceum_audit::checkpoint::{public_key, signing_key};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild_all;
use lyceum_store::chain::export::{Exporter, Range};
use lyceum_store::chain::import::import;
use lyceum_store::clock::SystemClock;
use lyceum_store::{Db, append};
use lyceum_workers::{Cadence, Sealer};
use mix::{Mix, Row};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// Concurrent appenders; a space's events all go through one of them, in order.
const LANES: usize = 8;

async fn lane(db: Db, rows: Vec<Row>) {
    for row in rows {
        append::append(&db, &row.append(), None).await.unwrap();
    }
}

async fn checksums(db: &Db) -> Vec<String> {
    let mut sums = Vec::new();
    for projection in Projection::ALL {
        sums.push(checksum(db, projection).await.unwrap());
    }
    sums
}

fn rate(events: usize, started: Instant) -> String {
    let seconds = started.elapsed().as_secs_f64();
    format!("{seconds:>7.2} s {:>9.0} events/s", events as f64 / seconds)
}

#[tokio::main]
async fn main() {
    let total: usize = env_number("LYCEUM_BENCH_EVENTS", 100_000);
    let (db, _) = fresh_postgres().await;
    let mut lanes: Vec<Vec<Row>> = (0..LANES).map(|_| Vec::new()).collect();
    let mut spaces = std::collections::HashMap::new();
    for row in Mix::from(40, chrono::Utc::now()).take(total) {
        let next = spaces.len();
        let lane = *spaces.entry(row.space_id).or_insert(next % LANES);
        lanes[lane].push(row);
    }
    let started = Instant::now();
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|rows| tokio::spawn(lane(db.clone(), rows)))
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    println!("baseline: append, {LANES} lanes   {}", rate(total, started));
    rebuild_all(&db, &Projection::ALL, &mut |_, _| {})
        .await
        .unwrap();
    let source = checksums(&db).await;

    let key = signing_key(&[7; 32]);
    let started = Instant::now();
    let sealer = Sealer::new(
        db.clone(),
        key.clone(),
        Cadence::default(),
        Arc::new(SystemClock),
    );
    let sealed = sealer.seal_now().await.unwrap();
    println!("seal from an empty tree      {}", rate(total, started));
    assert_eq!(sealed as usize, total);

    let path = std::env::temp_dir().join(format!("lyceum-export-{}.ndjson", uuid::Uuid::new_v4()));
    let started = Instant::now();
    let mut exporter = Exporter::new(
        &db,
        Range::default(),
        &public_key(&key),
        lyceum_store::time::now(),
    )
    .await
    .unwrap();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    while let Some(lines) = exporter.next_lines().await.unwrap() {
        for line in lines {
            file.write_all(line.as_bytes()).unwrap();
            file.write_all(b"\n").unwrap();
        }
    }
    file.flush().unwrap();
    drop(file);
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "export                       {}  ({:.1} MiB)",
        rate(total, started),
        size as f64 / (1024.0 * 1024.0)
    );

    let started = Instant::now();
    let reader = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let summary = lyceum_verify::verify(public_key(&key), reader)
        .unwrap()
        .unwrap();
    println!(
        "verify offline               {}  ({summary})",
        rate(total, started)
    );

    let (restored, _) = fresh_postgres().await;
    let started = Instant::now();
    let open = || std::fs::File::open(&path).map(std::io::BufReader::new);
    import(&restored, open, public_key(&key), &[])
        .await
        .unwrap();
    println!("import (verify, then write)  {}", rate(total, started));
    let started = Instant::now();
    rebuild_all(&restored, &Projection::ALL, &mut |_, _| {})
        .await
        .unwrap();
    println!("rebuild the restored store   {}", rate(total, started));
    let restored_sums = checksums(&restored).await;
    let differ: Vec<&str> = Projection::ALL
        .iter()
        .zip(source.iter().zip(&restored_sums))
        .filter(|(_, (a, b))| a != b)
        .map(|(projection, _)| projection.name())
        .collect();
    assert!(differ.is_empty(), "{differ:?} differ after the round trip");
    println!("every read model's checksum is identical after export and import ({total} events)");
    let _ = std::fs::remove_file(path);
    db.close().await;
    restored.close().await;
}
