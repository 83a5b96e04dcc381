//! Sign-up → trial → paid → failed renewal → dunning → recovery, on a clock the test moves: a
//! trial converts, a renewal is declined, the member keeps access while the charge is retried
//! on the 1/3/5-day schedule, a new card recovers the subscription in its original period, and
//! a subscription whose card never works is canceled after the last retry.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, Utc};
use lyceum_store::clock::ManualClock;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(dunning);

/// Waits (the scheduler passes every second) until the subscription satisfies `done`.
async fn until(
    app: &TestApp,
    key: &str,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let reply = app
            .get(key, &format!("/v1/spaces/dun/subscriptions/{id}"))
            .await;
        if reply.status == 200 && done(&reply.body) {
            return reply.body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {reply:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// How many events of `event_type` the subscription's stream holds.
async fn count(app: &TestApp, id: &str, event_type: &str) -> usize {
    let stream = app
        .get(&app.admin, &format!("/v1/streams/subscription/{id}"))
        .await;
    stream.body.as_array().map_or(0, |events| {
        events
            .iter()
            .filter(|e| e["event_type"] == event_type)
            .count()
    })
}

async fn until_count(app: &TestApp, id: &str, event_type: &str, n: usize) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while count(app, id, event_type).await < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {n} {event_type}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        count(app, id, event_type).await,
        n,
        "{event_type} issued more than once"
    );
}

async fn dunning(backend: Backend) {
    let clock = ManualClock::at(Utc::now());
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("dun").await;
    let trial = app
        .post(
            &key,
            "/v1/spaces/dun/tiers",
            json!({"name": "Trial", "kind": "paid", "monthly_price_minor": 500, "trial_days": 7}),
        )
        .await;
    let monthly = app
        .post(
            &key,
            "/v1/spaces/dun/tiers",
            json!({"name": "Monthly", "kind": "paid", "monthly_price_minor": 900}),
        )
        .await;
    let signed_up = app
        .call(reqwest::Method::POST, None, "/v1/spaces/dun/auth/sign-up",
            Some(json!({"email": "dee@example.org", "display_name": "Dee", "password": "a good long password"})))
        .await;
    let dee = signed_up.body["member"]["id"].as_str().unwrap().to_owned();
    let other = app
        .post(
            &key,
            "/v1/spaces/dun/members",
            json!({"email": "eve@example.org", "display_name": "Eve"}),
        )
        .await;
    let eve = other.body["id"].as_str().unwrap().to_owned();
    let start = |member: &str, tier: &Value| {
        let path = format!("/v1/spaces/dun/members/{member}/subscriptions");
        let body =
            json!({"tier_id": tier["id"], "interval": "monthly", "payment_method": "tok_success"});
        let (app, key) = (&app, &key);
        async move { app.post(key, &path, body).await.body }
    };
    let recovering = start(&dee, &trial.body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let failing = start(&eve, &monthly.body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pay_with = |id: &str, method: &str| {
        let path = format!("/v1/spaces/dun/subscriptions/{id}/payment-method");
        let (app, key, body) = (&app, &key, json!({"payment_method": method}));
        async move {
            app.call(reqwest::Method::PUT, Some(key), &path, Some(body))
                .await
        }
    };
    let changed = pay_with(&failing, "tok_declined").await;
    assert_eq!(changed.status, 200, "{changed:?}");

    // The trial ends into a paid period.
    clock.advance(Duration::days(8));
    let paid = until(&app, &key, &recovering, "the trial to convert", |s| {
        s["status"] == "active"
    })
    .await;
    pay_with(&recovering, "tok_insufficient_funds").await;

    // Both renewals are declined: past due, and the member keeps access meanwhile.
    clock.advance(Duration::days(32));
    let past_due = until(&app, &key, &recovering, "the renewal to fail", |s| {
        s["status"] == "past_due"
    })
    .await;
    until(&app, &key, &failing, "the other renewal to fail", |s| {
        s["status"] == "past_due"
    })
    .await;
    let access = app
        .get(&key, &format!("/v1/spaces/dun/members/{dee}/entitlements"))
        .await;
    assert_eq!(
        access.body["tier_ids"],
        json!([trial.body["id"]]),
        "past due keeps access: {access:?}"
    );

    // Day 1: the first retry fails too.
    clock.advance(Duration::days(1));
    until_count(&app, &recovering, "RenewalFailed", 2).await;
    until_count(&app, &failing, "RenewalFailed", 2).await;

    // A new card; day 3: the retry succeeds and the subscription keeps its original period.
    pay_with(&recovering, "tok_success").await;
    clock.advance(Duration::days(2));
    let recovered = until(&app, &key, &recovering, "the recovery", |s| {
        s["status"] == "active"
    })
    .await;
    assert_eq!(
        recovered["current_period_start"],
        past_due["current_period_start"]
    );
    assert_ne!(
        recovered["current_period_start"],
        paid["current_period_start"]
    );
    until_count(&app, &recovering, "SubscriptionRenewed", 1).await;

    // Day 5: the last retry of the card that never works fails, and the subscription ends.
    clock.advance(Duration::days(2));
    let canceled = until(&app, &key, &failing, "the cancellation", |s| {
        s["status"] == "canceled"
    })
    .await;
    assert!(canceled["ended_at"].is_string());
    assert_eq!(
        count(&app, &failing, "RenewalFailed").await,
        4,
        "the boundary and three retries"
    );
    pay_with(&failing, "tok_success")
        .await
        .assert_problem(409, "invalid_transition");
    app.finish().await;
}
