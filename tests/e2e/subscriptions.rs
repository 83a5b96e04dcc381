//! Subscriptions to paid tiers on the built-in test provider: trials, first charges that
//! succeed or are declined, the price kept after the tier's price changes, cancel at period end,
//! resume and immediate cancel, and a replay that reproduces the read model.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild;
use serde_json::{Value, json};

on_both_backends!(subscriptions);

fn days_between(from: &Value, to: &Value) -> i64 {
    let parse = |v: &Value| lyceum_store::time::parse(v.as_str().unwrap()).unwrap();
    (parse(to) - parse(from)).num_days()
}

async fn subscriptions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("paid").await;
    let (_, other) = app.space("other").await;
    let tier = |body: Value| app.post(&key, "/v1/spaces/paid/tiers", body);
    let insiders = tier(json!({"name": "Insiders", "kind": "paid", "monthly_price_minor": 900, "yearly_price_minor": 9000})).await;
    let trial =
        tier(json!({"name": "Trial", "kind": "paid", "monthly_price_minor": 500, "trial_days": 7}))
            .await;
    let free = tier(json!({"name": "Free", "kind": "free"})).await;
    let member = |n: u32| {
        app.post(
            &key,
            "/v1/spaces/paid/members",
            json!({"email": format!("m{n}@example.org"), "display_name": "M"}),
        )
    };
    let (ada, bo, cy) = (member(1).await, member(2).await, member(3).await);
    let start = |m: &Value, body: Value| {
        let path = format!(
            "/v1/spaces/paid/members/{}/subscriptions",
            m.as_str().unwrap()
        );
        let (app, key) = (&app, &key);
        async move { app.post(key, &path, body).await }
    };

    let active = start(&ada.body["id"], json!({"tier_id": insiders.body["id"], "interval": "monthly", "payment_method": "tok_success"})).await;
    assert_eq!(active.status, 201, "{active:?}");
    assert_eq!(active.body["status"], "active");
    assert_eq!(
        (
            active.body["price_minor"].clone(),
            active.body["currency"].clone()
        ),
        (json!(900), json!("EUR"))
    );
    assert!((28..=31).contains(&days_between(
        &active.body["current_period_start"],
        &active.body["current_period_end"]
    )));
    assert_eq!(active.body["latest_payment_error"], Value::Null);
    let id = active.body["id"].as_str().unwrap().to_owned();
    let read = app
        .get(
            &key,
            &format!(
                "/v1/spaces/paid/subscriptions/{id}?min_position={}",
                active.position()
            ),
        )
        .await;
    assert_eq!(
        read.body, active.body,
        "the read model shows what the write answered"
    );

    // A new price applies to new subscriptions only.
    let repriced = app
        .patch(
            &key,
            &format!(
                "/v1/spaces/paid/tiers/{}",
                insiders.body["id"].as_str().unwrap()
            ),
            json!({"monthly_price_minor": 1500}),
        )
        .await;
    let kept = app
        .get(
            &key,
            &format!(
                "/v1/spaces/paid/subscriptions/{id}?min_position={}",
                repriced.position()
            ),
        )
        .await;
    assert_eq!(kept.body["price_minor"], 900);
    let newer = start(&bo.body["id"], json!({"tier_id": insiders.body["id"], "interval": "monthly", "payment_method": "tok_success"})).await;
    assert_eq!(newer.body["price_minor"], 1500, "{newer:?}");

    let trialing = start(&cy.body["id"], json!({"tier_id": trial.body["id"], "interval": "monthly", "payment_method": "tok_success"})).await;
    assert_eq!(trialing.body["status"], "trialing", "{trialing:?}");
    assert_eq!(
        days_between(&trialing.body["started_at"], &trialing.body["trial_end"]),
        7
    );

    let declined = start(&cy.body["id"], json!({"tier_id": insiders.body["id"], "interval": "yearly", "payment_method": "tok_declined"})).await;
    assert_eq!(declined.status, 201, "{declined:?}");
    assert_eq!(declined.body["status"], "incomplete");
    assert_eq!(declined.body["latest_payment_error"], "card_declined");

    let cancel = format!("/v1/spaces/paid/subscriptions/{id}/cancel");
    let resume = format!("/v1/spaces/paid/subscriptions/{id}/resume");
    let scheduled = app.post(&key, &cancel, json!({})).await;
    assert_eq!(
        (
            scheduled.body["status"].clone(),
            scheduled.body["cancel_at_period_end"].clone()
        ),
        (json!("active"), json!(true)),
        "{scheduled:?}"
    );
    let resumed = app.post_empty(&key, &resume).await;
    assert_eq!(resumed.body["cancel_at_period_end"], false, "{resumed:?}");
    let ended = app
        .post(&key, &cancel, json!({"at_period_end": false}))
        .await;
    assert_eq!(ended.body["status"], "canceled", "{ended:?}");
    assert!(ended.body["ended_at"].is_string());
    app.post_empty(&key, &resume)
        .await
        .assert_problem(409, "invalid_transition");

    let before = app.event_count().await;
    start(
        &ada.body["id"],
        json!({"tier_id": free.body["id"], "interval": "monthly", "payment_method": "tok_success"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    start(
        &ada.body["id"],
        json!({"tier_id": trial.body["id"], "interval": "yearly", "payment_method": "tok_success"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    start(&ada.body["id"], json!({"tier_id": uuid::Uuid::new_v4(), "interval": "monthly", "payment_method": "tok_success"}))
        .await
        .assert_problem(422, "validation_failed");
    start(&ada.body["id"], json!({"tier_id": insiders.body["id"], "interval": "weekly", "payment_method": "tok_success"}))
        .await
        .assert_problem(400, "bad_request");
    app.get(&other, &format!("/v1/spaces/other/subscriptions/{id}"))
        .await
        .assert_problem(404, "not_found");
    app.post(
        &other,
        &format!("/v1/spaces/other/subscriptions/{id}/cancel"),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        app.event_count().await,
        before,
        "refused requests wrote nothing"
    );

    let listed = app
        .get(
            &key,
            &format!(
                "/v1/spaces/paid/members/{}/subscriptions?min_position={}",
                cy.body["id"].as_str().unwrap(),
                ended.position()
            ),
        )
        .await;
    let statuses: Vec<&str> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["trialing", "incomplete"]);

    let graph = app
        .graphql(
            &key,
            "mutation($m: ID!, $t: ID!) { startSubscription(space: \"paid\", input: {memberId: $m, tierId: $t,
               interval: YEARLY, paymentMethod: \"tok_insufficient_funds\"}) {
                 node { status interval priceMinor latestPaymentError } position } }",
            json!({"m": ada.body["id"], "t": insiders.body["id"]}),
        )
        .await;
    let node = &graph["data"]["startSubscription"]["node"];
    assert_eq!(
        node,
        &json!({"status": "incomplete", "interval": "YEARLY", "priceMinor": 9000,
        "latestPaymentError": "insufficient_funds"}),
        "{graph}"
    );
    let position = graph["data"]["startSubscription"]["position"]
        .as_i64()
        .unwrap();
    app.get(
        &key,
        &format!("/v1/spaces/paid/tiers?min_position={position}"),
    )
    .await;
    // The subscriptions read below are another read model than the tiers.
    app.caught_up(position).await;
    let listed = app
        .graphql(
            &key,
            "query($m: ID!) { memberSubscriptions(space: \"paid\", memberId: $m, first: 10) {
               edges { node { status } } } }",
            json!({"m": ada.body["id"]}),
        )
        .await;
    assert_eq!(
        listed["data"]["memberSubscriptions"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{listed}"
    );

    let live = checksum(&app.db, Projection::Subscriptions).await.unwrap();
    rebuild(&app.db, Projection::Subscriptions, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        checksum(&app.db, Projection::Subscriptions).await.unwrap(),
        live
    );
    app.finish().await;
}
