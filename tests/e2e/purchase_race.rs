//! Duplicate purchases racing: eight purchases of one item by one member, sent at once with
//! different idempotency keys or none, charge once and place one order; the other seven get a
//! 409 problem. A full refund frees the item to be bought again, and a claim left by a request
//! that died is taken over with its order id, so the charge it may have made is not repeated.

use crate::on_both_backends;
use crate::support::{Backend, Reply, TestApp, reply};
use lyceum_store::purchases::{Purchase, PurchaseClaim, claim};
use serde_json::json;
use uuid::Uuid;

on_both_backends!(concurrent_purchases);

async fn concurrent_purchases(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (space, key) = app.space("race").await;
    let item = app
        .post(
            &key,
            "/v1/spaces/race/content",
            json!({"kind": "course", "title": "Course", "body": "All of it.",
                "access": {"policy": "purchase", "price_minor": 1500}}),
        )
        .await;
    let item = item.body["id"].as_str().unwrap().to_owned();
    let published = app
        .post_empty(&key, &format!("/v1/spaces/race/content/{item}/publish"))
        .await;
    assert_eq!(published.status, 200, "{published:?}");
    let member = app
        .post(
            &key,
            "/v1/spaces/race/members",
            json!({"email": "ra@example.org", "display_name": "Ra"}),
        )
        .await;
    let member = member.body["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/spaces/race/members/{member}/purchases");
    let buy = |n: usize| {
        let mut request = app
            .http
            .post(format!("{}{path}", app.base))
            .bearer_auth(&key)
            .json(&json!({"content_id": item, "payment_method": "tok_success"}));
        // Half with keys of their own, half with none.
        if n.is_multiple_of(2) {
            request = request.header("Idempotency-Key", format!("race-{n}"));
        }
        reply(request)
    };

    let (a, b, c, d, e, f, g, h) = tokio::join!(
        buy(0),
        buy(1),
        buy(2),
        buy(3),
        buy(4),
        buy(5),
        buy(6),
        buy(7)
    );
    let replies: Vec<Reply> = vec![a, b, c, d, e, f, g, h];
    let paid: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(paid.len(), 1, "exactly one purchase succeeds: {replies:?}");
    assert_eq!(paid[0].body["status"], "paid", "{replies:?}");
    for refused in replies.iter().filter(|r| r.status != 201) {
        refused.assert_problem(409, "conflict");
    }
    let order = paid[0].body["id"].as_str().unwrap().to_owned();
    let orders = app
        .get(
            &key,
            &format!(
                "/v1/spaces/race/members/{member}/orders?min_position={}",
                paid[0].position()
            ),
        )
        .await;
    let ids: Vec<&str> = orders.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [order.as_str()], "one order: {orders:?}");
    let charges: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE event_type IN ('PaymentSucceeded', 'PaymentFailed')",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert_eq!(charges, 1, "one charge");

    // A full refund frees the item: it can be bought again, once.
    let refunded = app
        .post(
            &key,
            &format!("/v1/spaces/race/orders/{order}/refunds"),
            json!({}),
        )
        .await;
    assert_eq!(refunded.body["status"], "refunded", "{refunded:?}");
    let caught_up = format!(
        "/v1/spaces/race/orders/{order}?min_position={}",
        refunded.position()
    );
    assert_eq!(app.get(&key, &caught_up).await.status, 200);
    let again = buy(1).await;
    assert_eq!(
        (again.status, again.body["status"].clone()),
        (201, json!("paid")),
        "{again:?}"
    );
    buy(3).await.assert_problem(409, "conflict");

    // A claim whose request died: blocked while its lease runs, then taken over with its
    // order id (the charge's idempotency key), and never over a paid claim.
    let other = Purchase {
        space_id: Uuid::parse_str(&space).unwrap(),
        member_id: Uuid::parse_str(&member).unwrap(),
        content_id: Uuid::now_v7(),
    };
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    let claimed = claim(&app.db, other, first).await.unwrap();
    assert_eq!(claimed, PurchaseClaim::Claimed { order_id: first });
    let blocked = claim(&app.db, other, second).await.unwrap();
    assert!(
        matches!(blocked, PurchaseClaim::InProgress { retry_after } if (1..=60).contains(&retry_after)),
        "{blocked:?}"
    );
    sqlx::query("UPDATE content_purchases SET locked_until = $1 WHERE content_id = $2")
        .bind(lyceum_store::time::format(
            chrono::Utc::now() - chrono::Duration::seconds(1),
        ))
        .bind(other.content_id.to_string())
        .execute(app.db.writer())
        .await
        .unwrap();
    let taken = claim(&app.db, other, second).await.unwrap();
    assert_eq!(taken, PurchaseClaim::Claimed { order_id: first });
    let bought = claim(
        &app.db,
        Purchase {
            content_id: Uuid::parse_str(&item).unwrap(),
            ..other
        },
        second,
    )
    .await
    .unwrap();
    assert_eq!(bought, PurchaseClaim::Owned);
    app.finish().await;
}
