//! A banned member is not charged again: at the subscription's next renewal the scheduler ends
//! it with the reason `member_banned` instead of charging, while a member in good standing on
//! the same tier renews as usual.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, TimeZone, Utc};
use lyceum_store::clock::ManualClock;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(a_banned_member_is_not_charged_again);

async fn subscribed(app: &TestApp, key: &str, tier: &str, email: &str) -> (String, String) {
    let member = app
        .post(
            key,
            "/v1/spaces/club/members",
            json!({"email": email, "display_name": "M"}),
        )
        .await;
    let member = member.body["id"].as_str().unwrap().to_owned();
    let started = app
        .post(
            key,
            &format!("/v1/spaces/club/members/{member}/subscriptions"),
            json!({"tier_id": tier, "interval": "monthly", "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(started.status, 201, "{started:?}");
    (member, started.body["id"].as_str().unwrap().to_owned())
}

/// Charges and charge attempts in a subscription's stream.
fn charges(stream: &[Value]) -> usize {
    let charged = [
        "SubscriptionActivated",
        "SubscriptionRenewed",
        "RenewalFailed",
    ];
    stream
        .iter()
        .filter(|e| charged.iter().any(|t| e["event_type"] == *t))
        .count()
}

async fn a_banned_member_is_not_charged_again(backend: Backend) {
    let clock = ManualClock::at(Utc.with_ymd_and_hms(2030, 4, 1, 0, 0, 0).unwrap());
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("club").await;
    let tier = app.paid_tier(&key, "club", "Insiders", 1000, 0).await;
    let (banned, banned_sub) = subscribed(&app, &key, &tier, "spam@example.org").await;
    let (_, kept_sub) = subscribed(&app, &key, &tier, "ada@example.org").await;
    let ban = app
        .post(
            &key,
            &format!("/v1/spaces/club/members/{banned}/ban"),
            json!({"reason": "Spam"}),
        )
        .await;
    assert_eq!(ban.status, 200, "{ban:?}");
    let before = charges(&app.stream("subscription", &banned_sub).await);

    clock.advance(Duration::days(31));
    let path = |id: &str| format!("/v1/spaces/club/subscriptions/{id}");
    app.until(&key, &path(&kept_sub), "the renewal", |s| {
        s["current_period_end"]
            .as_str()
            .is_some_and(|e| e.starts_with("2030-06"))
    })
    .await;
    let ended = app
        .until(&key, &path(&banned_sub), "the end", |s| {
            s["status"] == "canceled"
        })
        .await;
    assert_eq!(ended["status"], "canceled");
    let canceled = app
        .events_of("subscription", &banned_sub, "SubscriptionCanceled")
        .await;
    assert_eq!(canceled.len(), 1);
    assert_eq!(
        canceled[0]["payload"]["reason"], "member_banned",
        "{canceled:?}"
    );
    assert_eq!(
        charges(&app.stream("subscription", &banned_sub).await),
        before,
        "no charge after the ban"
    );
    app.finish().await;
}
