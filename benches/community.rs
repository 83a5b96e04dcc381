//! Community benchmarks, each beside a baseline run at the same time:
//!
//! - `feed`: a member's feed page (20 items, access checked per item) over REST and over
//!   GraphQL, against the creator's catalog page of the same size (no access checks), on 200
//!   published items of which a third are locked to the member.
//!
//! - `comments`: comments posted by members over HTTP (session, access check, rate limit, the
//!   body sealed with the author's key, one append), against the creator creating items over
//!   HTTP at the same time (a one-event command without those), and on Postgres against
//!   `pgbench` appending a `CommentPosted`-sized event the way Lyceum does.
//!
//! Run with `cargo bench --bench community` (PostgreSQL and RabbitMQ must be running).
//! `LYCEUM_BENCH_SECONDS` sets each run's length (default 10) and `LYCEUM_BENCH_CLIENTS` the
//! concurrency (default 8).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;

use common::{append_script, clients, create_item, drive, pgbench, seconds, spawn_app};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Publishes `n` items, every third locked to a tier the reader does not hold; returns the ids
/// of the open ones.
async fn catalog(http: &reqwest::Client, base: &str, key: &str, n: usize) -> Vec<String> {
    let mut open = Vec::new();
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
        if i % 3 != 0 {
            open.push(id.to_owned());
        }
    }
    open
}

/// A member session token for the space (`n` tells members apart).
async fn member(http: &reqwest::Client, base: &str, n: usize) -> String {
    let signed_up: Value = http
        .post(format!("{base}/v1/spaces/bench/auth/sign-up"))
        .json(
            &json!({"email": format!("reader{n}@example.org"), "display_name": "Reader",
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
        let (base, key, stop, _) = spawn_app(production).await;
        let http = reqwest::Client::new();
        let open = catalog(&http, &base, &key, 200).await;
        let token = member(&http, &base, 0).await;
        // The reader likes and comments on the open items of the first page.
        for id in open.iter().rev().take(14) {
            let item = format!("{base}/v1/spaces/bench/content/{id}");
            http.put(format!("{item}/like"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let reply = http
                .post(format!("{item}/comments"))
                .bearer_auth(&token)
                .json(&json!({"body": "Worth reading twice."}))
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status().as_u16(), 201);
        }
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
        let graphql = |query: &'static str| {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            move |_| {
                let (http, base, token) = (http.clone(), base.clone(), token.clone());
                async move {
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
        drive(
            clients,
            seconds,
            graphql(
                "{ feed(space: \"bench\", first: 20) { edges { node { id title body locked } } } }",
            ),
        )
        .await
        .report(&format!("member feed page, GraphQL ({name})"));
        drive(
            clients,
            seconds,
            graphql(
                "{ feed(space: \"bench\", first: 20) { edges { node { id title body locked \
                 engagement { likes comments likedByViewer } comments(first: 3) { authorName body } } } } }",
            ),
        )
        .await
        .report(&format!("… with counters and 3 comments each ({name})"));
        let _ = stop.send(());
    }
}

/// Members needed so that none reaches the 30-comments-a-minute limit in a run.
const COMMENTERS: usize = 160;

async fn bench_comments(clients: usize, seconds: u64) {
    println!(
        "\n== comments: POST …/content/{{id}}/comments, {clients} clients, {seconds} s each =="
    );
    for (name, production) in [
        ("Postgres + RabbitMQ", true),
        ("SQLite, in-process bus", false),
    ] {
        let (base, key, stop, database_url) = spawn_app(production).await;
        let http = reqwest::Client::new();
        let item: Value = http
            .post(format!("{base}/v1/spaces/bench/content"))
            .bearer_auth(&key)
            .json(
                &json!({"kind": "post", "title": "Talk", "body": "Say something.",
                "access": {"policy": "members"}}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let item = item["id"].as_str().unwrap().to_owned();
        http.post(format!("{base}/v1/spaces/bench/content/{item}/publish"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        let mut tokens = Vec::new();
        for batch in (0..COMMENTERS).collect::<Vec<_>>().chunks(8) {
            let signed = futures::future::join_all(batch.iter().map(|n| member(&http, &base, *n)));
            tokens.extend(signed.await);
        }
        let tokens = Arc::new(tokens);
        let turn = Arc::new(AtomicUsize::new(0));
        let comment = {
            let (http, base) = (http.clone(), base.clone());
            move |n: usize| {
                let (http, base, tokens, turn) =
                    (http.clone(), base.clone(), tokens.clone(), turn.clone());
                let path = format!("{base}/v1/spaces/bench/content/{item}/comments");
                async move {
                    // Members take turns; one that reached its limit passes to the next.
                    loop {
                        let token = &tokens[turn.fetch_add(1, Ordering::Relaxed) % tokens.len()];
                        let reply = http
                            .post(&path)
                            .bearer_auth(token)
                            .json(&json!({"body": format!("Comment {n}: a thought or two about this post.")}))
                            .send()
                            .await
                            .unwrap();
                        match reply.status().as_u16() {
                            201 => return,
                            429 => continue,
                            status => panic!("comment: {status} {}", reply.text().await.unwrap()),
                        }
                    }
                }
            }
        };
        let mut comments = drive(clients, seconds, comment).await;
        comments.report(&format!("comment posted ({name})"));
        let mut created = drive(clients, seconds, create_item(&http, &base, &key)).await;
        created.report(&format!("baseline: item created by key ({name})"));
        println!(
            "ratio comments / item creation = {:.2}",
            comments.per_second() / created.per_second()
        );
        let _ = stop.send(());
        if let Some(url) = database_url {
            let payload = json!({"comment_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d",
                "space_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4e",
                "content_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4f", "parent_id": null,
                "member_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c50",
                "body": "x".repeat(160)})
            .to_string();
            let tps = pgbench(
                &url,
                &append_script("CommentPosted", &payload),
                clients,
                seconds,
            );
            println!("{:<44} {tps:>9.0} tps", "baseline: pgbench, same append");
            println!(
                "ratio comments / pgbench append = {:.2}",
                comments.per_second() / tps
            );
        }
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
        if wants("comments") {
            bench_comments(clients, seconds).await;
        }
    });
}
