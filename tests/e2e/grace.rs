//! The past-due grace a space sets, on a clock the test moves: a subscription started under the
//! space's dunning days keeps them; when its renewal is declined it is past due, keeps access
//! for the grace days, then loses access while still past due and waiting for its next retry.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, Utc};
use lyceum_store::clock::ManualClock;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(past_due_grace);

async fn past_due_grace(backend: Backend) {
    let clock = ManualClock::at(Utc::now());
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("grace").await;
    let terms = app
        .call(
            reqwest::Method::PUT,
            Some(&key),
            "/v1/spaces/grace/billing-terms",
            Some(json!({"platform_fee_bps": 0, "referral_commission_bps": 0,
                "dunning_retry_days": [10, 20], "past_due_grace_days": 2,
                "refund_access": "revoke_on_full_refund"})),
        )
        .await;
    assert_eq!(terms.status, 200, "{terms:?}");
    let tier = app
        .post(
            &key,
            "/v1/spaces/grace/tiers",
            json!({"name": "Monthly", "kind": "paid", "monthly_price_minor": 900}),
        )
        .await;
    let member = app
        .post(
            &key,
            "/v1/spaces/grace/members",
            json!({"email": "fay@example.org", "display_name": "Fay"}),
        )
        .await;
    let fay = member.body["id"].as_str().unwrap().to_owned();
    let started = app
        .post(&key, &format!("/v1/spaces/grace/members/{fay}/subscriptions"),
            json!({"tier_id": tier.body["id"], "interval": "monthly", "payment_method": "tok_success"}))
        .await;
    assert_eq!(started.status, 201, "{started:?}");
    let id = started.body["id"].as_str().unwrap().to_owned();
    let declined = app
        .call(
            reqwest::Method::PUT,
            Some(&key),
            &format!("/v1/spaces/grace/subscriptions/{id}/payment-method"),
            Some(json!({"payment_method": "tok_declined"})),
        )
        .await;
    assert_eq!(declined.status, 200, "{declined:?}");

    let tiers = || async {
        let reply = app
            .get(
                &key,
                &format!(
                    "/v1/spaces/grace/members/{fay}/entitlements?min_position={}",
                    started.position()
                ),
            )
            .await;
        reply.body["tier_ids"].clone()
    };
    assert_eq!(tiers().await, json!([tier.body["id"]]));

    // The renewal at the period end is declined.
    clock.advance(Duration::days(32));
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    let past_due: Value = loop {
        let reply = app
            .get(&key, &format!("/v1/spaces/grace/subscriptions/{id}"))
            .await;
        if reply.body["status"] == "past_due" {
            break reply.body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no past due: {reply:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    };
    assert_eq!(
        tiers().await,
        json!([tier.body["id"]]),
        "in grace: {past_due}"
    );
    let stream = app
        .get(&app.admin, &format!("/v1/streams/subscription/{id}"))
        .await;
    let failed = stream
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event_type"] == "RenewalFailed")
        .cloned()
        .unwrap();
    let payload = &failed["payload"];
    let data = payload.get("data").unwrap_or(payload);
    let since = chrono::DateTime::parse_from_rfc3339(data["failed_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let retry = chrono::DateTime::parse_from_rfc3339(data["next_retry_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        (retry - since).num_days(),
        10,
        "the space's dunning days were kept: {failed}"
    );

    clock.advance(Duration::days(1));
    assert_eq!(
        tiers().await,
        json!([tier.body["id"]]),
        "one day into a two-day grace"
    );
    clock.advance(Duration::hours(25));
    assert_eq!(tiers().await, json!([]), "grace is over");
    let still = app
        .get(&key, &format!("/v1/spaces/grace/subscriptions/{id}"))
        .await;
    assert_eq!(
        still.body["status"], "past_due",
        "the charge is still being retried"
    );
    app.finish().await;
}
