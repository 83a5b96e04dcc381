//! Retention offers on a running subscription: a sign-up code is refused, a retention code
//! counts a redemption and discounts the next renewal (the scheduler charges the discounted
//! price, and the ledger shows it), and the same member cannot redeem it twice.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, Utc};
use lyceum_store::clock::ManualClock;
use serde_json::json;
use std::sync::Arc;

on_both_backends!(retention);

async fn retention(backend: Backend) {
    let clock = ManualClock::at(Utc::now());
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("keep").await;
    let tier = app.paid_tier(&key, "keep", "Pro", 2000, 0).await;
    for (code, purpose) in [("STAY50", "retention"), ("WELCOME10", "sign_up")] {
        let offer = app
            .post(&key, "/v1/spaces/keep/offers", json!({"code": code, "purpose": purpose,
                "discount": {"kind": "percent", "basis_points": 5000}, "duration": {"kind": "once"}}))
            .await;
        assert_eq!(offer.status, 201, "{offer:?}");
    }
    let member = app
        .post(
            &key,
            "/v1/spaces/keep/members",
            json!({"email": "kim@example.org", "display_name": "Kim"}),
        )
        .await;
    let member = member.body["id"].as_str().unwrap().to_owned();
    let started = app
        .post(
            &key,
            &format!("/v1/spaces/keep/members/{member}/subscriptions"),
            json!({"tier_id": tier, "interval": "monthly", "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(started.body["status"], "active", "{started:?}");
    let id = started.body["id"].as_str().unwrap().to_owned();
    let offers = format!("/v1/spaces/keep/subscriptions/{id}/offers");

    // A sign-up code is not for a running subscription, and an unknown one is not found.
    let before = app.event_count().await;
    app.post(&key, &offers, json!({"code": "welcome10"}))
        .await
        .assert_problem(422, "validation_failed");
    app.post(&key, &offers, json!({"code": "NOSUCH"}))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.event_count().await, before);

    let applied = app.post(&key, &offers, json!({"code": "stay50"})).await;
    assert_eq!(applied.status, 200, "{applied:?}");
    assert_eq!(applied.body["price_minor"], 2000, "the list price is kept");
    let offer = app.get(&key, "/v1/spaces/keep/offers/STAY50").await;
    assert_eq!(offer.body["redemptions"], 1, "{offer:?}");
    let applied_events = app.events_of("subscription", &id, "OfferApplied").await;
    assert_eq!(applied_events[0]["payload"]["from_cycle"], 2);

    // Once per member.
    let before = app.event_count().await;
    app.post(&key, &offers, json!({"code": "STAY50"}))
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(app.event_count().await, before);

    // The next renewal is charged half price; the one after that, full price again.
    clock.advance(Duration::days(32));
    let path = format!("/v1/spaces/keep/subscriptions/{id}");
    app.until(&key, &path, "the renewal", |s| {
        s["current_period_start"] == started.body["current_period_end"]
    })
    .await;
    let renewed = app
        .events_of("subscription", &id, "SubscriptionRenewed")
        .await;
    assert_eq!(renewed.len(), 1);
    assert_eq!(renewed[0]["payload"]["amount"]["minor"], 1000);
    let position = renewed[0]["position"].as_i64().unwrap();
    let ledger = app
        .get(
            &key,
            &format!("/v1/spaces/keep/ledger?min_position={position}"),
        )
        .await;
    let payments = ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == "member_payments")
        .cloned()
        .unwrap();
    assert_eq!(payments["balance_minor"], 3000, "{ledger:?}");
    assert_eq!(ledger.body["trial_balance"][0]["balanced"], true);

    clock.advance(Duration::days(31));
    app.until(&key, &path, "the second renewal", |s| {
        s["current_period_start"] != started.body["current_period_end"]
            && s["current_period_start"] != started.body["current_period_start"]
    })
    .await;
    let renewed = app
        .events_of("subscription", &id, "SubscriptionRenewed")
        .await;
    assert_eq!(renewed[1]["payload"]["amount"]["minor"], 2000);
    app.finish().await;
}
