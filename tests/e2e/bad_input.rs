//! Bad input always gets a clear 4xx problem, never a 500, and writes nothing.

use crate::on_both_backends;
use crate::support::{Backend, TestApp, reply};
use serde_json::json;

on_both_backends!(bad_input);

async fn bad_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("strict").await;
    let tier = app
        .post(
            &key,
            "/v1/spaces/strict/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let tier_id = tier.body["id"].as_str().unwrap().to_owned();
    let member = app
        .post(
            &key,
            "/v1/spaces/strict/members",
            json!({"email": "ada@example.org", "display_name": "Ada"}),
        )
        .await;
    let member_id = member.body["id"].as_str().unwrap().to_owned();
    let before = app.event_count().await;
    let raw = |path: &str, content_type: &str, body: Vec<u8>| {
        reply(
            app.http
                .post(format!("{}{path}", app.base))
                .bearer_auth(&key)
                .header("content-type", content_type)
                .body(body),
        )
    };
    let members = "/v1/spaces/strict/members";
    raw(members, "application/json", b"{not json".to_vec())
        .await
        .assert_problem(400, "bad_request");
    raw(
        members,
        "application/json",
        br#"{"email":"a@b.org","display_name":"A","admin":true}"#.to_vec(),
    )
    .await
    .assert_problem(400, "bad_request");
    raw(
        members,
        "application/json",
        br#"{"email":5,"display_name":"A"}"#.to_vec(),
    )
    .await
    .assert_problem(400, "bad_request");
    raw(
        members,
        "text/plain",
        br#"{"email":"a@b.org","display_name":"A"}"#.to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
    let huge = json!({"kind": "post", "title": "Big", "body": "x".repeat(1_100_000), "access": {"policy": "public"}});
    raw(
        "/v1/spaces/strict/content",
        "application/json",
        huge.to_string().into_bytes(),
    )
    .await
    .assert_problem(413, "payload_too_large");

    app.get(&key, "/v1/spaces/strict/members/not-a-uuid")
        .await
        .assert_problem(400, "bad_request");
    app.post(
        &key,
        &format!("{members}/{member_id}/join"),
        json!({"tier_id": "nope"}),
    )
    .await
    .assert_problem(400, "bad_request");
    app.post(
        &key,
        &format!("{members}/{member_id}/join"),
        json!({"tier_id": uuid::Uuid::new_v4()}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        &key,
        &format!("{members}/{}/join", uuid::Uuid::new_v4()),
        json!({"tier_id": tier_id}),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&key, "/v1/spaces/strict/members?limit=1000")
        .await
        .assert_problem(400, "bad_request");
    app.get(&key, "/v1/spaces/strict/members?limit=abc")
        .await
        .assert_problem(400, "bad_request");
    app.get(&key, "/v1/spaces/strict/members?cursor=%%%")
        .await
        .assert_problem(400, "bad_request");
    app.get(&key, "/v1/spaces/strict/members?min_position=-1")
        .await
        .assert_problem(400, "bad_request");
    app.post(
        &key,
        members,
        json!({"email": "nobody", "display_name": "A"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        &key,
        "/v1/spaces/strict/tiers",
        json!({"name": "Pro", "kind": "paid"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        &key,
        "/v1/spaces/strict/content",
        json!({"kind": "post", "title": "T", "body": "b",
            "access": {"policy": "tiers", "tier_ids": [uuid::Uuid::new_v4()]}}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        &app.admin,
        "/v1/spaces",
        json!({"slug": "Bad Slug", "name": "X", "currency": "EUR"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        &app.admin,
        "/v1/spaces",
        json!({"slug": "fine", "name": "X", "currency": "euro"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        &app.admin,
        "/v1/spaces",
        json!({"slug": "strict", "name": "Again", "currency": "EUR"}),
    )
    .await
    .assert_problem(409, "slug_taken");
    app.post(
        &key,
        &format!("{members}/{member_id}/join"),
        json!({"tier_id": tier_id}),
    )
    .await;
    let before = before + 1;
    app.post(
        &key,
        &format!("{members}/{member_id}/join"),
        json!({"tier_id": tier_id}),
    )
    .await
    .assert_problem(409, "already_member");
    reply(
        app.http
            .post(format!("{}/v1/webhooks/stripe/strict", app.base))
            .header("Stripe-Signature", "t=1,v1=00")
            .body(vec![b'x'; 1_100_000]),
    )
    .await
    .assert_problem(413, "payload_too_large");
    app.get(&key, "/v1/no-such-route")
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.event_count().await,
        before,
        "no refused request wrote an event"
    );

    let paid = app
        .post(
            &key,
            "/v1/spaces/strict/tiers",
            json!({"name": "Pro", "kind": "paid", "monthly_price_minor": 900}),
        )
        .await;
    app.post(
        &key,
        &format!("{members}/{member_id}/join"),
        json!({"tier_id": paid.body["id"]}),
    )
    .await
    .assert_problem(422, "tier_requires_payment");
    let post = app
        .post(
            &key,
            "/v1/spaces/strict/content",
            json!({"kind": "post", "title": "T", "body": "b", "access": {"policy": "public"}}),
        )
        .await;
    let publish = format!(
        "/v1/spaces/strict/content/{}/publish",
        post.body["id"].as_str().unwrap()
    );
    assert_eq!(app.post_empty(&key, &publish).await.status, 200);
    app.post_empty(&key, &publish)
        .await
        .assert_problem(409, "invalid_transition");
    app.finish().await;
}
