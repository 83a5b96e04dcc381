//! Live lag on Postgres and RabbitMQ: one `lyceum relay` and two `lyceum worker` processes,
//! while events with a busy community's mix (`replay/mix.rs`) are appended through the store at
//! `LYCEUM_BENCH_RATE` events per second (1,000 by default) for `LYCEUM_BENCH_SECONDS` (60). An
//! event's lag is the time from its commit until every read model stands at or past it (the
//! lowest effective partition checkpoint, watched through the checkpoints' notifications).
//! Prints p50, p99 and the largest lag; then runs again and kills one worker with SIGKILL
//! halfway, and checks that every read model equals a replay of the log (nothing lost, nothing
//! applied twice). The baseline from the same run is the append's own time (commit to commit).
//! The processes log warnings to `lyceum-lag…-<role>-….log` in the temporary directory.
//!
//! Run with `cargo bench --bench lag` (PostgreSQL and RabbitMQ must be running).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;
#[path = "replay/mix.rs"]
mod mix;
#[path = "replay/paced.rs"]
mod paced;

use common::{AMQP_URL, Run, env_number, fresh_postgres};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild_all;
use lyceum_store::Db;
use lyceum_store::checkpoints::{EFFECTIVE, MOVED_CHANNEL};
use mix::{Mix, Row};
use sqlx::postgres::PgListener;
use std::collections::HashSet;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;
use uuid::Uuid;

/// Concurrent appenders; a space's events all go through one of them, in order.
const LANES: usize = 8;
const PARTITIONS: u16 = 4;

/// A migrated Postgres database split into [`PARTITIONS`], and its URL.
async fn fresh_db() -> (Db, String) {
    let (db, url) = fresh_postgres().await;
    lyceum_projections::partition::prepare(&db, PARTITIONS)
        .await
        .unwrap();
    (db, url)
}

/// A `lyceum` process with `role` (`relay` or `worker`) on this database and broker prefix,
/// logging to `lyceum-<prefix>-<role>-<n>.log` in the temporary directory.
fn process(role: &str, url: &str, prefix: &str) -> Child {
    let log = std::env::temp_dir().join(format!(
        "lyceum-{prefix}-{role}-{}.log",
        &Uuid::new_v4().simple().to_string()[..6]
    ));
    let stderr = std::fs::File::create(&log).expect("a log file");
    Command::new(env!("CARGO_BIN_EXE_lyceum"))
        .env("LYCEUM_DATABASE_URL", url)
        .env("LYCEUM_AMQP_URL", AMQP_URL)
        .env("LYCEUM_AMQP_PREFIX", prefix)
        .env("LYCEUM_PARTITIONS", PARTITIONS.to_string())
        .env(
            "LYCEUM_AUDIT_KEY",
            std::env::temp_dir().join(format!("lyceum-{prefix}-audit.key")),
        )
        .env("RUST_LOG", "warn")
        .arg(role)
        .stdout(Stdio::null())
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()
        .expect("a lyceum process starts")
}

/// Where every read model stands: the lowest effective partition checkpoint.
async fn standing(db: &Db) -> i64 {
    let sql =
        format!("SELECT COALESCE(MIN(s.position), 0) FROM ({EFFECTIVE}) s WHERE s.name LIKE '%/%'");
    sqlx::query_scalar(&sql)
        .fetch_one(db.reader())
        .await
        .unwrap()
}

/// Every row of `projection`'s tables as JSON, to show what differs.
async fn rows(db: &Db, projection: Projection) -> Vec<String> {
    let mut all = Vec::new();
    for (table, order) in projection.tables() {
        let sql = format!("SELECT row_to_json(t)::text FROM {table} t ORDER BY {order}");
        let found: Vec<String> = sqlx::query_scalar(&sql)
            .fetch_all(db.reader())
            .await
            .unwrap();
        all.extend(found.into_iter().map(|row| format!("{table}: {row}")));
    }
    all
}

/// When each standing was first seen, in order.
type Seen = Arc<Mutex<Vec<(Instant, i64)>>>;

/// Records the read models' standing after every checkpoint notification (and every 20 ms)
/// until it reaches `until`'s value, if set.
async fn watch(db: Db, url: String, seen: Seen, until: Arc<std::sync::atomic::AtomicI64>) {
    use std::sync::atomic::Ordering;
    let mut listener = PgListener::connect(&url).await.unwrap();
    listener.listen(MOVED_CHANNEL).await.unwrap();
    let mut last = -1;
    loop {
        let _ = tokio::time::timeout(Duration::from_millis(20), listener.recv()).await;
        let now = standing(&db).await;
        if now != last {
            seen.lock().await.push((Instant::now(), now));
            last = now;
        }
        let target = until.load(Ordering::Acquire);
        if target > 0 && now >= target {
            return;
        }
    }
}

/// One run, reported on stdout.
async fn measure(kill_halfway: bool) {
    let rate = env_number("LYCEUM_BENCH_RATE", 1_000);
    let seconds = env_number("LYCEUM_BENCH_SECONDS", 60);
    let total = usize::try_from(rate * seconds).unwrap();
    let (db, url) = fresh_db().await;
    let prefix = format!("lag{}", &Uuid::new_v4().simple().to_string()[..8]);
    let mut relay = process("relay", &url, &prefix);
    let mut workers = vec![
        process("worker", &url, &prefix),
        process("worker", &url, &prefix),
    ];
    // Let the processes declare the topology and take their leases.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut lanes: Vec<Vec<(usize, Row)>> = (0..LANES).map(|_| Vec::new()).collect();
    let mut spaces = std::collections::HashMap::new();
    for (i, row) in Mix::from(16, chrono::Utc::now()).take(total).enumerate() {
        let next = spaces.len();
        let lane = *spaces.entry(row.space_id).or_insert(next % LANES);
        lanes[lane].push((i, row));
    }
    let seen: Seen = Arc::default();
    let until = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let watcher = tokio::spawn(watch(db.clone(), url.clone(), seen.clone(), until.clone()));
    let began = Instant::now();
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|rows| tokio::spawn(paced::lane(db.clone(), rows, began, rate)))
        .collect();
    if kill_halfway {
        tokio::time::sleep(Duration::from_secs(seconds / 2)).await;
        workers[0].start_kill().unwrap();
        let _ = workers[0].wait().await;
        println!(
            "killed one worker with SIGKILL after {:.1} s",
            began.elapsed().as_secs_f64()
        );
    }
    let mut commits = Vec::with_capacity(total);
    let mut times = Vec::with_capacity(total);
    for task in tasks {
        let (lane_commits, lane_times) = task.await.unwrap();
        commits.extend(lane_commits);
        times.extend(lane_times);
    }
    let appended = began.elapsed();
    let last = commits
        .iter()
        .map(|(position, _)| *position)
        .max()
        .unwrap_or(0);
    until.store(last, std::sync::atomic::Ordering::Release);
    tokio::time::timeout(Duration::from_secs(120), watcher)
        .await
        .expect("the read models catch up within two minutes")
        .unwrap();

    let seen = seen.lock().await;
    let mut lags = Vec::with_capacity(commits.len());
    for (position, committed) in &commits {
        let index = seen.partition_point(|(_, standing)| standing < position);
        let (applied, _) = seen[index];
        lags.push(applied.saturating_duration_since(*committed));
    }
    let largest = lags.iter().max().copied().unwrap_or_default();
    let run = |latencies| Run {
        operations: commits.len(),
        elapsed: appended,
        latencies,
    };
    let label = if kill_halfway {
        ", one worker killed halfway"
    } else {
        ""
    };
    println!(
        "{} events appended in {:.1} s ({:.0}/s), 2 workers, {PARTITIONS} partitions{label}",
        commits.len(),
        appended.as_secs_f64(),
        commits.len() as f64 / appended.as_secs_f64()
    );
    run(lags).report("lag, commit to every read model applied");
    println!("largest lag {:.1} ms", largest.as_secs_f64() * 1e3);
    run(times).report("baseline: the append itself");

    for worker in &mut workers {
        let _ = worker.start_kill();
        let _ = worker.wait().await;
    }
    let _ = relay.start_kill();
    let _ = relay.wait().await;
    if kill_halfway {
        let mut live = Vec::new();
        for projection in Projection::ALL {
            live.push((
                checksum(&db, projection).await.unwrap(),
                rows(&db, projection).await,
            ));
        }
        rebuild_all(&db, &Projection::ALL, &mut |_, _| {})
            .await
            .unwrap();
        let mut differ = Vec::new();
        for (projection, (sum, before)) in Projection::ALL.into_iter().zip(live) {
            if checksum(&db, projection).await.unwrap() != sum {
                let after = rows(&db, projection).await;
                let (old, new): (HashSet<_>, HashSet<_>) =
                    (before.iter().collect(), after.iter().collect());
                let only_live: Vec<_> = old.difference(&new).take(3).collect();
                let only_replay: Vec<_> = new.difference(&old).take(3).collect();
                println!(
                    "{}: live only {only_live:#?}\nreplay only {only_replay:#?}",
                    projection.name()
                );
                differ.push(projection.name());
            }
        }
        assert!(differ.is_empty(), "{differ:?} differ from a replay");
        println!("every read model equals a replay of the log (checksums)");
    }
    common::delete_topology(&prefix, PARTITIONS).await;
    db.close().await;
}

#[tokio::main]
async fn main() {
    if std::env::var_os("LYCEUM_BENCH_KILL_ONLY").is_none() {
        println!("== live lag: relay and 2 workers on Postgres and RabbitMQ ==");
        measure(false).await;
    }
    println!("\n== the same, one worker killed with SIGKILL halfway ==");
    measure(true).await;
}
