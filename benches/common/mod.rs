//! What the benchmarks share: run length and concurrency from the environment, a driver that
//! runs an operation from many clients and keeps every latency, and a running application with
//! a space `bench` and its creator key.

#![allow(dead_code)]

use lyceum::Config;
use lyceum::config::Secret;
use lyceum_store::keys::{IssuedKey, Role, insert_admin};
use serde_json::json;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub const AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// A number from the environment (`_` may group digits), or `default`.
pub fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

pub fn seconds() -> u64 {
    env_number("LYCEUM_BENCH_SECONDS", 10)
}

pub fn clients() -> usize {
    env_number("LYCEUM_BENCH_CLIENTS", 8)
}

/// A fresh Postgres database with the store's and the read models' migrations, and its URL.
pub async fn fresh_postgres() -> (lyceum_store::Db, String) {
    let url = lyceum_store::testing::fresh_postgres_url().await.unwrap();
    let db = lyceum_store::Db::connect(&url).await.unwrap();
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

/// Throughput and latency percentiles of one run.
pub struct Run {
    pub operations: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

impl Run {
    pub fn per_second(&self) -> f64 {
        self.operations as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile(&mut self, p: f64) -> Duration {
        self.latencies.sort_unstable();
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies.get(index).copied().unwrap_or_default()
    }

    pub fn report(&mut self, name: &str) {
        let (p50, p99) = (self.percentile(0.5), self.percentile(0.99));
        println!(
            "{name:<44} {:>9.0} ops/s   p50 {:>7.2} ms   p99 {:>7.2} ms",
            self.per_second(),
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
}

/// Runs `op` from `clients` tasks for `seconds`.
pub async fn drive<F, Fut>(clients: usize, seconds: u64, op: F) -> Run
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut handles = Vec::new();
    for client in 0..clients {
        let op = op.clone();
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                let began = Instant::now();
                op(client * 1_000_000 + n).await;
                latencies.push(began.elapsed());
                n += 1;
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for handle in handles {
        latencies.extend(handle.await.unwrap());
    }
    Run {
        operations: latencies.len(),
        elapsed: start.elapsed(),
        latencies,
    }
}

/// A running application: its base URL, an admin key, its database, the Postgres URL if any,
/// and what stops it.
pub struct Started {
    pub base: String,
    pub admin: String,
    pub db: lyceum_store::Db,
    pub database_url: Option<String>,
    pub stop: tokio::sync::oneshot::Sender<()>,
}

/// Starts the application on Postgres and RabbitMQ (`production`) or embedded, with an admin
/// key.
pub async fn start_app(production: bool) -> Started {
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        amqp_prefix: format!("bench{}", &Uuid::new_v4().simple().to_string()[..8]),
        http_workers: 2,
        // A benchmark measures throughput, not the rate limit.
        rate_limit: u32::MAX,
        rate_limit_anonymous: u32::MAX,
        ..Config::default()
    };
    let mut database_url = None;
    // Embedded mode's database and, on both backends, the audit key live here.
    config.data_dir =
        std::env::temp_dir().join(format!("lyceum-bench-{}", Uuid::new_v4().simple()));
    if production {
        let url = lyceum_store::testing::fresh_postgres_url().await.unwrap();
        database_url = Some(url.clone());
        config.database_url = Some(Secret::new(url));
        config.amqp_url = Some(Secret::new(AMQP_URL));
    }
    let app = lyceum::Application::build(&config).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let key = IssuedKey::generate(Role::Admin, None).unwrap();
    insert_admin(app.db(), &key).await.unwrap();
    let db = app.db().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (prefix, partitions) = (config.amqp_prefix.clone(), config.partitions);
    tokio::spawn(async move {
        let _ = app
            .run_until_stopped(async move {
                let _ = stopped.await;
            })
            .await;
        if production {
            delete_topology(&prefix, partitions).await;
        }
    });
    Started {
        base,
        admin: key.secret.clone(),
        db,
        database_url,
        stop,
    }
}

/// Starts the application on Postgres and RabbitMQ (`production`) or embedded, with a space
/// `bench`: `(base URL, creator key, stop, the Postgres URL if any)`.
pub async fn spawn_app(
    production: bool,
) -> (
    String,
    String,
    tokio::sync::oneshot::Sender<()>,
    Option<String>,
) {
    let (base, key, stop, url, _) = spawn_app_with_db(production).await;
    (base, key, stop, url)
}

/// [`spawn_app`], with the application's database handle too (to wait for its read models).
pub async fn spawn_app_with_db(
    production: bool,
) -> (
    String,
    String,
    tokio::sync::oneshot::Sender<()>,
    Option<String>,
    lyceum_store::Db,
) {
    let started = start_app(production).await;
    let creator = space_with_creator(&started, "bench").await;
    (
        started.base,
        creator,
        started.stop,
        started.database_url,
        started.db,
    )
}

/// Waits until every read model has applied the whole log, so that one run's backlog does not
/// weigh on the next.
pub async fn settle(db: &lyceum_store::Db) {
    let head = lyceum_store::read::head(db).await.unwrap();
    while lyceum_projections::min_checkpoint(db).await.unwrap() < head {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Creates the space `slug` with the admin key; returns a creator key of it.
pub async fn space_with_creator(app: &Started, slug: &str) -> String {
    let http = reqwest::Client::new();
    let base = &app.base;
    http.post(format!("{base}/v1/spaces"))
        .bearer_auth(&app.admin)
        .json(&json!({"slug": slug, "name": slug, "currency": "EUR"}))
        .send()
        .await
        .unwrap();
    let creator: serde_json::Value = http
        .post(format!("{base}/v1/spaces/{slug}/keys"))
        .bearer_auth(&app.admin)
        .json(&json!({"role": "creator"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    creator["key"].as_str().unwrap().to_owned()
}

/// An operation for [`drive`]: the creator creates a members-only post (a one-event command
/// over HTTP).
pub fn create_item(
    http: &reqwest::Client,
    base: &str,
    key: &str,
) -> impl Fn(usize) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
+ Clone
+ Send
+ 'static {
    let (http, base, key) = (http.clone(), base.to_owned(), key.to_owned());
    move |n| {
        let (http, base, key) = (http.clone(), base.clone(), key.clone());
        Box::pin(async move {
            let reply = http
                .post(format!("{base}/v1/spaces/bench/content"))
                .bearer_auth(&key)
                .json(
                    &json!({"kind": "post", "title": format!("Post {n}"), "body": "Body",
                    "access": {"policy": "members"}}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status().as_u16(), 201);
        })
    }
}

const ALLOCATION_LOCK: i64 = 0x4C58_0000_0000_0001;
const POSITION_LOCK_BASE: i64 = 0x4C59_0000_0000_0000;

/// A pgbench script that appends one `event_type` event with `payload` (JSON text) to a new
/// stream the way Lyceum does: `BEGIN; SELECT lyceum_append(..); COMMIT`.
pub fn append_script(event_type: &str, payload: &str) -> String {
    let envelope = json!([{"event_id": "EVENT_ID", "event_type": event_type,
        "event_version": 1, "payload": payload}])
    .to_string()
    .replace('\'', "''")
    .replace("EVENT_ID", "' || gen_random_uuid() || '");
    // pgbench reads `:name` as a variable: keep a space between a colon and a word.
    let envelope = envelope.replace(':', ": ");
    format!(
        "BEGIN;\nSELECT lyceum_append('{envelope}', 'space', gen_random_uuid()::text, 0, \
         gen_random_uuid()::text, 'system', gen_random_uuid()::text, NULL, 'bench', \
         '2026-11-21T00:00:00.000000Z', {ALLOCATION_LOCK}, {POSITION_LOCK_BASE});\nCOMMIT;\n"
    )
}

/// Runs pgbench with a script; returns transactions per second.
pub fn pgbench(url: &str, script: &str, clients: usize, seconds: u64) -> f64 {
    let path = std::env::temp_dir().join(format!("lyceum-bench-{}.sql", Uuid::new_v4().simple()));
    std::fs::write(&path, script).unwrap();
    let output = std::process::Command::new("pgbench")
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
        ])
        .args(["-T", &seconds.to_string(), "-f"])
        .arg(&path)
        .arg(url)
        .output()
        .expect("pgbench is installed");
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&output.stdout);
    let tps = text
        .lines()
        .find(|l| l.starts_with("tps ="))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|t| t.parse().ok());
    tps.unwrap_or_else(|| {
        panic!(
            "pgbench failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Deletes the exchanges and queues of the broker prefix `prefix` (with `partitions`
/// partitions). A benchmark's application leaves them behind otherwise, and a broker holding
/// hundreds of idle quorum queues from earlier runs grows too slow to answer new connections.
pub async fn delete_topology(prefix: &str, partitions: u16) {
    let Ok(connection) = lyceum_workers::amqp::connect(AMQP_URL).await else {
        return;
    };
    if let Ok(channel) = connection.create_channel().await {
        let topology = lyceum_workers::Topology::new(prefix.to_owned()).with_partitions(partitions);
        if let Err(error) = topology.delete(&channel).await {
            println!("could not delete the broker topology {prefix}: {error}");
        }
    }
    let _ = connection.close(200, "benchmark done".into()).await;
}
