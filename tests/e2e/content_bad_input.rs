//! Bad input on every content, topic, search and question route: a clear 4xx problem, never a
//! 500, and nothing written. Another space's ids are unknown here (404).

use crate::content_support::{draft, item};
use crate::on_both_backends;
use crate::support::{Backend, TestApp, reply};
use reqwest::Method;
use serde_json::json;

on_both_backends!(content_bad_input);

/// Sends a raw body, so that malformed JSON and wrong types reach the server.
async fn raw(
    app: &TestApp,
    key: &str,
    method: Method,
    path: &str,
    body: &str,
) -> crate::support::Reply {
    reply(
        app.http
            .request(method, format!("{}{path}", app.base))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body.to_owned()),
    )
    .await
}

async fn content_bad_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("strict").await;
    let (_, other_key) = app.space("other").await;
    let public = json!({"policy": "public"});
    let course = item(
        &app,
        &key,
        "strict",
        draft("course", "Course", "x", public.clone()),
        true,
    )
    .await;
    let post = item(
        &app,
        &key,
        "strict",
        draft("post", "Post", "x", public.clone()),
        true,
    )
    .await;
    let lesson = item(
        &app,
        &key,
        "strict",
        draft("lesson", "Lesson", "x", public.clone()),
        false,
    )
    .await;
    app.post(
        &key,
        &format!("/v1/spaces/strict/content/{course}/parts"),
        json!({"part_id": lesson}),
    )
    .await;
    let foreign = item(
        &app,
        &other_key,
        "other",
        draft("lesson", "Theirs", "x", public),
        false,
    )
    .await;
    let topic = app
        .post(&key, "/v1/spaces/strict/topics", json!({"name": "Focus"}))
        .await;
    let topic = topic.body["id"].as_str().unwrap().to_owned();
    let foreign_topic = app
        .post(
            &other_key,
            "/v1/spaces/other/topics",
            json!({"name": "Theirs"}),
        )
        .await;
    let foreign_topic = foreign_topic.body["id"].as_str().unwrap().to_owned();
    let (member, token) = app.sign_up("strict", "ada@example.org").await;
    let (foreign_member, _) = app.sign_up("other", "bo@example.org").await;
    let asked = app
        .post(
            &token,
            "/v1/spaces/strict/questions",
            json!({"title": "Why?", "body": "Because."}),
        )
        .await;
    let question = asked.body["id"].as_str().unwrap().to_owned();
    let unknown = "0192f0c4-0000-7000-8000-000000000000";
    let c = |id: &str, rest: &str| format!("/v1/spaces/strict/content/{id}{rest}");
    let before = app.event_count().await;

    let cases: Vec<(Method, String, Option<String>, u16, &str)> = vec![
        // Scheduling.
        (
            Method::POST,
            c(&post, "/schedule"),
            Some("{not json".to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            c(&post, "/schedule"),
            Some(r#"{"publish_at": 5}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            c(&post, "/schedule"),
            Some(r#"{"publish_at": "2099-01-01T00:00:00Z", "x": 1}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            c(&post, "/schedule"),
            Some(r#"{"publish_at": "next week"}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            c(&post, "/schedule"),
            Some(r#"{"publish_at": "2099-01-01T00:00:00Z"}"#.to_owned()),
            409,
            "invalid_transition",
        ),
        (
            Method::POST,
            c(unknown, "/schedule"),
            Some(r#"{"publish_at": "2099-01-01T00:00:00Z"}"#.to_owned()),
            404,
            "not_found",
        ),
        (
            Method::POST,
            c(&foreign, "/schedule"),
            Some(r#"{"publish_at": "2099-01-01T00:00:00Z"}"#.to_owned()),
            404,
            "not_found",
        ),
        (
            Method::POST,
            c("nope", "/schedule"),
            Some(r#"{"publish_at": "2099-01-01T00:00:00Z"}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::DELETE,
            c(&post, "/schedule"),
            None,
            409,
            "invalid_transition",
        ),
        (
            Method::DELETE,
            c("nope", "/schedule"),
            None,
            400,
            "bad_request",
        ),
        // Archive and feature.
        (Method::POST, c(unknown, "/archive"), None, 404, "not_found"),
        (
            Method::POST,
            c(&foreign, "/feature"),
            None,
            404,
            "not_found",
        ),
        (
            Method::POST,
            c("nope", "/unfeature"),
            None,
            400,
            "bad_request",
        ),
        // Revisions.
        (
            Method::GET,
            c(unknown, "/revisions"),
            None,
            404,
            "not_found",
        ),
        (
            Method::GET,
            c(&foreign, "/revisions"),
            None,
            404,
            "not_found",
        ),
        (
            Method::GET,
            c(&post, "/revisions?cursor=%%%"),
            None,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            c(&post, "/revisions?limit=0"),
            None,
            400,
            "bad_request",
        ),
        // Parts.
        (
            Method::POST,
            c(&course, "/parts"),
            Some(r#"{"part_id": "nope"}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            c(&course, "/parts"),
            Some(r#"{"part": 1}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            c(&course, "/parts"),
            Some(format!(r#"{{"part_id": "{unknown}"}}"#)),
            422,
            "validation_failed",
        ),
        (
            Method::POST,
            c(&course, "/parts"),
            Some(format!(r#"{{"part_id": "{foreign}"}}"#)),
            422,
            "validation_failed",
        ),
        (
            Method::POST,
            c(&post, "/parts"),
            Some(format!(r#"{{"part_id": "{lesson}"}}"#)),
            422,
            "validation_failed",
        ),
        (
            Method::PUT,
            c(&course, "/parts"),
            Some(format!(r#"{{"part_ids": ["{lesson}", "{lesson}"]}}"#)),
            422,
            "validation_failed",
        ),
        (
            Method::PUT,
            c(&course, "/parts"),
            Some(r#"{"part_ids": "all"}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::DELETE,
            c(&course, &format!("/parts/{unknown}")),
            None,
            404,
            "not_found",
        ),
        (
            Method::DELETE,
            c(&course, "/parts/nope"),
            None,
            400,
            "bad_request",
        ),
        (Method::GET, c(unknown, "/parts"), None, 404, "not_found"),
        // Tags.
        (
            Method::PUT,
            c(&post, "/tags"),
            Some(r#"{"tags": "a", "topic_ids": []}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::PUT,
            c(&post, "/tags"),
            Some(r#"{"tags": [" "], "topic_ids": []}"#.to_owned()),
            422,
            "validation_failed",
        ),
        (
            Method::PUT,
            c(&post, "/tags"),
            Some(format!(
                r#"{{"tags": [], "topic_ids": ["{foreign_topic}"]}}"#
            )),
            422,
            "validation_failed",
        ),
        (
            Method::PUT,
            c(&post, "/tags"),
            Some(r#"{"tags": [], "topic_ids": ["nope"]}"#.to_owned()),
            400,
            "bad_request",
        ),
        // The catalog's filters.
        (
            Method::GET,
            "/v1/spaces/strict/content?kind=video".into(),
            None,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/v1/spaces/strict/content?status=gone".into(),
            None,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/v1/spaces/strict/content?topic=nope".into(),
            None,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/v1/spaces/strict/content?featured=maybe".into(),
            None,
            400,
            "bad_request",
        ),
        // Topics.
        (
            Method::POST,
            "/v1/spaces/strict/topics".into(),
            Some(r#"{"name": "  "}"#.to_owned()),
            422,
            "validation_failed",
        ),
        (
            Method::POST,
            "/v1/spaces/strict/topics".into(),
            Some(r#"{"name": "Focus"}"#.to_owned()),
            409,
            "conflict",
        ),
        (
            Method::POST,
            "/v1/spaces/strict/topics".into(),
            Some(r#"{"name": 3}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/topics/{topic}/relations"),
            Some(format!(
                r#"{{"topic_id": "{foreign_topic}", "relation": "related_to"}}"#
            )),
            422,
            "validation_failed",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/topics/{topic}/relations"),
            Some(format!(
                r#"{{"topic_id": "{topic}", "relation": "friend_of"}}"#
            )),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/topics/{foreign_topic}/relations"),
            Some(format!(
                r#"{{"topic_id": "{topic}", "relation": "related_to"}}"#
            )),
            404,
            "not_found",
        ),
        (
            Method::POST,
            "/v1/spaces/strict/topics/nope/relations".into(),
            Some(format!(
                r#"{{"topic_id": "{topic}", "relation": "related_to"}}"#
            )),
            400,
            "bad_request",
        ),
        // Search.
        (
            Method::GET,
            "/v1/spaces/strict/search".into(),
            None,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/v1/spaces/strict/search?q=".into(),
            None,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/v1/spaces/strict/search?q=focus&cursor=%%%".into(),
            None,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/v1/spaces/strict/search?q=focus&limit=101".into(),
            None,
            400,
            "bad_request",
        ),
        // Questions, with a key.
        (
            Method::GET,
            "/v1/spaces/strict/questions/nope".into(),
            None,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            format!("/v1/spaces/strict/questions/{unknown}"),
            None,
            404,
            "not_found",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/questions/{unknown}/answers"),
            Some(r#"{"body": "Hi."}"#.to_owned()),
            404,
            "not_found",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/questions/{question}/answers"),
            Some(r#"{"body": ""}"#.to_owned()),
            422,
            "validation_failed",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/questions/{question}/answers"),
            Some(r#"{"text": "Hi."}"#.to_owned()),
            400,
            "bad_request",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/questions/{question}/answers/{unknown}/accept"),
            None,
            404,
            "not_found",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/questions/{question}/answers/nope/accept"),
            None,
            400,
            "bad_request",
        ),
        // Guests.
        (
            Method::POST,
            format!("/v1/spaces/strict/members/{foreign_member}/guest"),
            None,
            404,
            "not_found",
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/members/{unknown}/guest"),
            None,
            404,
            "not_found",
        ),
        (
            Method::DELETE,
            "/v1/spaces/strict/members/nope/guest".into(),
            None,
            400,
            "bad_request",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let answer = match &body {
            Some(body) => raw(&app, &key, method.clone(), &path, body).await,
            None => app.call(method.clone(), Some(&key), &path, None).await,
        };
        assert_eq!(
            answer.status, status,
            "{method} {path} {body:?}: {answer:?}"
        );
        answer.assert_problem(status, code);
    }

    // A member session: asking with bad input, and creator routes.
    let ask = "/v1/spaces/strict/questions";
    for (body, status, code) in [
        (
            json!({"title": " ", "body": "Why?"}),
            422,
            "validation_failed",
        ),
        (
            json!({"title": "Why?", "body": "Because.", "content_id": unknown}),
            422,
            "validation_failed",
        ),
        (
            json!({"title": "Why?", "body": "Because.", "content_id": lesson}),
            422,
            "validation_failed",
        ),
        (
            json!({"title": "Why?", "body": "Because.", "content_id": "nope"}),
            400,
            "bad_request",
        ),
        (json!({"title": "Why?"}), 400, "bad_request"),
    ] {
        app.post(&token, ask, body)
            .await
            .assert_problem(status, code);
    }
    for (method, path, body) in [
        (Method::POST, c(&post, "/feature"), None),
        (
            Method::POST,
            c(&course, "/parts"),
            Some(json!({"part_id": post})),
        ),
        (
            Method::PUT,
            c(&post, "/tags"),
            Some(json!({"tags": [], "topic_ids": []})),
        ),
        (
            Method::POST,
            "/v1/spaces/strict/topics".into(),
            Some(json!({"name": "Mine"})),
        ),
        (
            Method::POST,
            format!("/v1/spaces/strict/members/{member}/guest"),
            None,
        ),
        (Method::GET, c(&post, "/revisions"), None),
        (Method::GET, "/v1/spaces/strict/guests".into(), None),
    ] {
        app.call(method, Some(&token), &path, body)
            .await
            .assert_problem(403, "forbidden");
    }
    app.get(&token, "/v1/spaces/other/search?q=theirs")
        .await
        .assert_problem(404, "not_found");
    app.get(
        &other_key,
        &format!("/v1/spaces/other/content/{course}/parts"),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(app.event_count().await, before, "bad input wrote nothing");
    app.finish().await;
}
