//! Tier changes on a clock the test moves. An upgrade halfway through a 30-day period credits
//! half the old price, charges half the new one less that credit, and moves the member to the
//! new tier at once; a retry with the same `Idempotency-Key` does not charge twice; a declined
//! card changes nothing; a trial upgrades without a charge. A downgrade waits for the period
//! end, where the scheduler applies it before charging the new price. The ledger stays
//! balanced throughout.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, TimeZone, Utc};
use lyceum_store::clock::ManualClock;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(upgrade, downgrade);

/// April 2030 has 30 days, so day 15 is exactly halfway through a period that starts on the 1st.
fn april_first() -> ManualClock {
    ManualClock::at(Utc.with_ymd_and_hms(2030, 4, 1, 0, 0, 0).unwrap())
}

async fn subscribe(app: &TestApp, key: &str, space: &str, member: &str, tier: &str) -> Value {
    let started = app
        .post(
            key,
            &format!("/v1/spaces/{space}/members/{member}/subscriptions"),
            json!({"tier_id": tier, "interval": "monthly", "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(started.status, 201, "{started:?}");
    started.body
}

async fn member(app: &TestApp, key: &str, space: &str, email: &str) -> String {
    let added = app
        .post(
            key,
            &format!("/v1/spaces/{space}/members"),
            json!({"email": email, "display_name": "M"}),
        )
        .await;
    added.body["id"].as_str().unwrap().to_owned()
}

/// Member payments in EUR, once the ledger has reached `position`, asserting it balances.
async fn paid_in(app: &TestApp, key: &str, space: &str, position: i64) -> i64 {
    let ledger = app
        .get(
            key,
            &format!("/v1/spaces/{space}/ledger?min_position={position}"),
        )
        .await;
    assert_eq!(ledger.status, 200, "{ledger:?}");
    for currency in ledger.body["trial_balance"].as_array().unwrap() {
        assert_eq!(currency["balanced"], true, "{ledger:?}");
    }
    ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == "member_payments")
        .map_or(0, |a| a["balance_minor"].as_i64().unwrap())
}

async fn upgrade(backend: Backend) {
    let clock = april_first();
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("ups").await;
    let basic = app.paid_tier(&key, "ups", "Basic", 1000, 0).await;
    let pro = app.paid_tier(&key, "ups", "Pro", 3000, 0).await;
    // The trial outlasts the 15 days the clock moves, so the scheduler has nothing due for it.
    let trial = app.paid_tier(&key, "ups", "Trial", 1000, 30).await;
    let ada = member(&app, &key, "ups", "ada@example.org").await;
    let bea = member(&app, &key, "ups", "bea@example.org").await;
    let cy = member(&app, &key, "ups", "cy@example.org").await;
    let ada_sub = subscribe(&app, &key, "ups", &ada, &basic).await;
    assert_eq!(ada_sub["status"], "active");
    let bea_sub = subscribe(&app, &key, "ups", &bea, &basic).await;
    let cy_sub = subscribe(&app, &key, "ups", &cy, &trial).await;
    assert_eq!(cy_sub["status"], "trialing");
    let id = ada_sub["id"].as_str().unwrap();
    let change = format!("/v1/spaces/ups/subscriptions/{id}/change-tier");

    // Halfway: credit 1000 / 2, charge 3000 / 2 - 500.
    clock.advance(Duration::days(15));
    let send = || {
        app.http
            .post(format!("{}{change}", app.base))
            .bearer_auth(&key)
            .header("Idempotency-Key", "upgrade-ada")
            .json(&json!({"tier_id": pro}))
    };
    let upgraded = crate::support::reply(send()).await;
    assert_eq!(upgraded.status, 200, "{upgraded:?}");
    assert_eq!(upgraded.body["direction"], "upgrade");
    assert_eq!(
        upgraded.body["proration"],
        json!({"credit_minor": 500, "charged_minor": 1000, "currency": "EUR"})
    );
    let sub = &upgraded.body["subscription"];
    assert_eq!(
        (&sub["tier_id"], &sub["price_minor"]),
        (&json!(pro), &json!(3000))
    );
    assert_eq!(sub["current_period_end"], ada_sub["current_period_end"]);
    assert!(sub["pending_downgrade"].is_null());

    // The retry answers the stored result and charges nothing more.
    let events = app.event_count().await;
    let again = crate::support::reply(send()).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, upgraded.body);
    assert_eq!(app.event_count().await, events);
    assert_eq!(
        app.events_of("subscription", id, "SubscriptionUpgraded")
            .await
            .len(),
        1
    );

    let access = app
        .get(
            &key,
            &format!(
                "/v1/spaces/ups/members/{ada}/entitlements?min_position={}",
                upgraded.position()
            ),
        )
        .await;
    assert_eq!(access.body["tier_ids"], json!([pro]), "{access:?}");
    // Two first periods of 1000 (Ada, Bea) and Ada's prorated 1000.
    assert_eq!(paid_in(&app, &key, "ups", upgraded.position()).await, 3000);

    // A declined card refuses the upgrade and writes nothing.
    let bea_id = bea_sub["id"].as_str().unwrap();
    let card = app
        .call(
            reqwest::Method::PUT,
            Some(&key),
            &format!("/v1/spaces/ups/subscriptions/{bea_id}/payment-method"),
            Some(json!({"payment_method": "tok_declined"})),
        )
        .await;
    assert_eq!(card.status, 200, "{card:?}");
    let events = app.event_count().await;
    let declined = app
        .post(
            &key,
            &format!("/v1/spaces/ups/subscriptions/{bea_id}/change-tier"),
            json!({"tier_id": pro}),
        )
        .await;
    declined.assert_problem(402, "payment_declined");
    assert!(
        declined.body["detail"]
            .as_str()
            .unwrap()
            .contains("card_declined")
    );
    assert_eq!(app.event_count().await, events);
    let bea_now = app
        .get(&key, &format!("/v1/spaces/ups/subscriptions/{bea_id}"))
        .await;
    assert_eq!(bea_now.body["tier_id"], json!(basic));

    // A trial upgrades at once and for free; the trial's end charges the new price.
    let cy_id = cy_sub["id"].as_str().unwrap();
    let trial_up = app
        .post(
            &key,
            &format!("/v1/spaces/ups/subscriptions/{cy_id}/change-tier"),
            json!({"tier_id": pro}),
        )
        .await;
    assert_eq!(trial_up.status, 200, "{trial_up:?}");
    assert_eq!(
        trial_up.body["proration"],
        json!({"credit_minor": 0, "charged_minor": 0, "currency": "EUR"})
    );
    assert_eq!(trial_up.body["subscription"]["status"], "trialing");
    assert_eq!(trial_up.body["subscription"]["price_minor"], 3000);
    assert_eq!(paid_in(&app, &key, "ups", trial_up.position()).await, 3000);
    app.finish().await;
}

async fn downgrade(backend: Backend) {
    let clock = april_first();
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("downs").await;
    let basic = app.paid_tier(&key, "downs", "Basic", 1000, 0).await;
    let pro = app.paid_tier(&key, "downs", "Pro", 3000, 0).await;
    let dee = member(&app, &key, "downs", "dee@example.org").await;
    let started = subscribe(&app, &key, "downs", &dee, &pro).await;
    let id = started["id"].as_str().unwrap();
    let path = format!("/v1/spaces/downs/subscriptions/{id}");

    clock.advance(Duration::days(10));
    let scheduled = app
        .post(
            &key,
            &format!("{path}/change-tier"),
            json!({"tier_id": basic}),
        )
        .await;
    assert_eq!(scheduled.status, 200, "{scheduled:?}");
    assert_eq!(scheduled.body["direction"], "downgrade");
    assert!(scheduled.body["proration"].is_null());
    assert_eq!(
        scheduled.body["effective_at"],
        started["current_period_end"]
    );
    let sub = &scheduled.body["subscription"];
    assert_eq!(
        (&sub["tier_id"], &sub["price_minor"]),
        (&json!(pro), &json!(3000))
    );
    let pending = json!({"tier_id": basic, "price_minor": 1000,
        "effective_at": started["current_period_end"]});
    assert_eq!(sub["pending_downgrade"], pending);

    // The read model shows the same, and the member keeps the higher tier until the boundary.
    let read = app
        .get(
            &key,
            &format!("{path}?min_position={}", scheduled.position()),
        )
        .await;
    assert_eq!(read.body["pending_downgrade"], pending, "{read:?}");
    let access = app
        .get(
            &key,
            &format!("/v1/spaces/downs/members/{dee}/entitlements"),
        )
        .await;
    assert_eq!(access.body["tier_ids"], json!([pro]));

    // Past the boundary the scheduler renews: the downgrade applies, then the new price is paid.
    clock.advance(Duration::days(21));
    let renewed = app
        .until(&key, &path, "the renewal", |s| {
            // The downgrade and the renewal are two events: wait for both in the read model.
            s["tier_id"] == json!(basic)
                && s["current_period_start"] == started["current_period_end"]
        })
        .await;
    assert_eq!(renewed["price_minor"], 1000);
    assert_eq!(renewed["status"], "active");
    assert!(renewed["pending_downgrade"].is_null());
    assert_eq!(
        renewed["current_period_start"],
        started["current_period_end"]
    );
    let paid = app
        .events_of("subscription", id, "SubscriptionRenewed")
        .await;
    assert_eq!(paid.len(), 1);
    assert_eq!(paid[0]["payload"]["amount"]["minor"], 1000);
    let position = paid[0]["position"].as_i64().unwrap();
    assert_eq!(paid_in(&app, &key, "downs", position).await, 4000);
    let access = app
        .get(
            &key,
            &format!("/v1/spaces/downs/members/{dee}/entitlements?min_position={position}"),
        )
        .await;
    assert_eq!(access.body["tier_ids"], json!([basic]));
    app.finish().await;
}
