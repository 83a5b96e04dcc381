//! Subscriptions Stripe collects for (a `stripe:` payment method), end to end with signed
//! fixtures and no network, on a clock the test moves: Lyceum's scheduler never charges them;
//! `invoice.paid` confirms the first payment, ends a trial and renews; an invoice that comes
//! before its boundary is sent back for redelivery (or ignored when far too early);
//! `invoice.payment_failed` makes a renewal past due and a later `invoice.paid` recovers it;
//! `customer.subscription.deleted` cancels; a redelivered event id writes once; and an invoice
//! for another amount, or for a subscription Lyceum bills itself, is ignored.

use crate::on_both_backends;
use crate::stripe::{now, signed_to};
use crate::support::{Backend, Reply, TestApp};
use chrono::{DateTime, Duration, Utc};
use lyceum_domain::payment::providers::Payments;
use lyceum_store::clock::{Clock, ManualClock};
use lyceum_workers::scheduler::Scheduler;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(stripe_billing);

const SECRET: &str = "whsec_billing_0123456789abcdef";

/// An `invoice.paid` or `invoice.payment_failed` event for `amount`, in the newer API shape
/// (the subscription's metadata under `parent.subscription_details`).
fn invoice(kind: &str, event_id: &str, subscription: &str, amount: i64) -> Value {
    let paid = if kind == "invoice.paid" { amount } else { 0 };
    json!({
        "id": event_id, "object": "event", "type": kind, "created": now(), "livemode": false,
        "data": {"object": {
            "id": format!("in_{event_id}"), "object": "invoice", "customer": "cus_1",
            "currency": "eur", "amount_paid": paid, "amount_due": amount, "attempt_count": 1,
            "payment_intent": format!("pi_{event_id}"),
            "parent": {"subscription_details": {"subscription": "sub_1",
                "metadata": {"lyceum_subscription_id": subscription}}}
        }}
    })
}

fn deleted(event_id: &str, subscription: &str) -> Value {
    json!({
        "id": event_id, "object": "event", "type": "customer.subscription.deleted",
        "created": now(),
        "data": {"object": {
            "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "canceled",
            "canceled_at": now(), "ended_at": now(),
            "metadata": {"lyceum_subscription_id": subscription}
        }}
    })
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Moves the clock to `at` (never back).
fn advance_to(clock: &ManualClock, at: DateTime<Utc>) {
    let by = at - clock.now();
    assert!(by > Duration::zero(), "the clock only moves forward");
    clock.advance(by);
}

/// Asserts an event applied to `subscription` with `events` events.
#[track_caller]
fn applied(reply: &Reply, subscription: &str, events: usize) {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.body["subscription_id"], subscription, "{reply:?}");
    assert_eq!(reply.body["events"], events, "{reply:?}");
}

/// Asserts an authentic event was acknowledged and ignored, for a reason containing `why`.
#[track_caller]
fn ignored(reply: &Reply, why: &str) {
    assert_eq!(reply.status, 200, "{reply:?}");
    let reason = reply.body["ignored"].as_str().unwrap_or_default();
    assert!(reason.contains(why), "{reply:?}");
    assert!(reply.header("Lyceum-Position").is_none());
}

async fn stripe_billing(backend: Backend) {
    let clock = ManualClock::at(Utc::now());
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("bill").await;
    let secret = app
        .post(
            &key,
            "/v1/spaces/bill/integrations/stripe/secrets",
            json!({"secret": SECRET}),
        )
        .await;
    assert_eq!(secret.status, 201, "{secret:?}");
    let tier = |price: i64, trial_days: u32| {
        let body = json!({"name": format!("Tier {price}"), "kind": "paid",
            "monthly_price_minor": price, "trial_days": trial_days});
        let (app, key) = (&app, &key);
        async move { app.post(key, "/v1/spaces/bill/tiers", body).await.body["id"].clone() }
    };
    let monthly = tier(900, 0).await;
    let trial = tier(500, 7).await;
    let start = |n: u32, tier: Value, method: &'static str| {
        let (app, key) = (&app, &key);
        async move {
            let member = app
                .post(
                    key,
                    "/v1/spaces/bill/members",
                    json!({"email": format!("m{n}@example.org"), "display_name": "M"}),
                )
                .await;
            let member = member.body["id"].as_str().unwrap().to_owned();
            let path = format!("/v1/spaces/bill/members/{member}/subscriptions");
            let body = json!({"tier_id": tier, "interval": "monthly", "payment_method": method});
            let started = app.post(key, &path, body).await;
            assert_eq!(started.status, 201, "{started:?}");
            started.body
        }
    };
    let ada = start(1, monthly.clone(), "stripe:cus_ada").await;
    assert_eq!(
        (ada["status"].clone(), ada["latest_payment_error"].clone()),
        (json!("incomplete"), Value::Null),
        "Lyceum does not charge a Stripe-collected subscription: {ada}"
    );
    let ada = ada["id"].as_str().unwrap().to_owned();
    let bea = start(2, trial, "stripe:cus_bea").await;
    assert_eq!(bea["status"], "trialing", "{bea}");
    let bea = bea["id"].as_str().unwrap().to_owned();
    let cy_started = start(3, monthly, "tok_success").await;
    assert_eq!(cy_started["status"], "active", "{cy_started}");
    let cy = cy_started["id"].as_str().unwrap().to_owned();
    let deliver = |event: Value| {
        let app = &app;
        async move { signed_to(app, "bill", SECRET, &event).await }
    };
    let show = |id: &str| format!("/v1/spaces/bill/subscriptions/{id}");

    // Not for the amount due, or for a subscription Lyceum bills: ignored, nothing written.
    let before = app.event_count().await;
    ignored(
        &deliver(invoice("invoice.paid", "evt_wrong", &ada, 500)).await,
        "is due",
    );
    ignored(
        &deliver(invoice("invoice.paid", "evt_cy", &cy, 900)).await,
        "billed by Lyceum",
    );
    assert_eq!(app.event_count().await, before);

    // The first invoice is paid: active from now. A redelivery writes nothing.
    let first_invoice = invoice("invoice.paid", "evt_first", &ada, 900);
    let first = deliver(first_invoice.clone()).await;
    applied(&first, &ada, 1);
    let path = format!("{}?min_position={}", show(&ada), first.position());
    let active = app
        .until(&key, &path, "the first payment", |s| {
            s["status"] == "active"
        })
        .await;
    let events = app.event_count().await;
    let again = deliver(first_invoice).await;
    assert_eq!(
        (again.status, again.body["duplicate"].clone()),
        (200, json!(true)),
        "{again:?}"
    );
    assert!(again.header("Lyceum-Position").is_none());
    assert_eq!(
        app.event_count().await,
        events,
        "the same event id writes once"
    );

    // The renewal's invoice, far too early, is ignored; a day early, it is sent back (409 with
    // Retry-After) so that Stripe delivers it again.
    let period_end = time(&active["current_period_end"]);
    let renewal = invoice("invoice.paid", "evt_renewal", &ada, 900);
    ignored(&deliver(renewal.clone()).await, "not due before");
    advance_to(&clock, period_end - Duration::days(1));
    let early = deliver(renewal.clone()).await;
    early.assert_problem(409, "invalid_transition");
    let retry_after: i64 = early.header("retry-after").unwrap().parse().unwrap();
    assert!((86_000..=86_400).contains(&retry_after), "{early:?}");
    assert_eq!(
        app.event_count().await,
        events,
        "refused and ignored wrote nothing"
    );

    // Past the boundary and the trial's end: the scheduler renews the subscription it bills,
    // and charges neither Stripe-collected one.
    clock.advance(Duration::days(2));
    app.until(&key, &show(&cy), "the scheduler's renewal", |s| {
        s["current_period_start"] == cy_started["current_period_end"]
    })
    .await;
    let scheduler = Scheduler::new(app.db.clone(), Arc::new(clock.clone()), Payments::default());
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    let types = |stream: Vec<Value>| {
        stream
            .into_iter()
            .map(|e| e["event_type"].as_str().unwrap().to_owned())
            .collect()
    };
    let ada_types: Vec<String> = types(app.stream("subscription", &ada).await);
    assert_eq!(ada_types, ["SubscriptionStarted", "SubscriptionActivated"]);
    let bea_types: Vec<String> = types(app.stream("subscription", &bea).await);
    assert_eq!(bea_types, ["SubscriptionStarted"]);

    // Delivered again now that it is due, the renewal's invoice renews.
    let renewed = deliver(renewal).await;
    applied(&renewed, &ada, 1);
    let path = format!("{}?min_position={}", show(&ada), renewed.position());
    let renewed = app
        .until(&key, &path, "the renewal", |s| {
            s["current_period_start"] == active["current_period_end"]
        })
        .await;
    assert_eq!(renewed["status"], "active");
    let trial_ended = deliver(invoice("invoice.paid", "evt_trial", &bea, 500)).await;
    applied(&trial_ended, &bea, 2);
    let path = format!("{}?min_position={}", show(&bea), trial_ended.position());
    app.until(&key, &path, "the trial's end", |s| s["status"] == "active")
        .await;

    // The next renewal fails: past due, with access kept.
    advance_to(
        &clock,
        time(&renewed["current_period_end"]) + Duration::hours(1),
    );
    let failed = deliver(invoice("invoice.payment_failed", "evt_failed", &ada, 900)).await;
    applied(&failed, &ada, 2);
    let path = format!("{}?min_position={}", show(&ada), failed.position());
    let past_due = app
        .until(&key, &path, "the failed renewal", |s| {
            s["status"] == "past_due"
        })
        .await;

    // Stripe's retry succeeds before Lyceum's first retry is due: sent back, then applied.
    let recovery = invoice("invoice.paid", "evt_recovered", &ada, 900);
    deliver(recovery.clone())
        .await
        .assert_problem(409, "invalid_transition");
    clock.advance(Duration::days(1));
    let recovered = deliver(recovery).await;
    applied(&recovered, &ada, 1);
    let path = format!("{}?min_position={}", show(&ada), recovered.position());
    let recovered = app
        .until(&key, &path, "the recovery", |s| s["status"] == "active")
        .await;
    assert_eq!(
        recovered["current_period_start"], past_due["current_period_start"],
        "a recovered cycle keeps its period"
    );

    // Deleted in Stripe: canceled at once; later events change nothing.
    let canceled = deliver(deleted("evt_deleted", &ada)).await;
    applied(&canceled, &ada, 1);
    let path = format!("{}?min_position={}", show(&ada), canceled.position());
    app.until(&key, &path, "the cancellation", |s| {
        s["status"] == "canceled"
    })
    .await;
    let again = deliver(deleted("evt_deleted", &ada)).await;
    assert_eq!(again.body["duplicate"], true, "{again:?}");
    ignored(
        &deliver(invoice("invoice.paid", "evt_late", &ada, 900)).await,
        "has ended",
    );
    let by_stripe: Vec<String> = app
        .stream("subscription", &ada)
        .await
        .into_iter()
        .filter(|e| e["actor"] == "stripe")
        .map(|e| e["event_type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        by_stripe,
        [
            "SubscriptionActivated",
            "SubscriptionRenewed",
            "RenewalFailed",
            "SubscriptionPastDue",
            "SubscriptionRenewed",
            "SubscriptionCanceled"
        ]
    );
    app.finish().await;
}
