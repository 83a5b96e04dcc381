//! Comped and gifted memberships: a comp grants its tier at once without a charge, shows in the
//! member's entitlements, and is expired by the scheduler at `until`; GraphQL comps with a key
//! and refuses a member session.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, Utc};
use lyceum_store::clock::ManualClock;
use serde_json::json;
use std::sync::Arc;

on_both_backends!(comps);

async fn comps(backend: Backend) {
    let now = Utc::now();
    let clock = ManualClock::at(now);
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("gifts").await;
    let tier = app.paid_tier(&key, "gifts", "Pro", 2000, 0).await;
    let (member, token) = app.sign_up("gifts", "gus@example.org").await;
    let until = lyceum_store::time::format(now + Duration::days(10));

    let comped = app
        .post(
            &key,
            &format!("/v1/spaces/gifts/members/{member}/comps"),
            json!({"tier_id": tier, "until": until, "reason": "gift"}),
        )
        .await;
    assert_eq!(comped.status, 201, "{comped:?}");
    assert_eq!(comped.body["status"], "active");
    assert_eq!(comped.body["comp_until"], until);
    assert!(comped.body["interval"].is_null() && comped.body["price_minor"].is_null());
    let id = comped.body["id"].as_str().unwrap().to_owned();
    let entitlements = format!("/v1/spaces/gifts/members/{member}/entitlements");
    let access = app
        .get(
            &key,
            &format!("{entitlements}?min_position={}", comped.position()),
        )
        .await;
    assert_eq!(access.body["tier_ids"], json!([tier]), "{access:?}");

    // GraphQL: a key comps; a member session may not comp itself.
    let graph = app
        .graphql(
            &key,
            "mutation($m: ID!, $t: ID!, $u: String!) { compMembership(space: \"gifts\",
               input: {memberId: $m, tierId: $t, until: $u, reason: COMP}) {
                 node { status compUntil tierId } position } }",
            json!({"m": member, "t": tier, "u": until}),
        )
        .await;
    assert_eq!(
        graph["data"]["compMembership"]["node"],
        json!({"status": "active", "compUntil": until, "tierId": tier}),
        "{graph}"
    );
    let before = app.event_count().await;
    let refused = app
        .graphql(
            &token,
            "mutation($m: ID!, $t: ID!, $u: String!) { compMembership(space: \"gifts\",
               input: {memberId: $m, tierId: $t, until: $u, reason: GIFT}) { position } }",
            json!({"m": member, "t": tier, "u": until}),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "forbidden",
        "{refused}"
    );
    assert_eq!(app.event_count().await, before);

    // At `until` the scheduler expires both comps, and the tier is no longer held.
    clock.advance(Duration::days(10) + Duration::seconds(1));
    let ended = app
        .until(
            &key,
            &format!("/v1/spaces/gifts/subscriptions/{id}"),
            "the comp to expire",
            |s| s["status"] == "canceled",
        )
        .await;
    assert_eq!(ended["ended_at"], until);
    assert_eq!(
        app.events_of("subscription", &id, "CompExpired")
            .await
            .len(),
        1
    );
    app.until(&key, &entitlements, "the tier to go", |a| {
        a["tier_ids"] == json!([])
    })
    .await;
    app.finish().await;
}
