//! Entitlements and the paywall: a member reads the published catalog through their session;
//! what their access does not cover comes locked (excerpt, no body, the tiers that would unlock
//! it) until a subscription grants it, and locks again when the subscription ends. A locked
//! body never appears in any answer.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(paywall);

const SECRET_BODY: &str = "The whole lesson, for Insiders only.";

async fn paywall(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("school").await;
    let (_, other) = app.space("elsewhere").await;
    let insiders = app
        .post(
            &key,
            "/v1/spaces/school/tiers",
            json!({"name": "Insiders", "kind": "paid", "monthly_price_minor": 900}),
        )
        .await;
    let insiders_id = insiders.body["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for (title, body, access) in [
        ("Open", "For everyone.", json!({"policy": "public"})),
        ("Members", "For members.", json!({"policy": "members"})),
        (
            "Paid",
            SECRET_BODY,
            json!({"policy": "tiers", "tier_ids": [insiders_id]}),
        ),
    ] {
        let item = app
            .post(
                &key,
                "/v1/spaces/school/content",
                json!({"kind": "lesson", "title": title, "body": body,
                "excerpt": format!("{title} excerpt"), "access": access}),
            )
            .await;
        let id = item.body["id"].as_str().unwrap().to_owned();
        app.post_empty(&key, &format!("/v1/spaces/school/content/{id}/publish"))
            .await;
        ids.push(id);
    }
    let draft = app
        .post(&key, "/v1/spaces/school/content", json!({"kind": "post", "title": "Draft", "body": "Not yet.", "access": {"policy": "public"}}))
        .await;

    let signed_up = app
        .call(reqwest::Method::POST, None, "/v1/spaces/school/auth/sign-up",
            Some(json!({"email": "ada@example.org", "display_name": "Ada", "password": "correct horse battery"})))
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    let token = signed_up.body["session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let member_id = signed_up.body["member"]["id"].as_str().unwrap().to_owned();
    let position = signed_up.position();

    let catalog = app
        .get(
            &token,
            &format!("/v1/spaces/school/content?min_position={position}"),
        )
        .await;
    assert_eq!(catalog.status, 200, "{catalog:?}");
    let items = catalog.body["data"].as_array().unwrap();
    let titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Paid", "Members", "Open"],
        "published items only, newest first"
    );
    let by_title = |title: &str| items.iter().find(|i| i["title"] == title).unwrap().clone();
    assert_eq!(by_title("Open")["body"], "For everyone.");
    assert_eq!(by_title("Members")["body"], "For members.");
    let paid = by_title("Paid");
    assert_eq!(paid["locked"], true);
    assert_eq!(paid["body"], Value::Null);
    assert_eq!(paid["excerpt"], "Paid excerpt");
    assert_eq!(paid["unlock_tier_ids"], json!([insiders_id]));
    let single = app
        .get(&token, &format!("/v1/spaces/school/content/{}", ids[2]))
        .await;
    assert_eq!(
        (single.body["locked"].clone(), single.body["body"].clone()),
        (json!(true), Value::Null)
    );
    assert!(
        !catalog.body.to_string().contains(SECRET_BODY)
            && !single.body.to_string().contains(SECRET_BODY)
    );
    app.get(
        &token,
        &format!(
            "/v1/spaces/school/content/{}",
            draft.body["id"].as_str().unwrap()
        ),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&token, "/v1/spaces/elsewhere/content")
        .await
        .assert_problem(404, "not_found");
    app.get(&token, "/v1/spaces/school/members")
        .await
        .assert_problem(403, "forbidden");

    let subscribed = app
        .post(
            &key,
            &format!("/v1/spaces/school/members/{member_id}/subscriptions"),
            json!({"tier_id": insiders_id, "interval": "monthly", "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(subscribed.body["status"], "active", "{subscribed:?}");
    let entitlements = app
        .get(
            &key,
            &format!(
                "/v1/spaces/school/members/{member_id}/entitlements?min_position={}",
                subscribed.position()
            ),
        )
        .await;
    assert_eq!(
        entitlements.body,
        json!({"member_id": member_id, "is_member": true, "tier_ids": [insiders_id],
            "purchased_content_ids": []})
    );
    let unlocked = app
        .get(&token, &format!("/v1/spaces/school/content/{}", ids[2]))
        .await;
    assert_eq!(
        (
            unlocked.body["locked"].clone(),
            unlocked.body["body"].clone()
        ),
        (json!(false), json!(SECRET_BODY))
    );

    let ended = app
        .post(
            &key,
            &format!(
                "/v1/spaces/school/subscriptions/{}/cancel",
                subscribed.body["id"].as_str().unwrap()
            ),
            json!({"at_period_end": false}),
        )
        .await;
    let relocked = app
        .get(
            &token,
            &format!(
                "/v1/spaces/school/content/{}?min_position={}",
                ids[2],
                ended.position()
            ),
        )
        .await;
    assert_eq!(relocked.body["locked"], true, "{relocked:?}");
    assert!(!relocked.body.to_string().contains(SECRET_BODY));
    app.get(
        &other,
        &format!("/v1/spaces/elsewhere/members/{member_id}/entitlements"),
    )
    .await
    .assert_problem(404, "not_found");
    app.finish().await;
}
