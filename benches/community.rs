//! Community benchmarks, each beside a baseline run at the same time:
//!
//! - `feed`: a member's feed page (20 items, access checked per item) over REST and over
//!   GraphQL, against the creator's catalog page of the same size (no access checks), on 200
//!   published items of which a third are locked to the member.
//!
//! Run with `cargo bench --bench community` (PostgreSQL and RabbitMQ must be running).
//! `LYCEUM_BENCH_SECONDS` sets each run's length (default 10) and `LYCEUM_BENCH_CLIENTS` the
//! concurrency (default 8).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;

use common::{clients, drive, seconds, spawn_app};
use serde_json::{Value, json};

/// Publishes `n` items, every third locked to a tier the reader does not hold.
async fn catalog(http: &reqwest::Client, base: &str, key: &str, n: usize) {
    let tier: Value = http
        .post(format!("{base}/v1/spaces/bench/tiers"))
        .bearer_auth(key)
        .json(&json!({"name": "Pro", "kind": "paid", "monthly_price_minor": 900}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for i in 0..n {
        let access = if i % 3 == 0 {
            json!({"policy": "tiers", "tier_ids": [tier["id"]]})
        } else {
            json!({"policy": "members"})
        };
        let item: Value = http
            .post(format!("{base}/v1/spaces/bench/content"))
            .bearer_auth(key)
            .json(&json!({"kind": "post", "title": format!("Item {i}"),
                "body": "A paragraph of text. ".repeat(40), "excerpt": "A taste.", "access": access}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = item["id"].as_str().unwrap();
        http.post(format!("{base}/v1/spaces/bench/content/{id}/publish"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
    }
}

/// A member session token for the space.
async fn member(http: &reqwest::Client, base: &str) -> String {
    let signed_up: Value = http
        .post(format!("{base}/v1/spaces/bench/auth/sign-up"))
        .json(
            &json!({"email": "reader@example.org", "display_name": "Reader",
            "password": "a long passphrase"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    signed_up["session"]["token"].as_str().unwrap().to_owned()
}

async fn bench_feed(clients: usize, seconds: u64) {
    println!(
        "\n== feed: 20-item pages of 200 published items, {clients} clients, {seconds} s each =="
    );
    for (name, production) in [
        ("Postgres + RabbitMQ", true),
        ("SQLite, in-process bus", false),
    ] {
        let (base, key, stop) = spawn_app(production).await;
        let http = reqwest::Client::new();
        catalog(&http, &base, &key, 200).await;
        let token = member(&http, &base).await;
        // Let the read models catch up before measuring.
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let get = |who: String, path: &'static str| {
            let (http, base) = (http.clone(), base.clone());
            move |_| {
                let (http, base, who) = (http.clone(), base.clone(), who.clone());
                async move {
                    let reply = http
                        .get(format!("{base}{path}"))
                        .bearer_auth(&who)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(reply.status(), 200);
                    let page: Value = reply.json().await.unwrap();
                    assert_eq!(page["data"].as_array().unwrap().len(), 20);
                }
            }
        };
        drive(
            clients,
            seconds,
            get(
                key.clone(),
                "/v1/spaces/bench/content?limit=20&status=published",
            ),
        )
        .await
        .report(&format!("baseline: creator catalog page ({name})"));
        drive(
            clients,
            seconds,
            get(token.clone(), "/v1/spaces/bench/feed?limit=20"),
        )
        .await
        .report(&format!("member feed page, REST ({name})"));
        let graphql = {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            move |_| {
                let (http, base, token) = (http.clone(), base.clone(), token.clone());
                async move {
                    let query = "{ feed(space: \"bench\", first: 20) { edges { node { id title body locked } } } }";
                    let reply: Value = http
                        .post(format!("{base}/graphql"))
                        .bearer_auth(&token)
                        .json(&json!({"query": query}))
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    assert_eq!(reply["data"]["feed"]["edges"].as_array().unwrap().len(), 20);
                }
            }
        };
        drive(clients, seconds, graphql)
            .await
            .report(&format!("member feed page, GraphQL ({name})"));
        let _ = stop.send(());
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
        if wants("feed") {
            bench_feed(clients, seconds).await;
        }
    });
}
