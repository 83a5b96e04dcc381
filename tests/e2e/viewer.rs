//! GraphQL mutations for a signed-in member (`lyc_ms_…`): checkout (a subscription or an item),
//! cancel, resume, change tier and redeem a retention offer, on the member's own subscriptions
//! only. Another member's subscription answers NOT_FOUND exactly like an unknown id and writes
//! nothing; a creator key still acts on any subscription of its space.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(viewer);

const CHECKOUT: &str = "mutation($input: CheckoutInput!) { checkout(input: $input) {
    node { subscription { id status tierId memberId } order { id status memberId } } position } }";
const CANCEL: &str = "mutation($id: ID!) { cancelSubscription(id: $id) {
    node { id cancelAtPeriodEnd } position } }";
const RESUME: &str = "mutation($id: ID!) { resumeSubscription(id: $id) {
    node { id cancelAtPeriodEnd } position } }";
const CHANGE: &str =
    "mutation($id: ID!, $tier: ID!) { changeTier(subscriptionId: $id, tierId: $tier) {
    node { direction proration { creditMinor chargedMinor currency }
           subscription { tierId priceMinor pendingDowngrade { tierId } } } position } }";
const REDEEM: &str =
    "mutation($id: ID!, $code: String!) { redeemOffer(subscriptionId: $id, code: $code) {
    node { id status } position } }";

fn code(reply: &Value) -> &str {
    reply["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error in {reply}"))
}

async fn viewer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("club").await;
    let (_, other_key) = app.space("other").await;
    let basic = app.paid_tier(&key, "club", "Basic", 1000, 0).await;
    let pro = app.paid_tier(&key, "club", "Pro", 3000, 0).await;
    let offer = app
        .post(
            &key,
            "/v1/spaces/club/offers",
            json!({"code": "STAY20", "purpose": "retention",
            "discount": {"kind": "percent", "basis_points": 2000}, "duration": {"kind": "once"}}),
        )
        .await;
    assert_eq!(offer.status, 201, "{offer:?}");
    let item = app
        .post(
            &key,
            "/v1/spaces/club/content",
            json!({"kind": "course", "title": "Class",
            "body": "The class.", "access": {"policy": "purchase", "price_minor": 1500}}),
        )
        .await;
    let item = item.body["id"].as_str().unwrap().to_owned();
    app.post_empty(&key, &format!("/v1/spaces/club/content/{item}/publish"))
        .await;
    let (ada, ada_token) = app.sign_up("club", "ada@example.org").await;
    let (bea, bea_token) = app.sign_up("club", "bea@example.org").await;

    // Checkout for the signed-in member: a subscription, then an item.
    let checkout = |token: &str, input: Value| {
        let (app, token) = (&app, token.to_owned());
        async move { app.graphql(&token, CHECKOUT, json!({"input": input})).await }
    };
    let subscribed = checkout(
        &ada_token,
        json!({"tierId": basic, "interval": "MONTHLY", "paymentMethod": "tok_success"}),
    )
    .await;
    let node = &subscribed["data"]["checkout"]["node"];
    assert_eq!(node["subscription"]["status"], "active", "{subscribed}");
    assert_eq!(node["subscription"]["memberId"], json!(ada));
    assert!(node["order"].is_null());
    let ada_sub = node["subscription"]["id"].as_str().unwrap().to_owned();
    let bought = checkout(
        &ada_token,
        json!({"contentId": item, "paymentMethod": "tok_success"}),
    )
    .await;
    let order = &bought["data"]["checkout"]["node"]["order"];
    assert_eq!(
        (&order["status"], &order["memberId"]),
        (&json!("paid"), &json!(ada)),
        "{bought}"
    );

    // A member checks out only for itself; a key must name the member.
    let before = app.event_count().await;
    let for_bea = json!({"memberId": bea, "tierId": basic, "interval": "MONTHLY", "paymentMethod": "tok_success"});
    assert_eq!(
        code(&checkout(&ada_token, for_bea.clone()).await),
        "not_found"
    );
    let nameless = json!({"tierId": basic, "interval": "MONTHLY", "paymentMethod": "tok_success"});
    assert_eq!(code(&checkout(&key, nameless).await), "validation_failed");
    let both = json!({"tierId": basic, "contentId": item, "interval": "MONTHLY", "paymentMethod": "tok_success"});
    assert_eq!(code(&checkout(&ada_token, both).await), "bad_request");
    assert_eq!(app.event_count().await, before);
    let by_key = app
        .graphql(
            &key,
            &CHECKOUT.replace("checkout(input", "checkout(space: \"club\", input"),
            json!({"input": for_bea}),
        )
        .await;
    let bea_sub = by_key["data"]["checkout"]["node"]["subscription"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{by_key}"))
        .to_owned();

    // Ada cancels, resumes, upgrades and redeems an offer on her own subscription.
    let sub = json!({"id": ada_sub});
    let canceled = app.graphql(&ada_token, CANCEL, sub.clone()).await;
    assert_eq!(
        canceled["data"]["cancelSubscription"]["node"]["cancelAtPeriodEnd"], true,
        "{canceled}"
    );
    let resumed = app.graphql(&ada_token, RESUME, sub.clone()).await;
    assert_eq!(
        resumed["data"]["resumeSubscription"]["node"]["cancelAtPeriodEnd"], false,
        "{resumed}"
    );
    let changed = app
        .graphql(&ada_token, CHANGE, json!({"id": ada_sub, "tier": pro}))
        .await;
    let change = &changed["data"]["changeTier"]["node"];
    assert_eq!(change["direction"], "UPGRADE", "{changed}");
    assert_eq!(change["subscription"]["tierId"], json!(pro));
    assert_eq!(change["subscription"]["priceMinor"], 3000);
    let charged = change["proration"]["chargedMinor"].as_i64().unwrap();
    let credit = change["proration"]["creditMinor"].as_i64().unwrap();
    assert!((1..=2000).contains(&charged), "{changed}");
    assert!(
        (credit * 2 - charged).abs() <= 2,
        "credit 1000·f, charge 2000·f: {changed}"
    );
    let redeemed = app
        .graphql(&ada_token, REDEEM, json!({"id": ada_sub, "code": "stay20"}))
        .await;
    assert_eq!(
        redeemed["data"]["redeemOffer"]["node"]["status"], "active",
        "{redeemed}"
    );

    // Bea's subscription is not Ada's to touch: NOT_FOUND, like an unknown id, and no write.
    let (_, stranger) = app.sign_up("other", "ada@example.org").await;
    let before = app.event_count().await;
    let unknown = "0192f0c4-9b70-7288-9364-1a2b3c4d5e6f";
    for id in [bea_sub.as_str(), unknown] {
        for (query, vars) in [
            (CANCEL, json!({"id": id})),
            (RESUME, json!({"id": id})),
            (CHANGE, json!({"id": id, "tier": pro})),
            (REDEEM, json!({"id": id, "code": "STAY20"})),
        ] {
            let reply = app.graphql(&ada_token, query, vars).await;
            assert_eq!(code(&reply), "not_found", "{reply}");
            assert_eq!(reply["errors"][0]["message"], "subscription not found");
        }
    }
    // A session of another space's member sees nothing of this one.
    let elsewhere = app
        .graphql(
            &stranger,
            "mutation($id: ID!) { cancelSubscription(space: \"club\", id: $id) { position } }",
            json!({"id": ada_sub}),
        )
        .await;
    assert_eq!(code(&elsewhere), "not_found");
    let foreign = app.graphql(&stranger, CANCEL, json!({"id": ada_sub})).await;
    assert_eq!(code(&foreign), "not_found");
    let wrong_key = app
        .graphql(&other_key, CANCEL, json!({"id": bea_sub}))
        .await;
    assert_eq!(code(&wrong_key), "not_found");
    assert_eq!(app.event_count().await, before);

    // Bea manages her own; the creator key still works on anyone's, with or without `space`.
    let own = app
        .graphql(&bea_token, CANCEL, json!({"id": bea_sub}))
        .await;
    assert_eq!(
        own["data"]["cancelSubscription"]["node"]["cancelAtPeriodEnd"], true,
        "{own}"
    );
    let by_creator = app.graphql(&key, RESUME, json!({"id": bea_sub})).await;
    assert_eq!(
        by_creator["data"]["resumeSubscription"]["node"]["cancelAtPeriodEnd"], false,
        "{by_creator}"
    );
    let downgraded = app
        .graphql(
            &key,
            &CHANGE.replace("changeTier(", "changeTier(space: \"club\", "),
            json!({"id": ada_sub, "tier": basic}),
        )
        .await;
    let change = &downgraded["data"]["changeTier"]["node"];
    assert_eq!(change["direction"], "DOWNGRADE", "{downgraded}");
    assert!(change["proration"].is_null());
    assert_eq!(
        change["subscription"]["pendingDowngrade"]["tierId"],
        json!(basic)
    );
    // An admin key has no space of its own, so it must name one.
    let admin = app
        .graphql(&app.admin, CANCEL, json!({"id": bea_sub}))
        .await;
    assert_eq!(code(&admin), "bad_request");
    app.finish().await;
}
