//! GraphQL subscriptions over `graphql-transport-ws`, fed by the bus: a client sees the events
//! of its space as they are delivered, and only those.

use crate::live_support::Live;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::json;
use std::time::Duration;

on_both_backends!(subscription);

async fn subscription(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, alpha) = app.space("live-alpha").await;
    let (_, beta) = app.space("live-beta").await;
    let mut live = Live::connect(&app, &alpha).await;
    live.subscribe(
        "1",
        "subscription { events(types: [\"TierDefined\"]) { eventType aggregateType spaceId payload } }",
        json!({}),
    )
    .await;
    // The subscription starts at some point after this message; keep writing until its first
    // event arrives. Every round writes an event it must not see before the one it must.
    let mut round = 0;
    let message = loop {
        round += 1;
        assert!(round <= 50, "no event arrived");
        app.post(
            &beta,
            "/v1/spaces/live-beta/tiers",
            json!({"name": format!("Other {round}"), "kind": "free"}),
        )
        .await;
        app.post(
            &alpha,
            "/v1/spaces/live-alpha/members",
            json!({"email": format!("a{round}@example.org"), "display_name": "A"}),
        )
        .await;
        app.post(
            &alpha,
            "/v1/spaces/live-alpha/tiers",
            json!({"name": format!("Seen {round}"), "kind": "free"}),
        )
        .await;
        let mut found = None;
        while let Some(value) = live.next_within(Duration::from_millis(500)).await {
            if value["type"] == "next" {
                found = Some(value);
                break;
            }
        }
        if let Some(value) = found {
            break value;
        }
    };
    let event = &message["payload"]["data"]["events"];
    assert_eq!(event["eventType"], "TierDefined", "{message}");
    assert!(
        event["payload"]["name"]
            .as_str()
            .unwrap()
            .starts_with("Seen"),
        "only the subscriber's space, only the asked types: {message}"
    );
    app.finish().await;
}
