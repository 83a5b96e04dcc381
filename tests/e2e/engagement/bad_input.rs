//! Bad input on every engagement and moderation route gets a clear 4xx problem and writes
//! nothing: malformed or unknown fields, ids that are not UUIDs, unknown ids, another space's
//! ids, locked or unpublished items, and the wrong kind of caller.

use super::Space;
use crate::on_both_backends;
use crate::support::{Backend, TestApp, reply};
use reqwest::Method;
use serde_json::json;

on_both_backends!(bad_input_is_refused_and_writes_nothing);

async fn bad_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let space = Space::new(&app, "strict").await;
    let other = Space::new(&app, "elsewhere").await;
    let members = json!({"policy": "members"});
    let post = space.publish(&app, "post", members.clone()).await;
    let article = space.publish(&app, "article", members.clone()).await;
    let sold = space
        .publish(
            &app,
            "post",
            json!({"policy": "purchase", "price_minor": 500}),
        )
        .await;
    let draft = app
        .post(
            &space.key,
            &space.path("/content"),
            json!({"kind": "post", "title": "Draft", "body": "b", "access": {"policy": "members"}}),
        )
        .await;
    let draft = draft.body["id"].as_str().unwrap().to_owned();
    let foreign_post = other.publish(&app, "post", members).await;
    let (ada_id, ada) = space.member(&app, "ada").await;
    let (bob_id, bob) = other.member(&app, "bob").await;
    let comment = app
        .post(
            &ada,
            &space.path(&format!("/content/{post}/comments")),
            json!({"body": "Hello"}),
        )
        .await;
    let comment = comment.body["id"].as_str().unwrap().to_owned();
    let foreign_comment = app
        .post(
            &bob,
            &other.path(&format!("/content/{foreign_post}/comments")),
            json!({"body": "Hi"}),
        )
        .await;
    let foreign_comment = foreign_comment.body["id"].as_str().unwrap().to_owned();
    let report = app
        .post(
            &ada,
            &space.path("/reports"),
            json!({"content_id": post, "reason": "spam"}),
        )
        .await;
    let report = report.body["id"].as_str().unwrap().to_owned();
    let unknown = uuid::Uuid::new_v4().to_string();
    let on = |item: &str, rest: &str| space.path(&format!("/content/{item}{rest}"));
    let before = app.event_count().await;

    // Views, likes and shares.
    for item in [&unknown, &draft, &foreign_post] {
        app.post_empty(&ada, &on(item, "/views"))
            .await
            .assert_problem(404, "not_found");
    }
    app.post_empty(&ada, &on("nope", "/views"))
        .await
        .assert_problem(400, "bad_request");
    app.post_empty(&ada, &on(&sold, "/views"))
        .await
        .assert_problem(403, "forbidden");
    app.post_empty(&space.key, &on(&post, "/views"))
        .await
        .assert_problem(403, "forbidden");
    app.post_empty(&bob, &on(&post, "/views"))
        .await
        .assert_problem(404, "not_found");
    app.call(Method::PUT, Some(&ada), &on(&unknown, "/like"), None)
        .await
        .assert_problem(404, "not_found");
    app.delete(&ada, &on("nope", "/like"))
        .await
        .assert_problem(400, "bad_request");
    let shares = on(&post, "/shares");
    let raw = |path: &str, body: &'static str| {
        reply(
            app.http
                .post(format!("{}{path}", app.base))
                .bearer_auth(&ada)
                .header("content-type", "application/json")
                .body(body),
        )
    };
    raw(&shares, "{not json")
        .await
        .assert_problem(400, "bad_request");
    for body in [
        r#"{"channel":5}"#,
        r#"{"channel":"pigeon"}"#,
        r#"{"channel":"link","x":1}"#,
    ] {
        raw(&shares, body).await.assert_problem(400, "bad_request");
    }
    app.get(&ada, &on("nope", "/engagement"))
        .await
        .assert_problem(400, "bad_request");
    for item in [&unknown, &foreign_post] {
        app.get(&space.key, &on(item, "/engagement"))
            .await
            .assert_problem(404, "not_found");
    }

    // Comments.
    let comments = on(&post, "/comments");
    for body in [json!({"body": "   "}), json!({"body": "x".repeat(5001)})] {
        app.post(&ada, &comments, body)
            .await
            .assert_problem(422, "validation_failed");
    }
    app.post(&ada, &comments, json!({"body": "Hi", "parent_id": unknown}))
        .await
        .assert_problem(404, "not_found");
    app.post(
        &ada,
        &comments,
        json!({"body": "Hi", "parent_id": foreign_comment}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &ada,
        &on(&article, "/comments"),
        json!({"body": "Hi", "parent_id": comment}),
    )
    .await
    .assert_problem(422, "validation_failed");
    for body in [
        json!({"body": "Hi", "parent_id": "nope"}),
        json!({"body": "Hi", "mood": 1}),
        json!({"body": 7}),
    ] {
        app.post(&ada, &comments, body)
            .await
            .assert_problem(400, "bad_request");
    }
    app.post(&ada, &on(&sold, "/comments"), json!({"body": "Hi"}))
        .await
        .assert_problem(403, "forbidden");
    for query in ["limit=1000", "cursor=%%%", "parent_id=nope"] {
        app.get(&ada, &format!("{comments}?{query}"))
            .await
            .assert_problem(400, "bad_request");
    }
    app.get(&ada, &on(&sold, "/comments"))
        .await
        .assert_problem(403, "forbidden");
    let one = |id: &str| space.path(&format!("/comments/{id}"));
    for id in [&unknown, &foreign_comment] {
        app.patch(&ada, &one(id), json!({"body": "x"}))
            .await
            .assert_problem(404, "not_found");
        app.delete(&ada, &one(id))
            .await
            .assert_problem(404, "not_found");
        app.post(&space.key, &format!("{}/hide", one(id)), json!({}))
            .await
            .assert_problem(404, "not_found");
    }
    app.patch(&ada, &one("nope"), json!({"body": "x"}))
        .await
        .assert_problem(400, "bad_request");
    app.patch(&ada, &one(&comment), json!({"body": ""}))
        .await
        .assert_problem(422, "validation_failed");
    app.post(&ada, &format!("{}/remove", one(&comment)), json!({}))
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &space.key,
        &format!("{}/hide", one(&comment)),
        json!({"reason": "x".repeat(501)}),
    )
    .await
    .assert_problem(422, "validation_failed");

    // Mutes and bans.
    let member = |id: &str, rest: &str| space.path(&format!("/members/{id}{rest}"));
    app.post(&space.key, &member(&ada_id, "/mute"), json!({"minutes": 0}))
        .await
        .assert_problem(422, "validation_failed");
    app.post(
        &space.key,
        &member(&ada_id, "/mute"),
        json!({"minutes": "x"}),
    )
    .await
    .assert_problem(400, "bad_request");
    app.post(&ada, &member(&ada_id, "/mute"), json!({"minutes": 5}))
        .await
        .assert_problem(403, "forbidden");
    for id in [&unknown, &bob_id] {
        app.post(&space.key, &member(id, "/mute"), json!({"minutes": 5}))
            .await
            .assert_problem(404, "not_found");
        app.delete(&space.key, &member(id, "/mute"))
            .await
            .assert_problem(404, "not_found");
        app.post(&space.key, &member(id, "/ban"), json!({}))
            .await
            .assert_problem(404, "not_found");
    }
    app.post(&space.key, &member(&ada_id, "/ban"), json!({"reason": 3}))
        .await
        .assert_problem(400, "bad_request");

    // Reports.
    let reports = space.path("/reports");
    app.post(
        &space.key,
        &reports,
        json!({"content_id": post, "reason": "spam"}),
    )
    .await
    .assert_problem(403, "forbidden");
    for (body, status, code) in [
        (
            json!({"content_id": unknown, "reason": "spam"}),
            404,
            "not_found",
        ),
        (
            json!({"content_id": foreign_post, "reason": "spam"}),
            404,
            "not_found",
        ),
        (
            json!({"content_id": article, "comment_id": comment, "reason": "spam"}),
            422,
            "validation_failed",
        ),
        (
            json!({"content_id": post, "comment_id": foreign_comment, "reason": "spam"}),
            404,
            "not_found",
        ),
        (
            json!({"content_id": post, "reason": "boring"}),
            400,
            "bad_request",
        ),
        (
            json!({"content_id": post, "reason": "spam", "details": "x".repeat(1001)}),
            422,
            "validation_failed",
        ),
    ] {
        app.post(&ada, &reports, body)
            .await
            .assert_problem(status, code);
    }
    app.get(&space.key, &format!("{reports}?status=bogus"))
        .await
        .assert_problem(400, "bad_request");
    app.get(&ada, &reports)
        .await
        .assert_problem(403, "forbidden");
    let resolve = |id: &str| space.path(&format!("/reports/{id}/resolve"));
    app.post(
        &space.key,
        &resolve(&unknown),
        json!({"outcome": "dismissed"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(&space.key, &resolve(&report), json!({"outcome": "ignored"}))
        .await
        .assert_problem(400, "bad_request");
    app.post(
        &space.key,
        &resolve(&report),
        json!({"outcome": "dismissed", "note": "x".repeat(501)}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        &other.key,
        &space.path(&format!("/reports/{report}/resolve")),
        json!({"outcome": "dismissed"}),
    )
    .await
    .assert_problem(404, "not_found");

    // Progress, activity and features.
    app.post_empty(&ada, &on(&unknown, &format!("/lessons/{post}/complete")))
        .await
        .assert_problem(404, "not_found");
    app.post_empty(&ada, &on("nope", &format!("/lessons/{post}/complete")))
        .await
        .assert_problem(400, "bad_request");
    let progress = on(&post, "/progress");
    // A key must name the member; a member session need not, so no schema says it: 422.
    app.get(&space.key, &progress)
        .await
        .assert_problem(422, "validation_failed");
    app.get(&space.key, &format!("{progress}?member_id=nope"))
        .await
        .assert_problem(400, "bad_request");
    app.get(&space.key, &format!("{progress}?member_id={ada_id}"))
        .await
        .assert_problem(404, "not_found");
    app.get(&ada, &member(&unknown, "/activity"))
        .await
        .assert_problem(404, "not_found");
    app.get(&space.key, &member(&bob_id, "/activity"))
        .await
        .assert_problem(404, "not_found");
    app.get(
        &space.key,
        &format!("{}?cursor=abc", member(&ada_id, "/activity")),
    )
    .await
    .assert_problem(400, "bad_request");
    app.get(&space.key, &member(&unknown, "/features"))
        .await
        .assert_problem(404, "not_found");
    let interactions = space.path("/interactions");
    app.get(&ada, &interactions)
        .await
        .assert_problem(403, "forbidden");
    for query in ["cursor=abc", "member_id=nope", "limit=0"] {
        app.get(&space.key, &format!("{interactions}?{query}"))
            .await
            .assert_problem(400, "bad_request");
    }

    assert_eq!(app.event_count().await, before, "bad input wrote events");
    app.finish().await;
}
