//! Inbound Stripe webhooks with signed fixtures (no network): a refund or a dispute made in
//! Stripe reaches the order; a redelivery writes nothing; a rotated secret verifies; and a
//! request that is wrong (bad or missing signature, stale timestamp, malformed body, unknown
//! type, unknown space) is refused and writes nothing.

use crate::on_both_backends;
use crate::support::{Backend, Reply, TestApp, reply};
use lyceum_domain::payment::stripe::sign;
use serde_json::{Value, json};

on_both_backends!(stripe_webhooks);

const FIRST: &str = "whsec_first_0123456789abcdef";
const SECOND: &str = "whsec_second_0123456789abcdef";
const BODY: &str = "The masterclass itself.";

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Posts `body` to the space's Stripe endpoint with `signature` as `Stripe-Signature`.
pub(crate) async fn deliver(
    app: &TestApp,
    space: &str,
    body: &[u8],
    signature: Option<String>,
) -> Reply {
    let mut request = app
        .http
        .post(format!("{}/v1/webhooks/stripe/{space}", app.base))
        .header("Content-Type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("Stripe-Signature", signature);
    }
    reply(request).await
}

/// Signs `event` with `secret` now and delivers it to the `shop` space.
async fn signed(app: &TestApp, secret: &str, event: &Value) -> Reply {
    signed_to(app, "shop", secret, event).await
}

/// Signs `event` with `secret` now (on the wall clock, as Stripe does) and delivers it to
/// `space`.
pub(crate) async fn signed_to(app: &TestApp, space: &str, secret: &str, event: &Value) -> Reply {
    let body = serde_json::to_vec(event).unwrap();
    deliver(app, space, &body, Some(sign(secret, now(), &body))).await
}

fn charge_refunded(event_id: &str, order: &str, refunded: i64, refund_id: &str) -> Value {
    json!({
        "id": event_id, "object": "event", "type": "charge.refunded", "created": now(),
        "livemode": false,
        "data": {"object": {
            "id": "ch_shop_1", "object": "charge", "amount": 1500, "amount_refunded": refunded,
            "currency": "eur", "refunded": refunded >= 1500,
            "refunds": {"data": [{"id": refund_id}]},
            "metadata": {"lyceum_order_id": order}
        }}
    })
}

fn dispute(event_id: &str, kind: &str, order: &str, status: &str) -> Value {
    json!({
        "id": event_id, "object": "event", "type": kind, "created": now(),
        "data": {"object": {
            "id": "dp_shop_1", "object": "dispute", "charge": "ch_shop_2", "amount": 900,
            "currency": "eur", "reason": "fraudulent", "status": status,
            "metadata": {"lyceum_order_id": order}
        }}
    })
}

/// Creates and publishes an item sold for `price`, returning its id.
async fn item_for_sale(app: &TestApp, key: &str, title: &str, price: i64) -> String {
    let body = json!({"kind": "course", "title": title, "body": BODY, "excerpt": "A taste.",
        "access": {"policy": "purchase", "price_minor": price}});
    let created = app.post(key, "/v1/spaces/shop/content", body).await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created.body["id"].as_str().unwrap().to_owned();
    let published = app
        .post_empty(key, &format!("/v1/spaces/shop/content/{id}/publish"))
        .await;
    assert_eq!(published.status, 200, "{published:?}");
    id
}

async fn stripe_webhooks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("shop").await;
    let (_, other) = app.space("elsewhere").await;
    let masterclass = item_for_sale(&app, &key, "Masterclass", 1500).await;
    let workshop = item_for_sale(&app, &key, "Workshop", 900).await;
    let signed_up = app
        .call(reqwest::Method::POST, None, "/v1/spaces/shop/auth/sign-up",
            Some(json!({"email": "bo@example.org", "display_name": "Bo", "password": "a long passphrase"})))
        .await;
    let token = signed_up.body["session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let member = signed_up.body["member"]["id"].as_str().unwrap().to_owned();
    let buy = |content: &str| {
        let path = format!("/v1/spaces/shop/members/{member}/purchases");
        let body = json!({"content_id": content, "payment_method": "tok_success"});
        let (app, key) = (&app, &key);
        async move { app.post(key, &path, body).await }
    };
    let paid = buy(&masterclass).await;
    assert_eq!(paid.body["status"], "paid", "{paid:?}");
    let order = paid.body["id"].as_str().unwrap().to_owned();
    let disputed = buy(&workshop).await;
    assert_eq!(disputed.body["status"], "paid", "{disputed:?}");
    let disputed = disputed.body["id"].as_str().unwrap().to_owned();
    let get_order = |id: &str, position: i64| {
        let path = format!("/v1/spaces/shop/orders/{id}?min_position={position}");
        let (app, key) = (&app, &key);
        async move { app.get(key, &path).await }
    };

    // Secrets: creator keys only, Stripe's format only, never echoed.
    let secrets = "/v1/spaces/shop/integrations/stripe/secrets";
    let added = app.post(&key, secrets, json!({"secret": FIRST})).await;
    assert_eq!(
        (added.status, added.body.clone()),
        (201, json!({"active_secrets": 1})),
        "{added:?}"
    );
    app.post(&key, secrets, json!({"secret": "not-a-secret"}))
        .await
        .assert_problem(422, "validation_failed");
    app.post(
        &other,
        "/v1/spaces/shop/integrations/stripe/secrets",
        json!({"secret": SECOND}),
    )
    .await
    .assert_problem(404, "not_found");

    // A partial refund made in Stripe.
    let refund = charge_refunded("evt_refund_1", &order, 500, "re_1");
    let refunded = signed(&app, FIRST, &refund).await;
    assert_eq!(refunded.status, 200, "{refunded:?}");
    assert_eq!(refunded.body["order_id"], json!(order), "{refunded:?}");
    let shown = get_order(&order, refunded.position()).await;
    assert_eq!(
        (
            shown.body["status"].clone(),
            shown.body["refunded_minor"].clone()
        ),
        (json!("partially_refunded"), json!(500)),
        "{shown:?}"
    );

    // A redelivery is acknowledged and writes nothing.
    let before = app.event_count().await;
    let again = signed(&app, FIRST, &refund).await;
    assert_eq!(
        (again.status, again.body["duplicate"].clone()),
        (200, json!(true)),
        "{again:?}"
    );
    assert!(again.header("Lyceum-Position").is_none());

    // Requests that are wrong are refused.
    let body = serde_json::to_vec(&charge_refunded("evt_refund_2", &order, 1500, "re_2")).unwrap();
    let wrong = sign("whsec_someone_else_entirely", now(), &body);
    deliver(&app, "shop", &body, Some(wrong))
        .await
        .assert_problem(401, "unauthorized");
    deliver(&app, "shop", &body, Some(sign(FIRST, now() - 600, &body)))
        .await
        .assert_problem(401, "unauthorized");
    deliver(&app, "shop", &body, None)
        .await
        .assert_problem(401, "unauthorized");
    deliver(&app, "shop", &body, Some("t=1,v1=zz".to_owned()))
        .await
        .assert_problem(401, "unauthorized");
    let malformed = b"{\"id\": \"evt_bad\", ";
    deliver(&app, "shop", malformed, Some(sign(FIRST, now(), malformed)))
        .await
        .assert_problem(400, "bad_request");
    let unknown = json!({"id": "evt_unknown", "type": "customer.created", "created": now(),
        "data": {"object": {"id": "cus_1"}}});
    signed(&app, FIRST, &unknown)
        .await
        .assert_problem(400, "bad_request");
    deliver(&app, "nowhere", &body, Some(sign(FIRST, now(), &body)))
        .await
        .assert_problem(404, "not_found");
    // Another space's secret does not verify this space's deliveries.
    let theirs = app
        .post(
            &other,
            "/v1/spaces/elsewhere/integrations/stripe/secrets",
            json!({"secret": SECOND}),
        )
        .await;
    assert_eq!(theirs.status, 201, "{theirs:?}");
    deliver(&app, "shop", &body, Some(sign(SECOND, now(), &body)))
        .await
        .assert_problem(401, "unauthorized");

    // Authentic events Lyceum cannot use are acknowledged and ignored.
    let invoice = json!({"id": "evt_invoice", "type": "invoice.paid", "created": now(),
        "data": {"object": {"id": "in_1", "currency": "eur", "amount_paid": 900,
            "amount_due": 900, "metadata": {}}}});
    let ignored = signed(&app, FIRST, &invoice).await;
    assert_eq!(
        (ignored.status, ignored.body["ignored"].clone()),
        (200, json!("the event names no lyceum_subscription_id")),
        "{ignored:?}"
    );
    let stranger = uuid::Uuid::now_v7().to_string();
    let unknown_order = signed(
        &app,
        FIRST,
        &charge_refunded("evt_stranger", &stranger, 100, "re_x"),
    )
    .await;
    assert_eq!(unknown_order.status, 200, "{unknown_order:?}");
    assert!(
        unknown_order.body["ignored"].is_string(),
        "{unknown_order:?}"
    );
    assert_eq!(
        app.event_count().await,
        before,
        "refused and ignored wrote nothing"
    );

    // Rotation: a second secret verifies while the first still does.
    let rotated = app.post(&key, secrets, json!({"secret": SECOND})).await;
    assert_eq!(rotated.body, json!({"active_secrets": 2}), "{rotated:?}");
    let full = signed(
        &app,
        SECOND,
        &charge_refunded("evt_refund_2", &order, 1500, "re_2"),
    )
    .await;
    assert_eq!(full.status, 200, "{full:?}");
    let shown = get_order(&order, full.position()).await;
    assert_eq!(
        (
            shown.body["status"].clone(),
            shown.body["refunded_minor"].clone()
        ),
        (json!("refunded"), json!(1500)),
        "{shown:?}"
    );
    let item = app
        .get(
            &token,
            &format!(
                "/v1/spaces/shop/content/{masterclass}?min_position={}",
                full.position()
            ),
        )
        .await;
    assert_eq!(
        item.body["locked"], true,
        "a full refund in Stripe takes the item back: {item:?}"
    );
    let bought_again = buy(&masterclass).await;
    assert_eq!(
        (bought_again.status, bought_again.body["status"].clone()),
        (201, json!("paid")),
        "and frees it to be bought again: {bought_again:?}"
    );

    // A dispute, opened and lost, signed with the first secret.
    let opened = signed(
        &app,
        FIRST,
        &dispute(
            "evt_dispute_1",
            "charge.dispute.created",
            &disputed,
            "needs_response",
        ),
    )
    .await;
    assert_eq!(opened.status, 200, "{opened:?}");
    let closed = signed(
        &app,
        FIRST,
        &dispute("evt_dispute_2", "charge.dispute.closed", &disputed, "lost"),
    )
    .await;
    assert_eq!(closed.status, 200, "{closed:?}");
    assert!(closed.position() > opened.position());
    let stream = app
        .get(&app.admin, &format!("/v1/streams/order/{disputed}"))
        .await;
    let from_stripe: Vec<&str> = stream
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "stripe")
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        from_stripe,
        ["DisputeOpened", "DisputeClosed"],
        "{stream:?}"
    );
    let last = &stream.body.as_array().unwrap().last().unwrap()["payload"];
    assert!(last.to_string().contains("lost"), "{last}");

    // Only the newest three secrets are kept: a fourth retires the first.
    let same = app.post(&key, secrets, json!({"secret": SECOND})).await;
    assert_eq!(
        (same.status, same.body.clone()),
        (200, json!({"active_secrets": 2}))
    );
    for secret in ["whsec_third_0123456789", "whsec_fourth_0123456789"] {
        let added = app.post(&key, secrets, json!({"secret": secret})).await;
        assert_eq!(added.body, json!({"active_secrets": 3}), "{added:?}");
    }
    let late = charge_refunded("evt_late", &disputed, 100, "re_late");
    signed(&app, FIRST, &late)
        .await
        .assert_problem(401, "unauthorized");
    let accepted = signed(&app, SECOND, &late).await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    app.finish().await;
}
