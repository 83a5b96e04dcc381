//! Offers and coupons: a sign-up code discounts the charges it covers (the ledger shows what
//! was actually charged), codes are unique per space and case-insensitive, limits and archiving
//! stop redemptions, and a refused redemption writes nothing.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(offers);

async fn offers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("deals").await;
    let (_, other) = app.space("elsewhere").await;
    let tier = app
        .post(
            &key,
            "/v1/spaces/deals/tiers",
            json!({"name": "Pro", "kind": "paid", "monthly_price_minor": 1000}),
        )
        .await;
    let offer = app
        .post(&key, "/v1/spaces/deals/offers", json!({"code": "welcome20",
            "discount": {"kind": "percent", "basis_points": 2000}, "duration": {"kind": "months", "months": 3},
            "max_redemptions": 1, "purpose": "sign_up"}))
        .await;
    assert_eq!(offer.status, 201, "{offer:?}");
    assert_eq!(
        (
            offer.body["code"].clone(),
            offer.body["redemptions"].clone()
        ),
        (json!("WELCOME20"), json!(0))
    );
    app.post(&key, "/v1/spaces/deals/offers", json!({"code": "Welcome20",
        "discount": {"kind": "fixed", "amount_minor": 100}, "duration": {"kind": "once"}, "purpose": "sign_up"}))
        .await
        .assert_problem(409, "conflict");
    for bad in [
        json!({"code": "X", "discount": {"kind": "percent", "basis_points": 10}, "duration": {"kind": "once"}, "purpose": "sign_up"}),
        json!({"code": "ZERO", "discount": {"kind": "percent", "basis_points": 0}, "duration": {"kind": "once"}, "purpose": "sign_up"}),
    ] {
        app.post(&key, "/v1/spaces/deals/offers", bad)
            .await
            .assert_problem(422, "validation_failed");
    }
    app.post(
        &key,
        "/v1/spaces/deals/offers",
        json!({"code": "ODD", "discount": {"kind": "gift"},
        "duration": {"kind": "once"}, "purpose": "sign_up"}),
    )
    .await
    .assert_problem(400, "bad_request");

    let member = |n: u32| {
        let (app, key) = (&app, &key);
        async move {
            app.post(
                key,
                "/v1/spaces/deals/members",
                json!({"email": format!("d{n}@example.org"), "display_name": "D"}),
            )
            .await
            .body["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let subscribe = |member: String, code: &'static str| {
        let (app, key) = (&app, &key);
        let body = json!({"tier_id": tier.body["id"], "interval": "monthly", "payment_method": "tok_success", "offer_code": code});
        async move {
            app.post(
                key,
                &format!("/v1/spaces/deals/members/{member}/subscriptions"),
                body,
            )
            .await
        }
    };
    let first = subscribe(member(1).await, "welcome20").await;
    assert_eq!(first.body["status"], "active", "{first:?}");
    assert_eq!(
        first.body["price_minor"], 1000,
        "the list price is kept; the offer discounts the charge"
    );
    let ledger = app
        .get(
            &key,
            &format!("/v1/spaces/deals/ledger?min_position={}", first.position()),
        )
        .await;
    let paid = ledger.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == "member_payments")
        .cloned();
    assert_eq!(
        paid.map(|a| a["balance_minor"].clone()),
        Some(json!(800)),
        "20 % off the first charge: {ledger:?}"
    );

    let before = app.event_count().await;
    let second = member(2).await;
    let before = before + 1;
    subscribe(second.clone(), "WELCOME20")
        .await
        .assert_problem(409, "invalid_transition");
    subscribe(second.clone(), "NOSUCHCODE")
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.event_count().await,
        before,
        "a refused redemption writes nothing"
    );

    let read: Value = app
        .get(&key, "/v1/spaces/deals/offers/welcome20")
        .await
        .body;
    assert_eq!(read["redemptions"], 1);
    let archived = app
        .post_empty(&key, "/v1/spaces/deals/offers/WELCOME20/archive")
        .await;
    assert_eq!(archived.body["archived"], true, "{archived:?}");
    app.get(&other, "/v1/spaces/elsewhere/offers/WELCOME20")
        .await
        .assert_problem(404, "not_found");
    app.finish().await;
}
