//! Replay at speed: writes a log of `LYCEUM_BENCH_EVENTS` events (1,000,000 by default) with
//! the mix of a busy community (spaces, tiers, members, subscriptions, content drafted and
//! published, views, likes, comments, check-ins, points), straight into the store, then
//! rebuilds every read model in one pass over it, on SQLite and on Postgres, and prints events
//! per second, the time taken and the peak memory of the process. As a baseline from the same
//! run it rebuilds a smaller log (`LYCEUM_BENCH_BASELINE_EVENTS`, 20,000 by default) both ways:
//! one projection at a time, event by event, as replays used to, and in one pass, and checks
//! that both give the same read models.

// A benchmark stops at the first failure and reports on stdout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;
#[path = "replay/mix.rs"]
mod mix;

use common::env_number;

use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::{Pace, rebuild_paced};
use lyceum_store::{Backend, Db};
use mix::{Mix, Row};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Rows per generating transaction, and per INSERT.
const WRITE_TX: usize = 5_000;
const WRITE_ROWS: usize = 500;

/// Writes `total` events of a community's mix, in a few dozen spaces. Returns how many it
/// wrote.
async fn generate(db: &Db, total: usize) -> usize {
    let mut mix = Mix::new((total / 50_000).clamp(2, 40));
    let mut written = 0;
    while written < total {
        let rows: Vec<Row> = mix.by_ref().take(WRITE_TX.min(total - written)).collect();
        written += write(db, rows).await;
    }
    written
}

/// Inserts `rows` into the log in one transaction.
async fn write(db: &Db, rows: Vec<Row>) -> usize {
    let count = rows.len();
    let mut tx = db.writer().begin().await.unwrap();
    for chunk in rows.chunks(WRITE_ROWS) {
        let mut sql = String::from(
            "INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, \
             event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
             recorded_at) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            // SQLite takes `?` in order; its `$n` cost time in the square of their count.
            let p: Vec<String> = (1..=10)
                .map(|k| match db.backend {
                    Backend::Sqlite => "?".to_owned(),
                    Backend::Postgres => format!("${}", i * 10 + k),
                })
                .collect();
            sql.push_str(&format!(
                "({}, {}, {}, {}, {}, {}, {}, {}, 'system', {}, NULL, 'bench', {})",
                p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]
            ));
        }
        let mut query = sqlx::query(&sql);
        for r in chunk {
            query = query
                .bind(Uuid::now_v7().to_string())
                .bind(r.aggregate_type)
                .bind(r.aggregate_id.to_string())
                .bind(r.version)
                .bind(r.envelope.event_type.clone())
                .bind(i64::from(r.envelope.event_version))
                .bind(r.envelope.payload.to_string())
                .bind(r.space_id.to_string())
                .bind(Uuid::new_v4().to_string())
                .bind(r.recorded_at.clone());
        }
        query.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    count
}

/// The process's peak resident memory since the last [`reset_peak`], in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Starts measuring the peak resident memory afresh (Linux: `5` to `clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A fresh, migrated database and its URL (to remove it afterwards).
async fn fresh(backend: Backend) -> (Db, String) {
    let url = match backend {
        Backend::Postgres => lyceum_store::testing::fresh_postgres_url().await.unwrap(),
        Backend::Sqlite => lyceum_store::testing::fresh_sqlite_url(),
    };
    let db = Db::connect(&url).await.unwrap();
    lyceum_store::migrate::run(
        &db,
        &[
            lyceum_store::migrate::migrations(),
            lyceum_projections::migrations(),
        ],
    )
    .await
    .unwrap();
    (db, url)
}

/// Closes `db` and removes its database.
async fn remove(db: Db, url: &str) {
    use sqlx::{Connection, Executor};
    db.close().await;
    if let Some(dir) = url.strip_prefix("sqlite://") {
        let _ = std::fs::remove_dir_all(dir);
    } else if let Some((server, name)) = url.rsplit_once('/')
        && let Ok(mut admin) = sqlx::AnyConnection::connect(&format!("{server}/postgres")).await
    {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
        let _ = admin.close().await;
    }
}

/// Rebuilds `projections` at `pace`, each alone or all together; returns the time taken.
async fn replay(db: &Db, pace: Pace, one_at_a_time: bool) -> Duration {
    let began = Instant::now();
    if one_at_a_time {
        for projection in Projection::ALL {
            rebuild_paced(db, &[projection], pace, &mut |_, _| {})
                .await
                .unwrap();
        }
    } else {
        rebuild_paced(db, &Projection::ALL, pace, &mut |_, _| {})
            .await
            .unwrap();
    }
    began.elapsed()
}

/// Every read model's checksum.
async fn checksums(db: &Db) -> Vec<String> {
    let mut sums = Vec::new();
    for projection in Projection::ALL {
        sums.push(checksum(db, projection).await.unwrap());
    }
    sums
}

fn report(name: &str, events: usize, elapsed: Duration, rss: Option<f64>) {
    let rate = events as f64 / elapsed.as_secs_f64();
    let rss = rss.map_or(String::new(), |mib| format!("   peak RSS {mib:>6.1} MiB"));
    println!(
        "{name:<52} {events:>9} events {:>8.2} s {rate:>9.0} events/s{rss}",
        elapsed.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let total = env_number("LYCEUM_BENCH_EVENTS", 1_000_000);
    let small = env_number("LYCEUM_BENCH_BASELINE_EVENTS", 20_000).min(total);
    for (name, backend) in [("sqlite", Backend::Sqlite), ("postgres", Backend::Postgres)] {
        let (db, url) = fresh(backend).await;
        let generated = Instant::now();
        let events = generate(&db, small).await;
        println!(
            "{name}: baseline log of {events} events written in {:.1} s",
            generated.elapsed().as_secs_f64()
        );
        let old = replay(&db, Pace::EVENT_BY_EVENT, true).await;
        report(
            &format!("{name}: per projection, event by event"),
            events,
            old,
            None,
        );
        let before = checksums(&db).await;
        let new = replay(&db, Pace::BATCHED, false).await;
        report(&format!("{name}: one pass, batched"), events, new, None);
        assert_eq!(
            checksums(&db).await,
            before,
            "{name}: batched and event-by-event rebuilds give the same rows"
        );
        println!(
            "{name}: one pass is {:.1}x the old path",
            old.as_secs_f64() / new.as_secs_f64()
        );
        remove(db, &url).await;

        let (db, url) = fresh(backend).await;
        let generated = Instant::now();
        let events = generate(&db, total).await;
        println!(
            "{name}: log of {events} events written in {:.1} s",
            generated.elapsed().as_secs_f64()
        );
        reset_peak();
        let elapsed = replay(&db, Pace::BATCHED, false).await;
        report(
            &format!("{name}: one pass, batched"),
            events,
            elapsed,
            Some(peak_rss_mib()),
        );
        remove(db, &url).await;
    }
}
