//! Bad input to the membership-change routes (change tier, retention offers, comps) always gets
//! a clear 4xx problem and writes nothing: malformed or mistyped bodies, unknown ids, another
//! space's ids, and tiers or subscriptions that cannot take the change.

use crate::on_both_backends;
use crate::support::{Backend, TestApp, reply};
use serde_json::{Value, json};

on_both_backends!(plan_bad_input);

async fn plan_bad_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("rules").await;
    let (_, other) = app.space("rival").await;
    let basic = app.paid_tier(&key, "rules", "Basic", 1000, 0).await;
    let archived = app.paid_tier(&key, "rules", "Old", 5000, 0).await;
    app.post_empty(&key, &format!("/v1/spaces/rules/tiers/{archived}/archive"))
        .await;
    let free = app
        .post(
            &key,
            "/v1/spaces/rules/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let free = free.body["id"].as_str().unwrap().to_owned();
    let yearly = app
        .post(
            &key,
            "/v1/spaces/rules/tiers",
            json!({"name": "Yearly", "kind": "paid", "yearly_price_minor": 20000}),
        )
        .await;
    assert_eq!(yearly.status, 201, "{yearly:?}");
    let yearly = yearly.body["id"].as_str().unwrap().to_owned();
    let rival_tier = app.paid_tier(&other, "rival", "Rival", 9000, 0).await;
    app.post(
        &other,
        "/v1/spaces/rival/offers",
        json!({"code": "RIVALSTAY", "purpose": "retention",
        "discount": {"kind": "percent", "basis_points": 1000}, "duration": {"kind": "once"}}),
    )
    .await;
    app.post(
        &key,
        "/v1/spaces/rules/offers",
        json!({"code": "HELLO", "purpose": "sign_up",
        "discount": {"kind": "percent", "basis_points": 1000}, "duration": {"kind": "once"}}),
    )
    .await;
    let member = |key: &str, space: &str, email: &str| {
        let (app, key, path) = (&app, key.to_owned(), format!("/v1/spaces/{space}/members"));
        let body = json!({"email": email, "display_name": "M"});
        async move {
            app.post(&key, &path, body).await.body["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let ada = member(&key, "rules", "ada@example.org").await;
    let rival_member = member(&other, "rival", "rob@example.org").await;
    let subscribe = |key: &str, space: &str, member: &str, tier: &str| {
        let (app, key) = (&app, key.to_owned());
        let path = format!("/v1/spaces/{space}/members/{member}/subscriptions");
        let body = json!({"tier_id": tier, "interval": "monthly", "payment_method": "tok_success"});
        async move {
            app.post(&key, &path, body).await.body["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let sub = subscribe(&key, "rules", &ada, &basic).await;
    let rival_sub = subscribe(&other, "rival", &rival_member, &rival_tier).await;
    let ended = subscribe(&key, "rules", &ada, &basic).await;
    app.post(
        &key,
        &format!("/v1/spaces/rules/subscriptions/{ended}/cancel"),
        json!({"at_period_end": false}),
    )
    .await;
    let comp = app
        .post(
            &key,
            &format!("/v1/spaces/rules/members/{ada}/comps"),
            json!({"tier_id": basic, "until": "2099-01-01T00:00:00Z", "reason": "comp"}),
        )
        .await;
    assert_eq!(comp.status, 201, "{comp:?}");
    let comp = comp.body["id"].as_str().unwrap().to_owned();
    let pro = app.paid_tier(&key, "rules", "Pro", 3000, 0).await;
    let before = app.event_count().await;

    let raw = |path: String, body: &'static [u8]| {
        let request = app
            .http
            .post(format!("{}{path}", app.base))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(body);
        async move { reply(request).await }
    };
    let change = |id: &str| format!("/v1/spaces/rules/subscriptions/{id}/change-tier");
    let offers = |id: &str| format!("/v1/spaces/rules/subscriptions/{id}/offers");
    let comps = |member: &str| format!("/v1/spaces/rules/members/{member}/comps");

    // Malformed, mistyped, incomplete or over-complete bodies.
    for path in [change(&sub), offers(&sub), comps(&ada)] {
        for body in [
            &b"{not json"[..],
            br#"{"tier_id": 5, "code": 5}"#,
            br#"{"tier_id": "not-a-uuid"}"#,
            br#"{}"#,
        ] {
            raw(path.clone(), body)
                .await
                .assert_problem(400, "bad_request");
        }
        raw(path.clone(), br#"[]"#)
            .await
            .assert_problem(422, "validation_failed");
    }
    raw(
        change(&sub),
        br#"{"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b", "force": true}"#,
    )
    .await
    .assert_problem(400, "bad_request");
    raw(comps(&ada), br#"{"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b", "until": "2099-01-01T00:00:00Z", "reason": "bribe"}"#)
        .await
        .assert_problem(400, "bad_request");

    let expect = |path: String, body: Value, status: u16, code: &'static str| {
        let (app, key) = (&app, &key);
        async move {
            app.post(key, &path, body)
                .await
                .assert_problem(status, code)
        }
    };
    let unknown = "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b";
    // Change tier: unknown and foreign ids, and tiers or subscriptions that cannot change.
    expect(
        change("nope"),
        json!({"tier_id": basic}),
        400,
        "bad_request",
    )
    .await;
    expect(change(unknown), json!({"tier_id": basic}), 404, "not_found").await;
    expect(
        change(&rival_sub),
        json!({"tier_id": basic}),
        404,
        "not_found",
    )
    .await;
    expect(
        change(&sub),
        json!({"tier_id": unknown}),
        422,
        "validation_failed",
    )
    .await;
    expect(
        change(&sub),
        json!({"tier_id": rival_tier}),
        422,
        "validation_failed",
    )
    .await;
    expect(
        change(&sub),
        json!({"tier_id": basic}),
        422,
        "validation_failed",
    )
    .await;
    expect(
        change(&sub),
        json!({"tier_id": free}),
        422,
        "validation_failed",
    )
    .await;
    expect(
        change(&sub),
        json!({"tier_id": yearly}),
        422,
        "validation_failed",
    )
    .await;
    expect(
        change(&sub),
        json!({"tier_id": archived}),
        409,
        "invalid_transition",
    )
    .await;
    expect(
        change(&ended),
        json!({"tier_id": yearly}),
        422,
        "validation_failed",
    )
    .await;
    expect(
        change(&ended),
        json!({"tier_id": pro}),
        409,
        "invalid_transition",
    )
    .await;
    expect(
        change(&comp),
        json!({"tier_id": pro}),
        409,
        "invalid_transition",
    )
    .await;
    // Retention offers: unknown, foreign and sign-up codes.
    expect(offers(&sub), json!({"code": "NOSUCH"}), 404, "not_found").await;
    expect(offers(&sub), json!({"code": "x"}), 404, "not_found").await;
    expect(offers(&sub), json!({"code": "RIVALSTAY"}), 404, "not_found").await;
    expect(
        offers(&sub),
        json!({"code": "HELLO"}),
        422,
        "validation_failed",
    )
    .await;
    expect(
        offers(&rival_sub),
        json!({"code": "HELLO"}),
        404,
        "not_found",
    )
    .await;
    // Comps: times, tiers and members that do not fit.
    let comp_body =
        |tier: &str, until: &str| json!({"tier_id": tier, "until": until, "reason": "gift"});
    expect(
        comps(&ada),
        comp_body(&basic, "next week"),
        422,
        "validation_failed",
    )
    .await;
    expect(
        comps(&ada),
        comp_body(&basic, "2001-01-01T00:00:00Z"),
        422,
        "validation_failed",
    )
    .await;
    expect(
        comps(&ada),
        comp_body(unknown, "2099-01-01T00:00:00Z"),
        422,
        "validation_failed",
    )
    .await;
    expect(
        comps(&ada),
        comp_body(&rival_tier, "2099-01-01T00:00:00Z"),
        422,
        "validation_failed",
    )
    .await;
    expect(
        comps(&ada),
        comp_body(&free, "2099-01-01T00:00:00Z"),
        422,
        "validation_failed",
    )
    .await;
    expect(
        comps(&ada),
        comp_body(&archived, "2099-01-01T00:00:00Z"),
        409,
        "invalid_transition",
    )
    .await;
    expect(
        comps(&rival_member),
        comp_body(&basic, "2099-01-01T00:00:00Z"),
        404,
        "not_found",
    )
    .await;
    expect(
        comps("nope"),
        comp_body(&basic, "2099-01-01T00:00:00Z"),
        400,
        "bad_request",
    )
    .await;
    assert_eq!(app.event_count().await, before);

    // Another space's key, and an auditor key, may not change these subscriptions.
    app.post(&other, &change(&sub), json!({"tier_id": basic}))
        .await
        .assert_problem(404, "not_found");
    let auditor = app
        .post(
            &app.admin,
            "/v1/spaces/rules/keys",
            json!({"role": "auditor"}),
        )
        .await;
    let auditor = auditor.body["key"].as_str().unwrap().to_owned();
    let before = app.event_count().await;
    app.post(&auditor, &change(&sub), json!({"tier_id": pro}))
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &auditor,
        &comps(&ada),
        comp_body(&basic, "2099-01-01T00:00:00Z"),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(app.event_count().await, before);
    app.finish().await;
}
