//! Contract fuzzing: schemathesis, from PyPI in a virtual environment this test makes, against
//! the real server on port 0 in each mode, with every check and every phase, a fixed seed and
//! a time budget, once per kind of credential (operator, creator, member). It must find
//! nothing. The configuration is `tests/fuzz/schemathesis.toml`; the budget per run is
//! `LYCEUM_FUZZ_SECONDS` (default 30). The same environment holds Python's `gql`, which must
//! fetch the schema by introspection and subscribe with the key on the upgrade request.

// A panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod schemathesis;
#[allow(dead_code)]
#[path = "../e2e/support.rs"]
mod support;

use serde_json::json;
use support::{Backend, TestApp};

on_both_backends!(
    the_contract_holds_under_fuzzing,
    a_standard_graphql_client_introspects_and_subscribes
);

/// The seed every run uses, so a failure can be replayed.
const SEED: u64 = 20_261_206;

async fn the_contract_holds_under_fuzzing(backend: Backend) {
    let fuzzer = schemathesis::install().await;
    let app = TestApp::spawn(backend).await;
    let slug = "fuzz";
    let (_, creator) = app.space(slug).await;
    let tier = app
        .post(
            &creator,
            &format!("/v1/spaces/{slug}/tiers"),
            json!({"name": "Community", "kind": "free"}),
        )
        .await;
    assert_eq!(tier.status, 201, "{tier:?}");
    let (_, member) = app.sign_up(slug, "fuzz@example.org").await;
    let mut failed = Vec::new();
    for (who, key) in [
        ("admin", &app.admin),
        ("creator", &creator),
        ("member", &member),
    ] {
        let run = fuzzer.run(&app.base, slug, key, SEED).await;
        if !run.passed {
            failed.push(format!("--- as {who} on {backend:?}:\n{}", run.output));
        }
    }
    app.finish().await;
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

async fn a_standard_graphql_client_introspects_and_subscribes(backend: Backend) {
    let fuzzer = schemathesis::install().await;
    let app = TestApp::spawn(backend).await;
    let (_, creator) = app.space("gql").await;
    let run = fuzzer.graphql_client(&app.base, &creator, "gql").await;
    app.finish().await;
    assert!(run.passed, "{}", run.output);
}
