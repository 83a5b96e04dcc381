//! Rate limits end to end: every counted answer carries `RateLimit-Policy` and `RateLimit`;
//! past the quota a key, a session or an address without one gets 429 `rate_limited` with
//! `Retry-After` until the window ends on the clock the test moves; health checks and the docs
//! are never limited; and two API nodes on one database together admit one quota per key, per
//! session, per address (and per address's refused secrets) and per member's kind of
//! engagement.

use crate::engagement::Space;
use crate::on_both_backends;
use crate::support::{Backend, Reply, TestApp, unique};
use chrono::{Duration, Utc};
use futures::future::join_all;
use lyceum::Config;
use lyceum_store::clock::ManualClock;
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;

on_both_backends!(
    headers_then_429_until_the_next_window,
    two_nodes_admit_one_quota_between_them,
    engagement_is_one_quota_across_nodes,
);

/// Requests per window per key or session in these tests, and per address without one.
const QUOTA: u32 = 5;
const ANONYMOUS: u32 = 3;

fn small_quotas(config: &mut Config) {
    config.rate_limit = QUOTA;
    config.rate_limit_anonymous = ANONYMOUS;
}

/// The remaining requests and seconds to reset in a reply's `RateLimit` for `policy`.
#[track_caller]
fn remaining_and_reset(reply: &Reply, policy: &str) -> (u32, u32) {
    let value = reply
        .header("ratelimit")
        .unwrap_or_else(|| panic!("{reply:?}"));
    let params = value
        .strip_prefix(&format!("\"{policy}\";"))
        .unwrap_or_else(|| panic!("not the {policy} policy: {value}"));
    let param = |name: &str| -> u32 {
        params
            .split(';')
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {value}"))
    };
    (param("r"), param("t"))
}

/// Calls `path` with `key` (or none) once per node in turn, `times` times at once; returns
/// how many answers were not 429, checking that those that were are problem documents.
async fn admitted(nodes: &[&TestApp], key: Option<&str>, path: &str, times: usize) -> usize {
    let calls = (0..times).map(|n| nodes[n % nodes.len()].call(Method::GET, key, path, None));
    let replies = join_all(calls).await;
    for refused in replies.iter().filter(|r| r.status == 429) {
        refused.assert_problem(429, "rate_limited");
        assert!(refused.header("retry-after").is_some(), "{refused:?}");
    }
    replies.iter().filter(|r| r.status != 429).count()
}

/// Creates a space and a creator key for it with the admin key (two requests): the space's
/// position, to read it with, and the key.
async fn space_and_key(app: &TestApp, slug: &str) -> (i64, String) {
    let body = json!({"slug": slug, "name": "Limited", "currency": "EUR"});
    let created = app.post(&app.admin, "/v1/spaces", body).await;
    assert_eq!(created.status, 201, "{created:?}");
    let path = format!("/v1/spaces/{slug}/keys");
    let key = app
        .post(&app.admin, &path, json!({"role": "creator"}))
        .await;
    assert_eq!(key.status, 201, "{key:?}");
    (
        created.position(),
        key.body["key"].as_str().unwrap().to_owned(),
    )
}

async fn headers_then_429_until_the_next_window(backend: Backend) {
    let clock = ManualClock::at(Utc::now());
    let app = TestApp::spawn_configured(backend, Arc::new(clock.clone()), small_quotas).await;
    for path in ["/healthz", "/readyz", "/openapi.json"] {
        let reply = app.call(Method::GET, None, path, None).await;
        assert_eq!(reply.header("ratelimit"), None, "{path}: {reply:?}");
    }
    let slug = unique("limited");
    let (position, key) = space_and_key(&app, &slug).await;
    let space = format!("/v1/spaces/{slug}?min_position={position}");

    // Every counted answer says the policy and what is left of it.
    for n in 1..=QUOTA {
        let reply = app.get(&key, &space).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(
            reply.header("ratelimit-policy"),
            Some("\"default\";q=5;w=60")
        );
        let (remaining, reset) = remaining_and_reset(&reply, "default");
        assert_eq!(remaining, QUOTA - n, "{reply:?}");
        assert!((1..=60).contains(&reset), "{reply:?}");
    }

    // Past the quota, REST and GraphQL alike: 429 with Retry-After, the window's end.
    let refused = app.get(&key, &space).await;
    refused.assert_problem(429, "rate_limited");
    let retry: u32 = refused.header("retry-after").unwrap().parse().unwrap();
    assert_eq!(remaining_and_reset(&refused, "default"), (0, retry));
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .starts_with("at most 5 requests a minute"),
        "{refused:?}"
    );
    let query = json!({"query": "{ __typename }"});
    let graphql = app
        .call(Method::POST, Some(&key), "/graphql", Some(query.clone()))
        .await;
    graphql.assert_problem(429, "rate_limited");

    // Another key has a quota of its own (the admin key made the space and its key).
    let admin = app.get(&app.admin, &space).await;
    assert_eq!(admin.status, 200, "{admin:?}");
    assert_eq!(remaining_and_reset(&admin, "default").0, QUOTA - 3);

    // Without a key, the address has the anonymous quota, refused or not.
    for n in 1..=ANONYMOUS {
        let reply = app.call(Method::GET, None, "/v1/auth/me", None).await;
        reply.assert_problem(401, "unauthorized");
        assert_eq!(
            reply.header("ratelimit-policy"),
            Some("\"anonymous\";q=3;w=60")
        );
        assert_eq!(remaining_and_reset(&reply, "anonymous").0, ANONYMOUS - n);
    }
    let anonymous = app.call(Method::GET, None, "/v1/auth/me", None).await;
    anonymous.assert_problem(429, "rate_limited");
    let health = app.call(Method::GET, None, "/healthz", None).await;
    assert_eq!(health.status, 200, "health checks are never limited");

    // The next window admits a whole quota again.
    clock.advance(Duration::seconds(retry.into()));
    let again = app.get(&key, &space).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(remaining_and_reset(&again, "default"), (QUOTA - 1, 60));
    let graphql = app.graphql(&key, "{ __typename }", json!({})).await;
    assert_eq!(graphql["data"]["__typename"], "Query", "{graphql}");
    let anonymous = app.call(Method::GET, None, "/v1/auth/me", None).await;
    anonymous.assert_problem(401, "unauthorized");
    app.finish().await;
}

async fn two_nodes_admit_one_quota_between_them(backend: Backend) {
    let clock = Arc::new(ManualClock::at(Utc::now()));
    let one = TestApp::spawn_configured(backend, clock.clone(), small_quotas).await;
    let two = one.node_beside(clock.clone()).await;
    assert_ne!(one.base, two.base);
    let nodes = [&one, &two];
    let slug = unique("shared");
    let (_, key) = one.space(&slug).await;
    let (_, session) = two.sign_up(&slug, "ada@example.org").await;
    let times = 4 * QUOTA as usize;

    let by_key = admitted(&nodes, Some(&key), &format!("/v1/spaces/{slug}"), times).await;
    assert_eq!(
        by_key, QUOTA as usize,
        "one quota per key across both nodes"
    );
    let by_session = admitted(&nodes, Some(&session), "/v1/auth/me", times).await;
    assert_eq!(by_session, QUOTA as usize, "one quota per session");
    // Signing up was the address's first anonymous request.
    let anonymous = admitted(&nodes, None, "/v1/auth/me", times).await;
    assert_eq!(anonymous, ANONYMOUS as usize - 1, "one quota per address");
    // Made-up secrets each get a quota of their own, but their refusals count against the
    // address: past its anonymous quota, they are answered 429.
    let made_up: Vec<String> = (0..times).map(|_| unique("lyc_sk_")).collect();
    let calls = made_up
        .iter()
        .enumerate()
        .map(|(n, key)| nodes[n % 2].call(Method::GET, Some(key), "/v1/auth/me", None));
    let replies = join_all(calls).await;
    let refused = replies.iter().filter(|r| r.status == 401).count();
    assert_eq!(refused, ANONYMOUS as usize, "{replies:?}");
    assert!(replies.iter().all(|r| matches!(r.status, 401 | 429)));

    two.finish().await;
    one.finish().await;
}

async fn engagement_is_one_quota_across_nodes(backend: Backend) {
    let clock = Arc::new(ManualClock::at(Utc::now()));
    let one = TestApp::spawn_with_clock(backend, clock.clone()).await;
    let two = one.node_beside(clock.clone()).await;
    let space = Space::new(&one, &unique("engaged")).await;
    let post = space
        .publish(&one, "post", json!({"policy": "members"}))
        .await;
    let (_, ada) = space.member(&one, "ada").await;
    let views = space.path(&format!("/content/{post}/views"));
    // 120 views a minute, half on each node.
    for n in 0..120 {
        let node = if n % 2 == 0 { &one } else { &two };
        let viewed = node.post_empty(&ada, &views).await;
        assert_eq!(viewed.status, 200, "view {n}: {viewed:?}");
    }
    for node in [&one, &two] {
        let refused = node.post_empty(&ada, &views).await;
        refused.assert_problem(429, "rate_limited");
        assert!(
            refused.body["detail"]
                .as_str()
                .unwrap()
                .starts_with("at most 120 views a minute"),
            "{refused:?}"
        );
    }
    clock.advance(Duration::seconds(60));
    assert_eq!(two.post_empty(&ada, &views).await.status, 200);
    two.finish().await;
    one.finish().await;
}
