//! Bad input to check-ins, points rules, points reads and leaderboards: a clear 4xx problem,
//! another space's or member's things are not found, and nothing is written.

use crate::check_ins::{check_in, monday, project};
use crate::on_both_backends;
use crate::support::{Backend, Reply, TestApp, reply};
use serde_json::json;
use std::sync::Arc;

on_both_backends!(gamification_bad_input);

async fn put(app: &TestApp, token: &str, body: serde_json::Value) -> Reply {
    let rules = "/v1/spaces/strict-games/points-rules";
    app.call(reqwest::Method::PUT, Some(token), rules, Some(body))
        .await
}

async fn gamification_bad_input(backend: Backend) {
    let app = TestApp::spawn_with_clock(backend, Arc::new(monday())).await;
    let (_, key) = app.space("strict-games").await;
    let (_, other_key) = app.space("elsewhere").await;
    let (ada, ada_token) = app.sign_up("strict-games", "ada@example.org").await;
    let (bob, _) = app.sign_up("strict-games", "bob@example.org").await;
    let (_, stranger_token) = app.sign_up("elsewhere", "cy@example.org").await;
    let open = project(&app, &key, "strict-games", json!({"title": "Open"})).await;
    let later = project(
        &app,
        &key,
        "strict-games",
        json!({"title": "Later", "starts_on": "2031-03-10", "ends_on": "2031-03-20"}),
    )
    .await;
    let foreign = project(&app, &other_key, "elsewhere", json!({"title": "Theirs"})).await;
    let before = app.event_count().await;

    let projects = "/v1/spaces/strict-games/check-in-projects";
    let raw = |path: String, token: &str, body: &'static [u8]| {
        reply(
            app.http
                .post(format!("{}{path}", app.base))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body),
        )
    };
    for body in [
        &b"{not json"[..],
        br#"{"title": "x", "min_text_chars": "10"}"#,
        br#"{"title": "x", "min_text_chars": -1}"#,
        br#"{"title": "x", "points": 3}"#,
        br#"{"title": "x", "starts_on": "2031-13-01"}"#,
        br#"{"title": "x", "ends_on": "tomorrow"}"#,
    ] {
        raw(projects.to_owned(), &key, body)
            .await
            .assert_problem(400, "bad_request");
    }
    for body in [
        json!({"title": "  "}),
        json!({"title": "x", "starts_on": "2031-03-10", "ends_on": "2031-03-09"}),
        json!({"title": "x", "utc_offset_minutes": 900}),
        json!({"title": "x", "min_text_chars": 2001}),
    ] {
        app.post(&key, projects, body)
            .await
            .assert_problem(422, "validation_failed");
    }
    app.post(&ada_token, projects, json!({"title": "Mine"}))
        .await
        .assert_problem(403, "forbidden");

    let check_ins = |project: &str| format!("{projects}/{project}/check-ins");
    check_in(&app, &key, "strict-games", &open)
        .await
        .assert_problem(403, "forbidden");
    for body in [
        &br#"{"text": 5}"#[..],
        br#"{}"#,
        br#"{"text": "fine text", "day": "2031-03-01"}"#,
    ] {
        raw(check_ins(&open), &ada_token, body)
            .await
            .assert_problem(400, "bad_request");
    }
    raw(
        check_ins("not-a-uuid"),
        &ada_token,
        br#"{"text": "fine text"}"#,
    )
    .await
    .assert_problem(400, "bad_request");
    for project in [foreign.as_str(), "00000000-0000-0000-0000-000000000000"] {
        check_in(&app, &ada_token, "strict-games", project)
            .await
            .assert_problem(404, "not_found");
    }
    check_in(&app, &stranger_token, "strict-games", &open)
        .await
        .assert_problem(404, "not_found");
    let not_yet = check_in(&app, &ada_token, "strict-games", &later).await;
    not_yet.assert_problem(409, "invalid_transition");
    assert!(
        not_yet.body["detail"]
            .as_str()
            .unwrap()
            .contains("2031-03-10"),
        "{not_yet:?}"
    );
    app.post(
        &ada_token,
        &check_ins(&open),
        json!({"text": "x".repeat(5001)}),
    )
    .await
    .assert_problem(422, "validation_failed");

    for body in [
        json!({"checked_in": {"points": -1}}),
        json!({"checked_in": {"points": "10"}}),
        json!({"sleeping": {"points": 10}}),
        json!({"checked_in": {"points": 10, "bonus": 1}}),
        json!({"checked_in": 10}),
    ] {
        put(&app, &key, body)
            .await
            .assert_problem(400, "bad_request");
    }
    for body in [
        json!({"checked_in": {"points": 10, "daily_cap": 5}}),
        json!({"checked_in": {"points": 10001}}),
        json!({"item_liked": {"points": 0, "daily_cap": 0}}),
    ] {
        put(&app, &key, body)
            .await
            .assert_problem(422, "validation_failed");
    }
    put(&app, &ada_token, json!({}))
        .await
        .assert_problem(403, "forbidden");
    put(&app, &other_key, json!({}))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.event_count().await,
        before,
        "refused requests wrote nothing"
    );

    // Reads: a member sees only their own points; another space's member is not found.
    let member = |id: &str, what: &str| format!("/v1/spaces/strict-games/members/{id}/{what}");
    for what in ["points", "points/ledger", "badges"] {
        assert_eq!(app.get(&ada_token, &member(&ada, what)).await.status, 200);
        app.get(&ada_token, &member(&bob, what))
            .await
            .assert_problem(404, "not_found");
        app.get(
            &other_key,
            &format!("/v1/spaces/elsewhere/members/{ada}/{what}"),
        )
        .await
        .assert_problem(404, "not_found");
        app.get(&key, &member("nope", what))
            .await
            .assert_problem(400, "bad_request");
    }
    app.get(
        &key,
        &format!("{}?cursor=bm9wZQ", member(&ada, "points/ledger")),
    )
    .await
    .assert_problem(400, "bad_request");
    for query in [
        "period=monthly",
        "period=week&week=soon",
        "cursor=bm9wZQ",
        "limit=0",
    ] {
        app.get(
            &key,
            &format!("/v1/spaces/strict-games/leaderboard?{query}"),
        )
        .await
        .assert_problem(400, "bad_request");
    }
    app.get(
        &key,
        "/v1/spaces/strict-games/leaderboard?period=all_time&week=2031-03-03",
    )
    .await
    .assert_problem(422, "validation_failed");
    app.get(&stranger_token, "/v1/spaces/strict-games/leaderboard")
        .await
        .assert_problem(404, "not_found");
    app.get(&ada_token, &format!("{projects}/{open}/streaks"))
        .await
        .assert_problem(403, "forbidden");
    app.get(&key, &format!("{projects}/{foreign}"))
        .await
        .assert_problem(404, "not_found");
    app.get(&key, &format!("{projects}/{foreign}/not-checked-in"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.event_count().await, before, "reads wrote nothing");
    app.finish().await;
}
