//! Throughput benchmarks, each beside a baseline run at the same time on the same machine:
//!
//! - `append`: single-event commands appended to the Postgres log by concurrent writers, against
//!   `pgbench` running the same SQL shape (`BEGIN; SELECT lyceum_append(..); COMMIT`), and
//!   against `pgbench` running the bare insert alone (what gap safety costs).
//! - `http`: whole commands over HTTP (auth, load, decide, append, respond) on Postgres and on
//!   SQLite, to show a command is one transaction and no slow hashing, against `pgbench`
//!   running the same append.
//! - `comments`: members posting comments (access check, quota, sealing, append) against the
//!   creator creating items, in the same application.
//! - `checkout`: a member, their subscription (the provider's charge included), then their
//!   entitlement read back with `min_position`, so the time until the read models show the
//!   access is part of each operation; against the same requests reading without waiting.
//! - `relay`: events per second published to RabbitMQ with confirms, one event per batch (a
//!   confirm round trip each) against 500 per batch (confirms pipelined).
//!
//! Run with `cargo bench --bench throughput` (PostgreSQL and RabbitMQ must be running).
//! `LYCEUM_BENCH_SECONDS` sets each run's length (default 10) and `LYCEUM_BENCH_CLIENTS` the
//! concurrency (default 8).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;

use common::{
    AMQP_URL, append_script, clients, create_item, drive, fresh_postgres, pgbench, seconds, settle,
    spawn_app, spawn_app_with_db,
};

use lyceum_store::Append;
use lyceum_workers::{Relay, Topology};
use serde_json::json;
use std::time::Instant;
use uuid::Uuid;

fn space_append(n: usize) -> Append {
    lyceum_store::testing::space_created(&format!("s{n}")).unwrap()
}

const INSERT: &str = "INSERT INTO events (event_id, aggregate_type, aggregate_id, version, \
    event_type, event_version, payload, space_id, actor, correlation_id, causation_id, \
    request_id, recorded_at) VALUES (gen_random_uuid()::text, 'space', gen_random_uuid()::text, \
    1, 'SpaceCreated', 1, '{\"currency\":\"EUR\",\"name\":\"Bench\",\"slug\":\"s1\"}', \
    gen_random_uuid()::text, 'system', gen_random_uuid()::text, NULL, 'bench', \
    '2026-11-21T00:00:00.000000Z') ON CONFLICT (aggregate_type, aggregate_id, version) \
    DO NOTHING RETURNING position";

async fn bench_append(clients: usize, seconds: u64) {
    println!("\n== append: one-event commands, {clients} writers, {seconds} s each ==");
    let (db, url) = fresh_postgres().await;
    let writer = db.clone();
    let mut run = drive(clients, seconds, move |n| {
        let db = writer.clone();
        async move {
            lyceum_store::append::append(&db, &space_append(n), None)
                .await
                .unwrap();
        }
    })
    .await;
    run.report("lyceum append (Postgres)");
    let same_shape = append_script(
        "SpaceCreated",
        r#"{"currency":"EUR","name":"Bench","slug":"s1"}"#,
    );
    let shape_tps = pgbench(&url, &same_shape, clients, seconds);
    println!("{:<44} {shape_tps:>9.0} tps", "pgbench, same SQL shape");
    let bare_tps = pgbench(&url, &format!("{INSERT};\n"), clients, seconds);
    println!(
        "{:<44} {bare_tps:>9.0} tps",
        "pgbench, bare insert (no gap-safety locks)"
    );
    println!(
        "ratio lyceum / same shape = {:.2}; same shape / bare insert = {:.2}",
        run.per_second() / shape_tps,
        shape_tps / bare_tps
    );
}

/// The same append as a one-event command, run by `pgbench` on a database of its own: the
/// baseline of a command over HTTP.
fn pgbench_append(url: &str, clients: usize, seconds: u64) -> f64 {
    let script = append_script(
        "SpaceCreated",
        r#"{"currency":"EUR","name":"Bench","slug":"s1"}"#,
    );
    let tps = pgbench(url, &script, clients, seconds);
    println!(
        "{:<44} {tps:>9.0} tps",
        "baseline: pgbench, the same append"
    );
    tps
}

async fn bench_http(clients: usize, seconds: u64) {
    println!(
        "\n== http: POST /v1/spaces/{{space}}/content, {clients} clients, {seconds} s each =="
    );
    let (_, url) = fresh_postgres().await;
    let baseline = pgbench_append(&url, clients, seconds);
    for (name, production) in [
        ("Postgres + RabbitMQ", true),
        ("SQLite, in-process bus", false),
    ] {
        let (base, key, stop, _) = spawn_app(production).await;
        let http = reqwest::Client::new();
        let mut run = drive(clients, seconds, create_item(&http, &base, &key)).await;
        run.report(&format!("create content over HTTP ({name})"));
        if production {
            println!(
                "ratio command over HTTP / pgbench append = {:.2}",
                run.per_second() / baseline
            );
        }
        // Stop the application so its background work does not weigh on the next run.
        let _ = stop.send(());
    }
}

/// Signs up `count` members of the space `bench`; their session tokens.
async fn members(http: &reqwest::Client, base: &str, count: usize) -> Vec<String> {
    let mut tokens = Vec::with_capacity(count);
    for n in 0..count {
        let signed_up: serde_json::Value = http
            .post(format!("{base}/v1/spaces/bench/auth/sign-up"))
            .json(
                &json!({"email": format!("c{n}@example.org"), "display_name": format!("C{n}"),
                "password": "a good long password"}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push(signed_up["session"]["token"].as_str().unwrap().to_owned());
    }
    tokens
}

/// Creates and publishes a members-only post; its id.
async fn published_item(http: &reqwest::Client, base: &str, key: &str) -> String {
    let item: serde_json::Value = http
        .post(format!("{base}/v1/spaces/bench/content"))
        .bearer_auth(key)
        .json(&json!({"kind": "post", "title": "Talk", "body": "Body", "access": {"policy": "members"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = item["id"].as_str().unwrap().to_owned();
    let published = http
        .post(format!("{base}/v1/spaces/bench/content/{id}/publish"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(published.status().as_u16(), 200);
    id
}

async fn bench_comments(clients: usize, seconds: u64) {
    println!(
        "\n== comments: members comment on an item vs the creator creates items, {clients} clients, {seconds} s each =="
    );
    // A member may post 30 comments a minute: each client takes turns among enough members
    // to stay under that at up to 90 comments a second.
    let per_client = 3 * usize::try_from(seconds).unwrap().max(1);
    for (name, production) in [
        ("Postgres + RabbitMQ", true),
        ("SQLite, in-process bus", false),
    ] {
        let (base, key, stop, _, db) = spawn_app_with_db(production).await;
        let http = reqwest::Client::new();
        let item = published_item(&http, &base, &key).await;
        let tokens = std::sync::Arc::new(members(&http, &base, clients * per_client).await);
        settle(&db).await;
        let mut baseline = drive(clients, seconds, create_item(&http, &base, &key)).await;
        baseline.report(&format!("baseline: create content ({name})"));
        settle(&db).await;
        let (client, url) = (
            http.clone(),
            format!("{base}/v1/spaces/bench/content/{item}/comments"),
        );
        let mut run = drive(clients, seconds, move |n| {
            let (http, url, tokens) = (client.clone(), url.clone(), tokens.clone());
            async move {
                let member = (n / 1_000_000) * per_client + (n % 1_000_000) % per_client;
                let reply = http
                    .post(&url)
                    .bearer_auth(&tokens[member])
                    .json(&json!({"body": format!("Comment {n}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(reply.status().as_u16(), 201);
            }
        })
        .await;
        run.report(&format!("post a comment ({name})"));
        println!(
            "ratio comment / item creation ({name}) = {:.2}",
            run.per_second() / baseline.per_second()
        );
        let _ = stop.send(());
    }
}

async fn bench_checkout(clients: usize, seconds: u64) {
    println!(
        "\n== checkout: member + subscription (charged) + entitlement read back, {clients} clients, {seconds} s each =="
    );
    for (name, production) in [
        ("Postgres + RabbitMQ", true),
        ("SQLite, in-process bus", false),
    ] {
        let (base, key, stop, _, db) = spawn_app_with_db(production).await;
        let http = reqwest::Client::new();
        let tier: serde_json::Value = http
            .post(format!("{base}/v1/spaces/bench/tiers"))
            .bearer_auth(&key)
            .json(&json!({"name": "Pro", "kind": "paid", "monthly_price_minor": 900}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let tier_id = tier["id"].as_str().unwrap().to_owned();
        // The baseline: the same three requests, reading the entitlement without waiting for
        // the read models, so the difference is what catching up costs.
        let mut unwaited = None;
        for wait in [false, true] {
            settle(&db).await;
            let (http, base, key, tier_id) =
                (http.clone(), base.clone(), key.clone(), tier_id.clone());
            let mut run = drive(clients, seconds, move |n| {
            let (http, base, key, tier_id) = (http.clone(), base.clone(), key.clone(), tier_id.clone());
            async move {
                let member: serde_json::Value = http
                    .post(format!("{base}/v1/spaces/bench/members"))
                    .bearer_auth(&key)
                    .json(&json!({"email": format!("m{n}@example.org"), "display_name": "M"}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let member_id = member["id"].as_str().unwrap();
                let subscribed = http
                    .post(format!("{base}/v1/spaces/bench/members/{member_id}/subscriptions"))
                    .bearer_auth(&key)
                    .json(&json!({"tier_id": tier_id, "interval": "monthly", "payment_method": "tok_success"}))
                    .send()
                    .await
                    .unwrap();
                let position = subscribed.headers()["lyceum-position"].to_str().unwrap().to_owned();
                let consistency = if wait { format!("?min_position={position}") } else { String::new() };
                let access = http
                    .get(format!(
                        "{base}/v1/spaces/bench/members/{member_id}/entitlements{consistency}"
                    ))
                    .bearer_auth(&key)
                    .send()
                    .await
                    .unwrap();
                if wait {
                    let access: serde_json::Value = access.json().await.unwrap();
                    assert_eq!(access["tier_ids"][0].as_str(), Some(tier_id.as_str()));
                } else {
                    // Not waiting, the read models may not show the member yet.
                    assert!([200, 404].contains(&access.status().as_u16()));
                }
            }
        })
        .await;
            let what = if wait {
                "checkout to entitlement"
            } else {
                "baseline: same requests, no wait"
            };
            run.report(&format!("{what} ({name})"));
            match unwaited {
                None => unwaited = Some(run.per_second()),
                Some(baseline) => println!(
                    "ratio with min_position / without ({name}) = {:.2}",
                    run.per_second() / baseline
                ),
            }
        }
        let _ = stop.send(());
    }
}

async fn bench_relay() {
    const EVENTS: i64 = 20_000;
    println!("\n== relay: {EVENTS} events to RabbitMQ with publisher confirms ==");
    let broker = lyceum_workers::amqp::connect(AMQP_URL).await.unwrap();
    for batch in [1, 500] {
        let (db, _) = fresh_postgres().await;
        let fill = format!(
            "INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, \
             event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
             recorded_at) SELECT gen_random_uuid()::text, 'space', gen_random_uuid()::text, 1, \
             'SpaceCreated', 1, '{{\"currency\":\"EUR\",\"name\":\"Bench\",\"slug\":\"s1\"}}', \
             gen_random_uuid()::text, 'system', gen_random_uuid()::text, NULL, 'bench', \
             '2026-11-21T00:00:00.000000Z' FROM generate_series(1, {EVENTS})"
        );
        sqlx::query(&fill).execute(db.writer()).await.unwrap();
        let topology = Topology::new(format!(
            "bench{}",
            &Uuid::new_v4().simple().to_string()[..8]
        ));
        let channel = broker.create_channel().await.unwrap();
        let relay = Relay::new(db.clone(), channel, topology.clone(), batch)
            .await
            .unwrap();
        let start = Instant::now();
        let mut published = 0;
        while published < EVENTS as usize {
            published += relay.step().await.unwrap();
        }
        let elapsed = start.elapsed();
        println!(
            "{:<44} {:>9.0} events/s",
            format!("relay, {batch} per batch"),
            published as f64 / elapsed.as_secs_f64()
        );
        let cleanup = broker.create_channel().await.unwrap();
        topology.delete(&cleanup).await.unwrap();
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let wants = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    runtime.block_on(async {
        let (clients, seconds) = (clients(), seconds());
        if wants("append") {
            bench_append(clients, seconds).await;
        }
        if wants("http") {
            bench_http(clients, seconds).await;
        }
        if wants("comments") {
            bench_comments(clients, seconds).await;
        }
        if wants("checkout") {
            bench_checkout(clients, seconds).await;
        }
        if wants("relay") {
            bench_relay().await;
        }
    });
}
