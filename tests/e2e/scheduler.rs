//! The billing scheduler on a clock the test moves: a renewal at the end of the period, a
//! trial that ends into a paid period, and a cancellation that takes effect at period end, each
//! issued exactly once even when a second scheduler races the first.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, Utc};
use lyceum_domain::payment::providers::Payments;
use lyceum_store::clock::ManualClock;
use lyceum_workers::scheduler::Scheduler;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(scheduler);

/// Polls a subscription until `done` holds, for at most ten seconds (the scheduler passes at
/// least once a second).
async fn until(app: &TestApp, key: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let reply = app
            .get(key, &format!("/v1/spaces/sched/subscriptions/{id}"))
            .await;
        if reply.status == 200 && done(&reply.body) {
            return reply.body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out; last: {reply:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

async fn events_of(app: &TestApp, id: &str, event_type: &str) -> usize {
    let stream = app
        .get(&app.admin, &format!("/v1/streams/subscription/{id}"))
        .await;
    stream
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event_type"] == event_type)
        .count()
}

async fn scheduler(backend: Backend) {
    let clock = ManualClock::at(Utc::now());
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("sched").await;
    let monthly = app
        .post(
            &key,
            "/v1/spaces/sched/tiers",
            json!({"name": "Monthly", "kind": "paid", "monthly_price_minor": 900}),
        )
        .await;
    let trial = app
        .post(
            &key,
            "/v1/spaces/sched/tiers",
            json!({"name": "Trial", "kind": "paid", "monthly_price_minor": 500, "trial_days": 7}),
        )
        .await;
    let mut ids = Vec::new();
    for (n, tier) in [(1, &monthly), (2, &trial), (3, &monthly)] {
        let member = app
            .post(
                &key,
                "/v1/spaces/sched/members",
                json!({"email": format!("s{n}@example.org"), "display_name": "S"}),
            )
            .await;
        let started = app
            .post(
                &key,
                &format!("/v1/spaces/sched/members/{}/subscriptions", member.body["id"].as_str().unwrap()),
                json!({"tier_id": tier.body["id"], "interval": "monthly", "payment_method": "tok_success"}),
            )
            .await;
        assert_eq!(started.status, 201, "{started:?}");
        ids.push((
            started.body["id"].as_str().unwrap().to_owned(),
            started.body.clone(),
        ));
    }
    let (renewing, first) = &ids[0];
    let (trialing, _) = &ids[1];
    let (leaving, _) = &ids[2];
    app.post(
        &key,
        &format!("/v1/spaces/sched/subscriptions/{leaving}/cancel"),
        json!({}),
    )
    .await;

    // Nothing is due yet.
    let early = Scheduler::new(app.db.clone(), Arc::new(clock.clone()), Payments::default());
    assert_eq!(early.run_due().await.unwrap(), 0);

    clock.advance(Duration::days(32));
    // A second scheduler racing the application's own: each command is still issued once.
    let racer = Scheduler::new(app.db.clone(), Arc::new(clock.clone()), Payments::default());
    racer.run_due().await.unwrap();

    let renewed = until(&app, &key, renewing, |s| {
        s["current_period_start"] == first["current_period_end"]
    })
    .await;
    assert_eq!(renewed["status"], "active");
    assert_eq!(renewed["price_minor"], 900);
    let activated = until(&app, &key, trialing, |s| s["status"] == "active").await;
    assert!(activated["current_period_end"].is_string());
    let ended = until(&app, &key, leaving, |s| s["status"] == "canceled").await;
    assert_eq!(
        ended["ended_at"], first["current_period_end"],
        "it ends exactly at period end"
    );

    racer.run_due().await.unwrap();
    assert_eq!(events_of(&app, renewing, "SubscriptionRenewed").await, 1);
    assert_eq!(events_of(&app, trialing, "TrialEnded").await, 1);
    assert_eq!(events_of(&app, leaving, "SubscriptionCanceled").await, 1);
    app.finish().await;
}
