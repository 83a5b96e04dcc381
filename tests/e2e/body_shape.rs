//! A body must be a JSON object; a refused body gets a clean, bounded detail; a known path asked
//! with a method it does not serve gets 405 with `Allow`.

use crate::on_both_backends;
use crate::support::{Backend, TestApp, reply};
use reqwest::Method;
use serde_json::json;

on_both_backends!(non_objects_are_refused, details_do_not_echo_input);

async fn non_objects_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("shapes").await;
    let before = app.event_count().await;
    let send = |method: Method, path: &str, body: &'static str| {
        reply(
            app.http
                .request(method, format!("{}{path}", app.base))
                .bearer_auth(&key)
                .header("content-type", "application/json")
                .body(body),
        )
    };
    send(
        Method::PATCH,
        "/v1/spaces/shapes",
        r#"["Renamed via array","desc"]"#,
    )
    .await
    .assert_problem(422, "validation_failed");
    let members = "/v1/spaces/shapes/members";
    for body in [
        r#"["arr@example.org","Arr"]"#,
        r#""x""#,
        "5",
        "true",
        "null",
    ] {
        let refused = send(Method::POST, members, body).await;
        refused.assert_problem(422, "validation_failed");
        assert!(
            refused.body["detail"]
                .as_str()
                .unwrap()
                .contains("JSON object")
        );
    }
    assert_eq!(app.event_count().await, before, "nothing was written");

    let not_allowed = send(Method::DELETE, "/v1/spaces/shapes", "{}").await;
    not_allowed.assert_problem(405, "method_not_allowed");
    assert_eq!(not_allowed.header("allow"), Some("GET, PATCH"));
    let put = send(Method::PUT, "/v1/spaces", "{}").await;
    assert_eq!(put.header("allow"), Some("POST"), "{put:?}");
    send(Method::GET, "/v1/no/such/route", "")
        .await
        .assert_problem(404, "not_found");
    app.finish().await;
}

async fn details_do_not_echo_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("clean").await;
    let long = "x".repeat(5_000);
    let refused = app
        .post(
            &key,
            "/v1/spaces/clean/members",
            json!({"email": "a@b.org", "display_name": "A", format!("{long}\nINFO forged"): 1}),
        )
        .await;
    refused.assert_problem(400, "bad_request");
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(detail.len() < 400, "{detail}");
    assert!(
        !detail.contains('\n') && !detail.contains("forged"),
        "{detail}"
    );
    let typed = app
        .post(
            &key,
            "/v1/spaces/clean/members",
            json!({"email": "SECRET-INPUT", "display_name": 5}),
        )
        .await;
    typed.assert_problem(400, "bad_request");
    let detail = typed.body["detail"].as_str().unwrap();
    assert!(detail.contains("expected a string"), "{detail}");
    let fraction = app
        .post(
            &key,
            "/v1/spaces/clean/tiers",
            json!({"name": "Paid", "kind": "paid", "monthly_price_minor": 500, "trial_days": 5.5}),
        )
        .await;
    fraction.assert_problem(400, "bad_request");
    let detail = fraction.body["detail"].as_str().unwrap();
    assert!(detail.contains("expected an integer"), "{detail}");
    // JSON Schema counts 5.0 as an integer, and so does the API.
    let whole = app
        .post(
            &key,
            "/v1/spaces/clean/tiers",
            json!({"name": "Paid", "kind": "paid", "monthly_price_minor": 5e2, "trial_days": 5.0}),
        )
        .await;
    assert_eq!(whole.status, 201, "{whole:?}");
    assert_eq!(whole.body["monthly_price_minor"], 500);
    assert_eq!(whole.body["trial_days"], 5);
    app.finish().await;
}
