//! The ledger as a projection: a subscription payment, a purchase and a partial refund become
//! balanced double-entry postings, debits equal credits in every currency, and a replay
//! reproduces the journal exactly.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild;
use serde_json::{Value, json};

on_both_backends!(ledger);

fn account<'a>(ledger: &'a Value, name: &str) -> &'a Value {
    ledger["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == name)
        .unwrap_or_else(|| panic!("no {name} in {ledger}"))
}

async fn ledger(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("books").await;
    let tier = app
        .post(
            &key,
            "/v1/spaces/books/tiers",
            json!({"name": "Pro", "kind": "paid", "monthly_price_minor": 900}),
        )
        .await;
    let item = app
        .post(
            &key,
            "/v1/spaces/books/content",
            json!({"kind": "course", "title": "Course", "body": "b",
            "access": {"policy": "purchase", "price_minor": 1500}}),
        )
        .await;
    let item_id = item.body["id"].as_str().unwrap().to_owned();
    app.post_empty(&key, &format!("/v1/spaces/books/content/{item_id}/publish"))
        .await;
    let member = app
        .post(
            &key,
            "/v1/spaces/books/members",
            json!({"email": "cy@example.org", "display_name": "Cy"}),
        )
        .await;
    let member_id = member.body["id"].as_str().unwrap().to_owned();
    let subscribed = app
        .post(&key, &format!("/v1/spaces/books/members/{member_id}/subscriptions"),
            json!({"tier_id": tier.body["id"], "interval": "monthly", "payment_method": "tok_success"}))
        .await;
    assert_eq!(subscribed.body["status"], "active", "{subscribed:?}");
    let order = app
        .post(
            &key,
            &format!("/v1/spaces/books/members/{member_id}/purchases"),
            json!({"content_id": item_id, "payment_method": "tok_success"}),
        )
        .await;
    let refunded = app
        .post(
            &key,
            &format!(
                "/v1/spaces/books/orders/{}/refunds",
                order.body["id"].as_str().unwrap()
            ),
            json!({"amount_minor": 500}),
        )
        .await;
    assert_eq!(refunded.status, 200, "{refunded:?}");

    let ledger = app
        .get(
            &key,
            &format!(
                "/v1/spaces/books/ledger?min_position={}",
                refunded.position()
            ),
        )
        .await;
    assert_eq!(ledger.status, 200, "{ledger:?}");
    let ledger = ledger.body;
    assert_eq!(
        account(&ledger, "member_payments")["balance_minor"],
        2400,
        "{ledger}"
    );
    assert_eq!(account(&ledger, "refunds")["balance_minor"], 500);
    assert_eq!(account(&ledger, "creator_earnings")["balance_minor"], 1900);
    assert_eq!(
        account(&ledger, "creator_earnings")["debits_minor"],
        500,
        "the refund came out of earnings"
    );
    assert_eq!(
        ledger["trial_balance"],
        json!([{"currency": "EUR", "debits_minor": 2900, "credits_minor": 2900, "balanced": true}])
    );
    let auditor = app
        .post(&key, "/v1/spaces/books/keys", json!({"role": "auditor"}))
        .await
        .body["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.get(&auditor, "/v1/spaces/books/ledger").await.status,
        200,
        "auditors read the books"
    );

    let live = checksum(&app.db, Projection::Ledger).await.unwrap();
    rebuild(&app.db, Projection::Ledger, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(checksum(&app.db, Projection::Ledger).await.unwrap(), live);
    app.finish().await;
}
