//! The body of an item a member may not open never reaches that member, on any path: the item,
//! the catalog, the feed, GraphQL queries, the `contentPublished` subscription, and the event
//! history (closed to member sessions). (Webhooks: see `webhooks.rs`.)

use crate::live_support::Live;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};
use std::time::Duration;

on_both_backends!(locked_bodies_never_leave);

async fn locked_bodies_never_leave(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("vault").await;
    let tier = app.paid_tier(&key, "vault", "Insiders", 900, 0).await;
    let (_, token) = app.sign_up("vault", "ada@example.org").await;
    let secret = format!("SECRET-{}", uuid::Uuid::new_v4().simple());
    let leaks = |what: &str, text: &str| {
        assert!(!text.contains(&secret), "{what} leaked the body: {text}");
    };

    // A member session subscribes to new items before they are published.
    let mut live = Live::connect(&app, &token).await;
    live.subscribe(
        "1",
        "subscription { contentPublished(space: \"vault\") { id title body locked unlockTierIds } }",
        json!({}),
    )
    .await;

    // Publish locked items until the subscription (which starts at some point after the
    // message) delivers one.
    let mut ids = Vec::new();
    let pushed = 'outer: loop {
        assert!(ids.len() < 30, "no item arrived on the subscription");
        let created = app
            .post(
                &key,
                "/v1/spaces/vault/content",
                json!({"kind": "article",
                "title": format!("Locked {}", ids.len()), "body": secret, "excerpt": "A taste.",
                "access": {"policy": "tiers", "tier_ids": [tier]}}),
            )
            .await;
        let id = created.body["id"].as_str().unwrap().to_owned();
        app.post_empty(&key, &format!("/v1/spaces/vault/content/{id}/publish"))
            .await;
        ids.push(id);
        while let Some((raw, value)) = live.next_raw_within(Duration::from_millis(500)).await {
            leaks("the subscription", &raw);
            if value["type"] == "next" {
                break 'outer value["payload"]["data"]["contentPublished"].clone();
            }
        }
    };
    assert_eq!(pushed["locked"], true, "{pushed}");
    assert_eq!(pushed["body"], Value::Null);
    assert_eq!(pushed["unlockTierIds"], json!([tier]));
    assert!(ids.contains(&pushed["id"].as_str().unwrap().to_owned()));

    let id = &ids[0];
    let item = app
        .get(&token, &format!("/v1/spaces/vault/content/{id}"))
        .await;
    assert_eq!(
        (item.status, &item.body["locked"]),
        (200, &json!(true)),
        "{item:?}"
    );
    let reads = [
        ("the item", item),
        (
            "the catalog",
            app.get(&token, "/v1/spaces/vault/content?limit=100").await,
        ),
        (
            "the feed",
            app.get(&token, "/v1/spaces/vault/feed?limit=100").await,
        ),
        (
            "the event history",
            app.get(&token, "/v1/events?limit=100").await,
        ),
    ];
    for (what, reply) in &reads {
        assert_ne!(reply.status, 500, "{what}: {reply:?}");
        leaks(what, &reply.body.to_string());
    }
    assert_eq!(
        reads[3].1.status, 403,
        "members do not read the event history"
    );
    assert_eq!(
        reads[2].1.body["data"],
        json!([]),
        "the feed leaves locked items out"
    );
    for query in [
        "{ feed(space: \"vault\") { edges { node { id body } } } }",
        "{ viewer { purchases { edges { node { id } } } entitlements { tierIds } } }",
        "{ space(slug: \"vault\") { content { edges { node { body } } } } }",
    ] {
        let graph = app.graphql(&token, query, json!({})).await;
        leaks(query, &graph.to_string());
    }
    // The creator, by contrast, reads the body.
    let own = app
        .get(&key, &format!("/v1/spaces/vault/content/{id}"))
        .await;
    assert_eq!(own.body["body"], json!(secret));
    app.finish().await;
}
