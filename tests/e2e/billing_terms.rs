//! A space's billing terms at work: refused terms write nothing; the platform fee and a
//! referrer's commission split the first payment in the ledger (and only the first); the
//! referrer sees the conversion; the analytics show fees, refunds and payouts; the refund rule
//! decides whether a partly refunded item stays unlocked; and every event type written is one
//! an outgoing webhook can subscribe to by name.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(billing_terms);

const TERMS: &str = "/v1/spaces/terms/billing-terms";

/// The ledger's balance of `account` in EUR, on its normal side.
fn balance(ledger: &Value, account: &str) -> i64 {
    let Some(row) = ledger["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == account && a["currency"] == "EUR")
    else {
        return 0;
    };
    row["balance_minor"].as_i64().unwrap()
}

async fn billing_terms(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("terms").await;
    let (_, other) = app.space("elsewhere").await;

    let defaults = app.get(&key, TERMS).await;
    assert_eq!(
        defaults.body,
        json!({"platform_fee_bps": 0, "referral_commission_bps": 0,
            "dunning_retry_days": [1, 3, 5], "past_due_grace_days": 7,
            "refund_access": "revoke_on_full_refund"}),
        "{defaults:?}"
    );
    let good = json!({"platform_fee_bps": 500, "referral_commission_bps": 1000,
        "dunning_retry_days": [2, 4], "past_due_grace_days": 3,
        "refund_access": "revoke_on_full_refund"});
    let before = app.event_count().await;
    let put = |body: Value| app.call(reqwest::Method::PUT, Some(&key), TERMS, Some(body));
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    put(with("platform_fee_bps", json!(9500)))
        .await
        .assert_problem(422, "validation_failed");
    put(with("past_due_grace_days", json!(61)))
        .await
        .assert_problem(422, "validation_failed");
    put(with("dunning_retry_days", json!([3, 2])))
        .await
        .assert_problem(422, "validation_failed");
    put(with("refund_access", json!("sometimes")))
        .await
        .assert_problem(400, "bad_request");
    put(with("platform_fee_bps", json!(-1)))
        .await
        .assert_problem(400, "bad_request");
    put(with("surprise", json!(1)))
        .await
        .assert_problem(400, "bad_request");
    put(json!({"platform_fee_bps": 500}))
        .await
        .assert_problem(400, "bad_request");
    app.call(
        reqwest::Method::PUT,
        Some(&other),
        TERMS,
        Some(good.clone()),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        app.event_count().await,
        before,
        "refused terms wrote nothing"
    );

    let set = put(good.clone()).await;
    assert_eq!((set.status, &set.body), (200, &good), "{set:?}");
    let again = put(good.clone()).await;
    assert_eq!(
        again.position(),
        set.position(),
        "the same terms again record nothing"
    );
    assert_eq!(app.get(&key, TERMS).await.body, good);

    // A referral: Ada's code brings Bo in; the first payment pays her commission.
    let tier = app
        .post(
            &key,
            "/v1/spaces/terms/tiers",
            json!({"name": "Insiders", "kind": "paid", "monthly_price_minor": 2000}),
        )
        .await;
    let member = |email: &str| {
        app.post(
            &key,
            "/v1/spaces/terms/members",
            json!({"email": email, "display_name": "M"}),
        )
    };
    let ada = member("ada@example.org").await;
    let bo = member("bo@example.org").await;
    let code = ada.body["referral_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 12, "{ada:?}");
    assert_ne!(bo.body["referral_code"], ada.body["referral_code"]);
    let stranger = app
        .post(
            &other,
            "/v1/spaces/elsewhere/members",
            json!({"email": "cy@example.org", "display_name": "Cy"}),
        )
        .await;
    let subscribe = |who: &Value, body: Value| {
        let path = format!(
            "/v1/spaces/terms/members/{}/subscriptions",
            who["id"].as_str().unwrap()
        );
        let (app, key) = (&app, &key);
        async move { app.post(key, &path, body).await }
    };
    let start = |referral: Value| {
        json!({"tier_id": tier.body["id"], "interval": "monthly",
        "payment_method": "tok_success", "referral_code": referral})
    };
    let before = app.event_count().await;
    subscribe(&ada.body, start(json!(code)))
        .await
        .assert_problem(422, "validation_failed");
    subscribe(&bo.body, start(json!(stranger.body["referral_code"])))
        .await
        .assert_problem(422, "validation_failed");
    subscribe(&bo.body, start(json!("not a code")))
        .await
        .assert_problem(422, "validation_failed");
    subscribe(&bo.body, start(json!(42)))
        .await
        .assert_problem(400, "bad_request");
    assert_eq!(
        app.event_count().await,
        before,
        "refused starts wrote nothing"
    );

    // Lower case and a misread O are accepted.
    let typed = code.to_lowercase();
    let started = subscribe(&bo.body, start(json!(typed))).await;
    assert_eq!(
        (started.status, &started.body["status"]),
        (201, &json!("active")),
        "{started:?}"
    );
    let ledger = app
        .get(
            &key,
            &format!(
                "/v1/spaces/terms/ledger?min_position={}",
                started.position()
            ),
        )
        .await;
    assert_eq!(
        (
            balance(&ledger.body, "member_payments"),
            balance(&ledger.body, "platform_fees"),
            balance(&ledger.body, "referral_commissions"),
            balance(&ledger.body, "creator_earnings"),
        ),
        (2000, 100, 200, 1700),
        "5 % fee and 10 % commission on the first payment: {ledger:?}"
    );
    let referrals = app
        .get(
            &key,
            &format!(
                "/v1/spaces/terms/members/{}/referrals?min_position={}",
                ada.body["id"].as_str().unwrap(),
                started.position()
            ),
        )
        .await;
    let items = referrals.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{referrals:?}"));
    assert_eq!(items.len(), 1, "{referrals:?}");
    assert_eq!(
        (
            &items[0]["member_id"],
            &items[0]["commission_minor"],
            &items[0]["currency"]
        ),
        (&bo.body["id"], &json!(200), &json!("EUR"))
    );
    assert!(items[0]["converted_at"].is_string());
    app.get(
        &key,
        &format!(
            "/v1/spaces/terms/members/{}/referrals",
            stranger.body["id"].as_str().unwrap()
        ),
    )
    .await
    .assert_problem(404, "not_found");

    // The refund rule: a partial refund keeps the item by default, and loses it under
    // `revoke_on_any_refund`; the rule applies to every check from then on.
    let item = app
        .post(
            &key,
            "/v1/spaces/terms/content",
            json!({"kind": "course", "title": "Deep",
            "body": "The whole course.", "access": {"policy": "purchase", "price_minor": 1000}}),
        )
        .await;
    let item_id = item.body["id"].as_str().unwrap().to_owned();
    app.post_empty(&key, &format!("/v1/spaces/terms/content/{item_id}/publish"))
        .await;
    let bo_id = bo.body["id"].as_str().unwrap();
    let bought = app
        .post(
            &key,
            &format!("/v1/spaces/terms/members/{bo_id}/purchases"),
            json!({"content_id": item_id, "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(bought.status, 201, "{bought:?}");
    let refunded = app
        .post(
            &key,
            &format!(
                "/v1/spaces/terms/orders/{}/refunds",
                bought.body["id"].as_str().unwrap()
            ),
            json!({"amount_minor": 300}),
        )
        .await;
    assert_eq!(refunded.status, 200, "{refunded:?}");
    let owned = |position: i64| {
        let path = format!("/v1/spaces/terms/members/{bo_id}/entitlements?min_position={position}");
        let (app, key) = (&app, &key);
        async move { app.get(key, &path).await.body["purchased_content_ids"].clone() }
    };
    assert_eq!(owned(refunded.position()).await, json!([item_id]));
    let strict = put(with("refund_access", json!("revoke_on_any_refund"))).await;
    assert_eq!(strict.status, 200, "{strict:?}");
    assert_eq!(
        owned(strict.position()).await,
        json!([]),
        "any refund revokes now"
    );

    // The analytics read the same ledger: gross, refunds, payouts and fees.
    let summary = app
        .get(
            &key,
            &format!(
                "/v1/spaces/terms/analytics/summary?min_position={}",
                strict.position()
            ),
        )
        .await;
    assert_eq!(
        summary.body["money"],
        json!([{"currency": "EUR", "gross_minor": 3000, "refunds_minor": 300,
            "disputes_held_minor": 0, "referral_payouts_minor": 200,
            "platform_fees_minor": 135, "creator_earnings_minor": 2365}]),
        "{summary:?}"
    );

    // GraphQL shows the same terms, and the member's code.
    let graph = app
        .graphql(
            &key,
            "{ space(slug: \"terms\") { billingTerms { platformFeeBps refundAccess } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        graph["data"]["space"]["billingTerms"],
        json!({"platformFeeBps": 500, "refundAccess": "REVOKE_ON_ANY_REFUND"}),
        "{graph}"
    );

    let types: Vec<String> = sqlx::query_scalar("SELECT DISTINCT event_type FROM events")
        .fetch_all(app.db.reader())
        .await
        .unwrap();
    for event_type in types {
        assert!(
            lyceum_domain::webhook::EVENT_TYPES.contains(&event_type.as_str()),
            "{event_type} cannot be subscribed to by name"
        );
    }
    app.finish().await;
}
