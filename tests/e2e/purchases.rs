//! One-off purchases: an item sold on its own is locked for a member until bought, a refused
//! card leaves it locked, a partial refund keeps it, a full refund takes it back, and no refund
//! ever exceeds what was paid.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild;
use serde_json::{Value, json};

on_both_backends!(purchases);

const BODY: &str = "The masterclass itself.";

async fn purchases(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("shop").await;
    let (_, other) = app.space("elsewhere").await;
    let create = |title: &str, access: Value| {
        let (app, key) = (&app, &key);
        let body = json!({"kind": "course", "title": title, "body": BODY, "excerpt": "A taste.", "access": access});
        async move { app.post(key, "/v1/spaces/shop/content", body).await }
    };
    let sold = create(
        "Masterclass",
        json!({"policy": "purchase", "price_minor": 1500}),
    )
    .await;
    assert_eq!(sold.status, 201, "{sold:?}");
    let sold_id = sold.body["id"].as_str().unwrap().to_owned();
    app.post_empty(&key, &format!("/v1/spaces/shop/content/{sold_id}/publish"))
        .await;
    let draft = create("Not yet", json!({"policy": "purchase", "price_minor": 900})).await;
    let free = create("Free", json!({"policy": "public"})).await;
    app.post_empty(
        &key,
        &format!(
            "/v1/spaces/shop/content/{}/publish",
            free.body["id"].as_str().unwrap()
        ),
    )
    .await;

    let signed_up = app
        .call(reqwest::Method::POST, None, "/v1/spaces/shop/auth/sign-up",
            Some(json!({"email": "bo@example.org", "display_name": "Bo", "password": "a long passphrase"})))
        .await;
    let token = signed_up.body["session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let member = signed_up.body["member"]["id"].as_str().unwrap().to_owned();
    let item = |position: i64| {
        let path = format!("/v1/spaces/shop/content/{sold_id}?min_position={position}");
        let (app, token) = (&app, &token);
        async move { app.get(token, &path).await }
    };
    let locked = item(signed_up.position()).await;
    assert_eq!(
        (locked.body["locked"].clone(), locked.body["body"].clone()),
        (json!(true), Value::Null),
        "{locked:?}"
    );
    assert_eq!(locked.body["unlock_price_minor"], 1500);

    let buy = |body: Value| {
        let path = format!("/v1/spaces/shop/members/{member}/purchases");
        let (app, key) = (&app, &key);
        async move { app.post(key, &path, body).await }
    };
    let declined = buy(json!({"content_id": sold_id, "payment_method": "tok_declined"})).await;
    assert_eq!(declined.status, 201, "{declined:?}");
    assert_eq!(
        (
            declined.body["status"].clone(),
            declined.body["latest_payment_error"].clone()
        ),
        (json!("payment_failed"), json!("card_declined"))
    );
    assert_eq!(item(declined.position()).await.body["locked"], true);

    let paid = buy(json!({"content_id": sold_id, "payment_method": "tok_success"})).await;
    assert_eq!(
        (
            paid.body["status"].clone(),
            paid.body["amount_minor"].clone(),
            paid.body["currency"].clone()
        ),
        (json!("paid"), json!(1500), json!("EUR")),
        "{paid:?}"
    );
    let unlocked = item(paid.position()).await;
    assert_eq!(
        (
            unlocked.body["locked"].clone(),
            unlocked.body["body"].clone()
        ),
        (json!(false), json!(BODY))
    );
    let order = paid.body["id"].as_str().unwrap().to_owned();

    let before = app.event_count().await;
    buy(json!({"content_id": sold_id, "payment_method": "tok_success"}))
        .await
        .assert_problem(409, "conflict");
    buy(json!({"content_id": draft.body["id"], "payment_method": "tok_success"}))
        .await
        .assert_problem(422, "validation_failed");
    buy(json!({"content_id": free.body["id"], "payment_method": "tok_success"}))
        .await
        .assert_problem(422, "validation_failed");
    buy(json!({"content_id": sold_id}))
        .await
        .assert_problem(400, "bad_request");
    // An item the space does not have is a reference that must exist: 422, not the member's 404.
    buy(json!({"content_id": uuid::Uuid::now_v7(), "payment_method": "tok_success"}))
        .await
        .assert_problem(422, "validation_failed");
    let refunds = format!("/v1/spaces/shop/orders/{order}/refunds");
    app.post(&key, &refunds, json!({"amount_minor": 2000}))
        .await
        .assert_problem(422, "validation_failed");
    app.post(
        &other,
        &format!("/v1/spaces/elsewhere/orders/{order}/refunds"),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&token, &format!("/v1/spaces/shop/orders/{order}"))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.event_count().await,
        before,
        "refused requests wrote nothing"
    );

    let partial = app
        .post(
            &key,
            &refunds,
            json!({"amount_minor": 500, "reason": "late"}),
        )
        .await;
    assert_eq!(
        (
            partial.body["status"].clone(),
            partial.body["refunded_minor"].clone()
        ),
        (json!("partially_refunded"), json!(500)),
        "{partial:?}"
    );
    assert_eq!(
        item(partial.position()).await.body["locked"],
        false,
        "a partial refund keeps the item"
    );
    let full = app.post(&key, &refunds, json!({})).await;
    assert_eq!(
        (
            full.body["status"].clone(),
            full.body["refunded_minor"].clone()
        ),
        (json!("refunded"), json!(1500)),
        "{full:?}"
    );
    let taken_back = item(full.position()).await;
    assert_eq!(
        taken_back.body["locked"], true,
        "a full refund takes the item back"
    );
    assert!(!taken_back.body.to_string().contains(BODY));
    app.post(&key, &refunds, json!({}))
        .await
        .assert_problem(409, "invalid_transition");

    // Bought again after the full refund, through GraphQL.
    let graph = app
        .graphql(
            &key,
            "mutation($m: ID!, $c: ID!) { purchase(space: \"shop\", memberId: $m, contentId: $c,
               paymentMethod: \"tok_success\") { node { status amountMinor } position } }",
            json!({"m": member, "c": sold_id}),
        )
        .await;
    assert_eq!(
        graph["data"]["purchase"]["node"],
        json!({"status": "paid", "amountMinor": 1500}),
        "{graph}"
    );
    let bought_again = graph["data"]["purchase"]["position"].as_i64().unwrap();
    let listed = app
        .get(
            &key,
            &format!("/v1/spaces/shop/members/{member}/orders?min_position={bought_again}"),
        )
        .await;
    let statuses: Vec<&str> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["payment_failed", "refunded", "paid"]);
    let live = checksum(&app.db, Projection::Orders).await.unwrap();
    rebuild(&app.db, Projection::Orders, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(checksum(&app.db, Projection::Orders).await.unwrap(), live);
    app.finish().await;
}

on_both_backends!(purchases_and_refunds_are_idempotent);

/// A retried purchase or refund with the same `Idempotency-Key` answers the same and charges or
/// refunds once.
async fn purchases_and_refunds_are_idempotent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("retry").await;
    let item = app
        .post(
            &key,
            "/v1/spaces/retry/content",
            json!({"kind": "course", "title": "Course", "body": BODY,
            "access": {"policy": "purchase", "price_minor": 1200}}),
        )
        .await;
    let item_id = item.body["id"].as_str().unwrap().to_owned();
    app.post_empty(&key, &format!("/v1/spaces/retry/content/{item_id}/publish"))
        .await;
    let member = app
        .post(
            &key,
            "/v1/spaces/retry/members",
            json!({"email": "di@example.org", "display_name": "Di"}),
        )
        .await;
    let member_id = member.body["id"].as_str().unwrap().to_owned();
    let send = |path: String, idempotency_key: &'static str, body: Value| {
        let request = app
            .http
            .post(format!("{}{path}", app.base))
            .bearer_auth(&key)
            .header("Idempotency-Key", idempotency_key)
            .json(&body);
        crate::support::reply(request)
    };
    let purchase = format!("/v1/spaces/retry/members/{member_id}/purchases");
    let body = json!({"content_id": item_id, "payment_method": "tok_success"});
    let first = send(purchase.clone(), "buy-1", body.clone()).await;
    assert_eq!(first.status, 201, "{first:?}");
    let events = app.event_count().await;
    let again = send(purchase.clone(), "buy-1", body.clone()).await;
    assert_eq!((again.status, &again.body), (201, &first.body));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(app.event_count().await, events, "one order, one charge");

    let refunds = format!(
        "/v1/spaces/retry/orders/{}/refunds",
        first.body["id"].as_str().unwrap()
    );
    let refund = send(refunds.clone(), "refund-1", json!({"amount_minor": 200})).await;
    assert_eq!(refund.body["refunded_minor"], 200, "{refund:?}");
    let retried = send(refunds.clone(), "refund-1", json!({"amount_minor": 200})).await;
    assert_eq!(retried.body, refund.body);
    let order = app
        .get(
            &key,
            &format!(
                "/v1/spaces/retry/orders/{}?min_position={}",
                first.body["id"].as_str().unwrap(),
                refund.position()
            ),
        )
        .await;
    assert_eq!(order.body["refunded_minor"], 200, "refunded once");
    send(refunds, "refund-1", json!({"amount_minor": 300}))
        .await
        .assert_problem(422, "idempotency_key_reused");
    app.finish().await;
}
