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
