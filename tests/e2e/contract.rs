//! The contract is checked in: `openapi/openapi.json` and `openapi/schema.graphql` must equal
//! what the code generates (run with `LYCEUM_UPDATE_CONTRACT=1` to rewrite them), and every
//! operation is documented with a summary, a description, examples and its errors.

use crate::support::{Backend, TestApp};
use serde_json::{Value, json};
use std::path::Path;

fn check(file: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    if std::env::var("LYCEUM_UPDATE_CONTRACT").is_ok() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{file} differs from what the code generates; run `LYCEUM_UPDATE_CONTRACT=1 cargo test --test e2e contract` and review the diff"
    );
}

#[test]
fn openapi_is_checked_in() {
    check(
        "openapi/openapi.json",
        &lyceum_api::openapi::document_json(),
    );
}

#[test]
fn graphql_schema_is_checked_in() {
    check("openapi/schema.graphql", &lyceum_api::graphql::sdl());
}

#[test]
fn every_operation_is_documented_with_examples_and_errors() {
    let doc: Value = serde_json::from_str(&lyceum_api::openapi::document_json()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let has_example = |content: &Value| {
        let schema = &content["application/json"]["schema"];
        let reference = schema["$ref"]
            .as_str()
            .or_else(|| schema["items"]["$ref"].as_str())
            .map(|r| r.trim_start_matches("#/components/schemas/"));
        match reference {
            Some(name) => {
                let items = &schemas[name]["properties"]["data"]["items"];
                let item = items["$ref"].as_str().map_or(items, |r| {
                    &schemas[r.trim_start_matches("#/components/schemas/")]
                });
                !schemas[name]["example"].is_null() || !item["example"].is_null()
            }
            None => {
                content["application/json"]["example"].is_object()
                    || content["application/x-ndjson"]["example"].is_string()
            }
        }
    };
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name}: summary"
            );
            assert!(
                op["description"].as_str().is_some_and(|s| !s.is_empty()),
                "{name}: description"
            );
            if let Some(body) = op.get("requestBody") {
                assert!(has_example(&body["content"]), "{name}: request example");
            }
            let responses = op["responses"].as_object().unwrap();
            let success = responses
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .unwrap();
            if success.1.get("content").is_some() {
                assert!(
                    has_example(&success.1["content"]) || path.ends_with("z"),
                    "{name}: response example"
                );
            }
            if !path.ends_with("z") {
                let problems = responses
                    .iter()
                    .filter(|(status, _)| status.starts_with('4'));
                let mut count = 0;
                for (status, response) in problems {
                    count += 1;
                    let examples = &response["content"]["application/problem+json"]["examples"];
                    assert!(
                        examples.as_object().is_some_and(|e| !e.is_empty()),
                        "{name} {status}: examples"
                    );
                }
                assert!(count >= 3, "{name}: error responses");
            }
        }
    }
    assert!(operations >= 20, "{operations} operations");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_and_spec_are_served_without_a_network() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let spec = app
        .call(reqwest::Method::GET, None, "/openapi.json", None)
        .await;
    assert_eq!(spec.status, 200);
    assert_eq!(
        spec.body,
        serde_json::from_str::<Value>(&lyceum_api::openapi::document_json()).unwrap()
    );
    let page = app.call(reqwest::Method::GET, None, "/docs/", None).await;
    assert_eq!(page.status, 200, "{page:?}");
    let html = page.body.as_str().unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the docs page must load nothing from elsewhere: {html}"
    );
    let script = app
        .call(
            reqwest::Method::GET,
            None,
            "/docs/swagger-ui-bundle.js",
            None,
        )
        .await;
    assert_eq!(script.status, 200);
    let health = app.call(reqwest::Method::GET, None, "/healthz", None).await;
    assert_eq!(health.body["status"], "ok");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_that_cannot_catch_up_answer_503_with_retry_after() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let created = app
        .post(
            &app.admin,
            "/v1/spaces",
            json!({"slug": "behind", "name": "Behind", "currency": "EUR"}),
        )
        .await;
    let at = created.position();
    let path = format!("/v1/spaces/behind?min_position={at}");
    app.until(&app.admin, &path, "the space", |_| true).await;
    // The spaces read model forgets how far it got; with no new event it stays behind.
    sqlx::query("UPDATE checkpoints SET position = 0 WHERE name LIKE 'spaces/%'")
        .execute(app.db.writer())
        .await
        .unwrap();
    let reply = app.get(&app.admin, &path).await;
    reply.assert_problem(503, "not_ready");
    assert_eq!(reply.header("retry-after"), Some("1"));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_position_no_write_has_reached_is_refused_at_once() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let started = std::time::Instant::now();
    let reply = app
        .get(&app.admin, "/v1/spaces/nowhere?min_position=999999")
        .await;
    reply.assert_problem(409, "position_not_reached");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    app.finish().await;
}
