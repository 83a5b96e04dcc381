//! The sealer on Postgres, in two parts.
//!
//! 1. **Keeping up**: events with a busy community's mix (`replay/mix.rs`) are appended through
//!    the store at `LYCEUM_BENCH_RATE` events per second (2,000 by default) for
//!    `LYCEUM_BENCH_SECONDS` (30), while one sealer runs with the default cadence (a checkpoint
//!    every 1,000 events or 10 s). An event's checkpoint lag is the time from its commit until a
//!    signed checkpoint covers it; the goal is at most 10 s. The baseline from the same run is
//!    the append's own time.
//! 2. **Catching up**: the same sealer seals the whole log again from an empty tree, as fast as
//!    it can (events per second).
//!
//! Run with `cargo bench --bench sealer` (PostgreSQL must be running).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;
#[path = "replay/mix.rs"]
mod mix;
#[path = "replay/paced.rs"]
mod paced;

use common::{Run, env_number, fresh_postgres};
use lyceum_audit::checkpoint::signing_key;
use lyceum_store::Db;
use lyceum_store::clock::SystemClock;
use lyceum_workers::{Cadence, Sealer, Stop};
use mix::{Mix, Row};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Concurrent appenders; a space's events all go through one of them, in order.
const LANES: usize = 16;

/// When each checkpoint position was first seen, until `until` is covered.
async fn watch(db: Db, until: Arc<std::sync::atomic::AtomicI64>) -> Vec<(Instant, i64)> {
    use std::sync::atomic::Ordering;
    let mut seen = Vec::new();
    let mut last = -1;
    loop {
        let covered: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM audit_checkpoints")
                .fetch_one(db.reader())
                .await
                .unwrap();
        if covered != last {
            seen.push((Instant::now(), covered));
            last = covered;
        }
        let target = until.load(Ordering::Acquire);
        if target > 0 && covered >= target {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::main]
async fn main() {
    let rate = env_number("LYCEUM_BENCH_RATE", 2_000);
    let seconds = env_number("LYCEUM_BENCH_SECONDS", 30);
    let total = usize::try_from(rate * seconds).unwrap();
    let (db, _) = fresh_postgres().await;
    let key = signing_key(&[7; 32]);
    let stop = Stop::new();
    let sealer = Sealer::new(
        db.clone(),
        key.clone(),
        Cadence::default(),
        Arc::new(SystemClock),
    );
    let sealing = tokio::spawn(sealer.run(stop.stopped()));

    let mut lanes: Vec<Vec<(usize, Row)>> = (0..LANES).map(|_| Vec::new()).collect();
    let mut spaces = std::collections::HashMap::new();
    for (i, row) in Mix::from(16, chrono::Utc::now()).take(total).enumerate() {
        let next = spaces.len();
        let lane = *spaces.entry(row.space_id).or_insert(next % LANES);
        lanes[lane].push((i, row));
    }
    let until = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let watcher = tokio::spawn(watch(db.clone(), until.clone()));
    let began = Instant::now();
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|rows| tokio::spawn(paced::lane(db.clone(), rows, began, rate)))
        .collect();
    let mut commits = Vec::with_capacity(total);
    let mut times = Vec::with_capacity(total);
    for task in tasks {
        let (lane_commits, lane_times) = task.await.unwrap();
        commits.extend(lane_commits);
        times.extend(lane_times);
    }
    let appended = began.elapsed();
    let last = commits.iter().map(|(p, _)| *p).max().unwrap_or(0);
    until.store(last, std::sync::atomic::Ordering::Release);
    let seen = tokio::time::timeout(Duration::from_secs(60), watcher)
        .await
        .expect("a checkpoint covers the log within a minute")
        .unwrap();
    stop.stop();
    sealing.await.unwrap().unwrap();

    let mut lags = Vec::with_capacity(commits.len());
    for (position, committed) in &commits {
        let index = seen.partition_point(|(_, covered)| covered < position);
        lags.push(seen[index].0.saturating_duration_since(*committed));
    }
    let largest = lags.iter().max().copied().unwrap_or_default();
    let checkpoints: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_checkpoints")
        .fetch_one(db.reader())
        .await
        .unwrap();
    println!(
        "== keeping up: {} events appended in {:.1} s ({:.0}/s), {checkpoints} checkpoints ==",
        commits.len(),
        appended.as_secs_f64(),
        commits.len() as f64 / appended.as_secs_f64()
    );
    let run = |latencies| Run {
        operations: commits.len(),
        elapsed: appended,
        latencies,
    };
    run(lags).report("checkpoint lag, commit to a signed checkpoint covering it");
    println!(
        "largest checkpoint lag {:.2} s (goal: at most 10 s)",
        largest.as_secs_f64()
    );
    run(times).report("baseline: the append itself");

    // Catching up: the same log sealed again from nothing.
    sqlx::raw_sql(
        "DELETE FROM audit_checkpoints; DELETE FROM audit_nodes; DELETE FROM audit_leaves",
    )
    .execute(db.writer())
    .await
    .unwrap();
    let sealer = Sealer::new(db.clone(), key, Cadence::default(), Arc::new(SystemClock));
    let started = Instant::now();
    let size = sealer.seal_now().await.unwrap();
    let took = started.elapsed();
    println!(
        "\n== catching up: {size} events sealed from an empty tree in {:.2} s: {:.0} events/s ==",
        took.as_secs_f64(),
        size as f64 / took.as_secs_f64()
    );
    db.close().await;
}
