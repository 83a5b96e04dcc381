//! Lists at scale: the first page (and for some a second) of every list route in a space of
//! 100k items, 100k members and 1M interactions, against the same page in a space of 1k rows of
//! each kind in the same database, on both backends. Each request to the large space is
//! followed by the same request to the small one, so both see the same load; the ratio of their
//! p50s says whether a page costs one page or the whole list.
//!
//! The rows are written straight into the read models (and filler events of types no read model
//! handles into the log): this measures reads only (see `lists/fill.rs`).
//!
//! Run with `cargo bench --bench lists` (PostgreSQL and RabbitMQ must be running).
//! `LYCEUM_BENCH_LIST_ITEMS` sets the large space's items and members (default 100000; ten
//! interactions per member), `LYCEUM_BENCH_REQUESTS` how many requests each list gets per
//! space (default 200), and `LYCEUM_BENCH_BACKEND` (`postgres` or `sqlite`) runs one backend
//! only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;
#[path = "lists/fill.rs"]
mod fill;

use common::{Started, space_with_creator, start_app};
use fill::{COMMON_WORD, FILLER_TYPES, Given, RARE_WORD, Sizes};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Who asks.
#[derive(Clone, Copy)]
enum Who {
    Creator,
    Member,
    Auditor,
}

/// One space to read from, with its credentials.
struct Space {
    slug: String,
    creator: String,
    member: String,
    auditor: String,
    given: Given,
    topic: String,
}

impl Space {
    fn key(&self, who: Who) -> &str {
        match who {
            Who::Creator => &self.creator,
            Who::Member => &self.member,
            Who::Auditor => &self.auditor,
        }
    }
}

/// A list as the benchmark asks for it: a name, who asks, and the request in a space.
struct List {
    name: &'static str,
    who: Who,
    /// A REST path (after `/v1/spaces/{slug}`, or from `/v1` when it starts with `!`), or a
    /// GraphQL document when it starts with `{`.
    path: Box<dyn Fn(&Space) -> String>,
    /// Whether to ask for the page after the first.
    second_page: bool,
}

fn list(name: &'static str, who: Who, path: impl Fn(&Space) -> String + 'static) -> List {
    List {
        name,
        who,
        path: Box::new(path),
        second_page: false,
    }
}

fn lists() -> Vec<List> {
    let mut all = vec![
        list("catalog (key)", Who::Creator, |_| {
            "/content?limit=20".into()
        }),
        list("catalog, published (key)", Who::Creator, |_| {
            "/content?status=published&limit=20".into()
        }),
        list("catalog (member)", Who::Member, |_| {
            "/content?limit=20".into()
        }),
        list("catalog by kind (member)", Who::Member, |_| {
            "/content?kind=article&limit=20".into()
        }),
        list("catalog by tag (key)", Who::Creator, |_| {
            "/content?tag=tag7&limit=20".into()
        }),
        list("catalog by topic (member)", Who::Member, |s| {
            format!("/content?topic={}&limit=20", s.topic)
        }),
        list("catalog featured (key)", Who::Creator, |_| {
            "/content?featured=true&limit=20".into()
        }),
        list("feed (member)", Who::Member, |_| "/feed?limit=20".into()),
        list("search, common word (member)", Who::Member, |_| {
            format!("/search?q={COMMON_WORD}&limit=20")
        }),
        list("search, rare word (member)", Who::Member, |_| {
            format!("/search?q={RARE_WORD}&limit=20")
        }),
        list("search, two words (key)", Who::Creator, |_| {
            format!("/search?q=paragraph+{COMMON_WORD}&limit=20")
        }),
        list("GraphQL content(first: 20) (key)", Who::Creator, |s| {
            format!(
                "{{ space(slug: \"{}\") {{ content(first: 20) {{ edges {{ node {{ id title }} }} }} }} }}",
                s.slug
            )
        }),
        list("members (key)", Who::Creator, |_| {
            "/members?limit=20".into()
        }),
        list("comments of an item (key)", Who::Creator, |s| {
            format!("/content/{}/comments?limit=20", s.given.hot_item)
        }),
        list("comments of an item (member)", Who::Member, |s| {
            format!("/content/{}/comments?limit=20", s.given.hot_item)
        }),
        list("orders of a member (key)", Who::Creator, |s| {
            format!("/members/{}/orders?limit=20", s.given.target_member)
        }),
        list("activity of a member (key)", Who::Creator, |s| {
            format!("/members/{}/activity?limit=20", s.given.target_member)
        }),
        list("interactions (key)", Who::Creator, |_| {
            "/interactions?limit=20".into()
        }),
        list("leaderboard (key)", Who::Creator, |_| {
            "/leaderboard?period=all_time&limit=20".into()
        }),
        list("reports, open (key)", Who::Creator, |_| {
            "/reports?status=open&limit=20".into()
        }),
        list("reports (key)", Who::Creator, |_| {
            "/reports?limit=20".into()
        }),
        list("events (auditor)", Who::Auditor, |_| {
            "!/events?limit=20".into()
        }),
        list(
            "events of an aggregate type (auditor)",
            Who::Auditor,
            |_| format!("!/events?aggregate_type={}&limit=20", FILLER_TYPES[1].0),
        ),
        list("events of a type (auditor)", Who::Auditor, |_| {
            format!("!/events?types={}&limit=20", FILLER_TYPES[1].1)
        }),
    ];
    for (name, path) in [
        ("catalog, second page (key)", "/content?limit=20"),
        ("members, second page (key)", "/members?limit=20"),
        ("interactions, second page (key)", "/interactions?limit=20"),
        (
            "leaderboard, second page (key)",
            "/leaderboard?period=all_time&limit=20",
        ),
    ] {
        let mut second = list(name, Who::Creator, move |_| path.into());
        second.second_page = true;
        all.push(second);
    }
    all
}

/// Sends one request of `list` in `space`; returns the body.
async fn ask(
    http: &reqwest::Client,
    base: &str,
    space: &Space,
    list: &List,
    cursor: Option<&str>,
) -> Value {
    let path = (list.path)(space);
    let key = space.key(list.who);
    let request = if path.starts_with('{') {
        http.post(format!("{base}/graphql"))
            .json(&json!({"query": path}))
    } else {
        let url = match path.strip_prefix('!') {
            Some(from_v1) => format!("{base}/v1{from_v1}"),
            None => format!("{base}/v1/spaces/{}{path}", space.slug),
        };
        let url = match cursor {
            Some(cursor) => format!("{url}&after={cursor}"),
            None => url,
        };
        http.get(url)
    };
    let reply = request.bearer_auth(key).send().await.unwrap();
    let status = reply.status();
    let body: Value = reply.json().await.unwrap();
    assert!(status.is_success(), "{} {path}: {status} {body}", list.name);
    assert!(body.get("errors").is_none(), "{} {path}: {body}", list.name);
    body
}

/// The p-th percentile of `samples`, in milliseconds.
fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort_unstable();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples
        .get(index)
        .copied()
        .unwrap_or_default()
        .as_secs_f64()
        * 1e3
}

/// Makes a space `slug` with a paid tier, a member session, an auditor key, and `sizes` rows.
async fn space(app: &Started, slug: &str, sizes: Sizes, offset: i64) -> Space {
    let http = reqwest::Client::new();
    let base = &app.base;
    let creator = space_with_creator(app, slug).await;
    let read = until_reads(&http, &format!("{base}/v1/spaces/{slug}"), &creator).await;
    let space_id = read["id"].as_str().unwrap().to_owned();
    let post = |path: String, key: &str, body: Value| {
        http.post(format!("{base}/v1/spaces/{slug}{path}"))
            .bearer_auth(key)
            .json(&body)
            .send()
    };
    let tier: Value = post(
        "/tiers".into(),
        &creator,
        json!({"name": "Pro", "kind": "paid", "monthly_price_minor": 900}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let auditor: Value = post("/keys".into(), &app.admin, json!({"role": "auditor"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signed_up: Value = http
        .post(format!("{base}/v1/spaces/{slug}/auth/sign-up"))
        .json(
            &json!({"email": format!("reader@{slug}.example.org"), "display_name": "Reader",
            "password": "a long passphrase"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item: Value = post(
        "/content".into(),
        &creator,
        json!({"kind": "post", "title": "Talk of the town", "body": "Read on.",
            "access": {"policy": "members"}}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let given = Given {
        tier_id: tier["id"].as_str().unwrap().to_owned(),
        hot_item: item["id"].as_str().unwrap().to_owned(),
        target_member: signed_up["member"]["id"].as_str().unwrap().to_owned(),
    };
    http.post(format!(
        "{base}/v1/spaces/{slug}/content/{}/publish",
        given.hot_item
    ))
    .bearer_auth(&creator)
    .send()
    .await
    .unwrap();
    let started = Instant::now();
    let topic = fill::space(&app.db, &space_id, &given, sizes, offset).await;
    fill::log(&app.db, &space_id, sizes.items).await;
    println!(
        "  filled {slug} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Space {
        slug: slug.into(),
        creator,
        member: signed_up["session"]["token"].as_str().unwrap().to_owned(),
        auditor: auditor["key"].as_str().unwrap().to_owned(),
        given,
        topic,
    }
}

/// On Postgres, planner statistics, as autovacuum gathers them on a database that has been
/// running for a while. (Lyceum never runs SQLite's `ANALYZE`, so neither does this.)
async fn analyze(app: &Started) {
    if app.database_url.is_some() {
        sqlx::query("ANALYZE")
            .execute(app.db.writer())
            .await
            .unwrap();
    }
}

/// Waits until `key` reads `url`: the read models have what the request needs.
async fn until_reads(http: &reqwest::Client, url: &str, key: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let reply = http.get(url).bearer_auth(key).send().await.unwrap();
        if reply.status().is_success() {
            return reply.json().await.unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "{url} never read: {}",
            reply.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn bench(production: bool, large: Sizes, small: Sizes, requests: usize) {
    let app = start_app(production).await;
    let big = space(&app, "large", large, 1_000_000_000_000).await;
    let little = space(&app, "small", small, 2_000_000_000_000).await;
    analyze(&app).await;
    let http = reqwest::Client::new();
    for space in [&big, &little] {
        let feed = format!("{}/v1/spaces/{}/feed?limit=1", app.base, space.slug);
        until_reads(&http, &feed, &space.member).await;
    }
    println!(
        "{:<40} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "list (20 rows)", "small p50", "p99", "large p50", "p99", "ratio"
    );
    let mut worst: f64 = 0.0;
    for list in lists() {
        let mut cursors = Vec::new();
        for space in [&big, &little] {
            let first = ask(&http, &app.base, space, &list, None).await;
            let rows = first["data"]
                .as_array()
                .or(first["data"]["space"]["content"]["edges"].as_array())
                .map_or(0, Vec::len);
            assert!(rows > 0, "{} lists nothing: {first}", list.name);
            let cursor = first["next_cursor"].as_str().map(str::to_owned);
            assert!(
                !list.second_page || cursor.is_some(),
                "{}: {first}",
                list.name
            );
            cursors.push(cursor.filter(|_| list.second_page));
        }
        let (mut large_ms, mut small_ms) = (Vec::new(), Vec::new());
        for _ in 0..requests {
            for (space, cursor, samples) in [
                (&big, &cursors[0], &mut large_ms),
                (&little, &cursors[1], &mut small_ms),
            ] {
                let began = Instant::now();
                ask(&http, &app.base, space, &list, cursor.as_deref()).await;
                samples.push(began.elapsed());
            }
        }
        let (small_p50, large_p50) = (
            percentile(&mut small_ms, 0.5),
            percentile(&mut large_ms, 0.5),
        );
        let ratio = large_p50 / small_p50;
        worst = worst.max(ratio);
        println!(
            "{:<40} {small_p50:>7.2}ms {:>7.2}ms {large_p50:>7.2}ms {:>7.2}ms {ratio:>6.2}x",
            list.name,
            percentile(&mut small_ms, 0.99),
            percentile(&mut large_ms, 0.99),
        );
    }
    println!("worst ratio {worst:.2}x (goal: within 2x)");
    let _ = app.stop.send(());
}

#[tokio::main]
async fn main() {
    let items = env("LYCEUM_BENCH_LIST_ITEMS", 100_000);
    let requests = env("LYCEUM_BENCH_REQUESTS", 200);
    let large = Sizes {
        items,
        members: items,
        interactions: 10,
    };
    let small = Sizes {
        items: 1_000.min(items),
        members: 1_000.min(items),
        interactions: 10,
    };
    let only = std::env::var("LYCEUM_BENCH_BACKEND").unwrap_or_default();
    for (name, production) in [
        ("Postgres + RabbitMQ", true),
        ("SQLite, in-process bus", false),
    ] {
        if !only.is_empty() && only != if production { "postgres" } else { "sqlite" } {
            continue;
        }
        println!(
            "\n== {name}: {} items, {} members, {} interactions against {} of each ==",
            large.items,
            large.members,
            large.members * large.interactions,
            small.items
        );
        bench(production, large, small, requests).await;
    }
}
