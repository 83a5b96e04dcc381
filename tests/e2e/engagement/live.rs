//! The `commentPosted` subscription: a member who may read an item receives the comments
//! posted on it (not those on other items, and not the hidden ones of others), and a member
//! whose access does not cover the item is refused with a clear error and receives nothing.

use super::Space;
use crate::live_support::Live;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};
use std::time::Duration;

on_both_backends!(comments_arrive_live_for_readers_only);

const SUBSCRIPTION: &str = "subscription($space: String!, $item: ID!) {
    commentPosted(space: $space, contentId: $item) { id contentId body authorName status } }";

async fn comments_arrive_live_for_readers_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let space = Space::new(&app, "lounge").await;
    let tier = app
        .paid_tier(&space.key, "lounge", "Insiders", 900, 0)
        .await;
    let open = space
        .publish(&app, "post", json!({"policy": "members"}))
        .await;
    let other = space
        .publish(&app, "post", json!({"policy": "members"}))
        .await;
    let locked = space
        .publish(&app, "post", json!({"policy": "tiers", "tier_ids": [tier]}))
        .await;
    let (_, ada) = space.member(&app, "ada").await;
    let (_, bea) = space.member(&app, "bea").await;

    // A locked item's thread is refused at once, with the REST error code.
    let mut refused = Live::connect(&app, &ada).await;
    refused
        .subscribe(
            "1",
            SUBSCRIPTION,
            json!({"space": "lounge", "item": locked}),
        )
        .await;
    let error = refused.next_within(Duration::from_secs(10)).await.unwrap();
    assert_eq!(error["payload"]["data"], Value::Null, "{error}");
    assert_eq!(
        error["payload"]["errors"][0]["extensions"]["code"], "forbidden",
        "{error}"
    );
    let ended = refused.next_within(Duration::from_secs(10)).await.unwrap();
    assert_eq!(ended["type"], "complete", "{ended}");

    let mut live = Live::connect(&app, &ada).await;
    live.subscribe("1", SUBSCRIPTION, json!({"space": "lounge", "item": open}))
        .await;
    // The subscription starts some time after the message: Bea keeps posting (a comment on the
    // other item first, which must never arrive) until one on the item arrives.
    let post = |item: &str, text: String| {
        let (app, bea, path) = (
            &app,
            bea.clone(),
            space.path(&format!("/content/{item}/comments")),
        );
        async move {
            let posted = app.post(&bea, &path, json!({"body": text})).await;
            assert_eq!(posted.status, 201, "{posted:?}");
            posted.body["id"].as_str().unwrap().to_owned()
        }
    };
    let mut sent = Vec::new();
    let first: Value = 'arrived: loop {
        assert!(sent.len() < 30, "no comment arrived on the subscription");
        post(&other, format!("Elsewhere {}", sent.len())).await;
        sent.push(post(&open, format!("Hello {}", sent.len())).await);
        if let Some(message) = live.next_within(Duration::from_millis(500)).await {
            assert_eq!(message["type"], "next", "{message}");
            break 'arrived message["payload"]["data"]["commentPosted"].clone();
        }
    };
    assert!(
        sent.contains(&first["id"].as_str().unwrap().to_owned()),
        "{first}"
    );
    assert_eq!(first["contentId"], open.as_str());
    assert_eq!(first["status"], "visible");
    assert!(
        first["body"].as_str().unwrap().starts_with("Hello "),
        "{first}"
    );
    assert_eq!(first["authorName"], "Member");

    // Every later comment on the item arrives, in order, and nothing else.
    let later = post(&open, "Later".into()).await;
    let mut seen = Vec::new();
    while let Some(message) = live.next_within(Duration::from_secs(5)).await {
        let comment = &message["payload"]["data"]["commentPosted"];
        assert_eq!(comment["contentId"], open.as_str(), "{message}");
        seen.push(comment["id"].as_str().unwrap().to_owned());
        if seen.last() == Some(&later) {
            break;
        }
    }
    let expected: Vec<String> = sent
        .iter()
        .skip_while(|id| **id != first["id"].as_str().unwrap())
        .skip(1)
        .cloned()
        .chain([later])
        .collect();
    assert_eq!(seen, expected);
    assert!(
        refused
            .next_within(Duration::from_millis(300))
            .await
            .is_none(),
        "the refused subscription stays silent"
    );
    app.finish().await;
}
