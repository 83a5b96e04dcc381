//! Nothing crosses spaces: another space's objects answer 404, roles are enforced, and a
//! request without a valid key is refused.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use reqwest::Method;
use serde_json::json;

on_both_backends!(isolation);

async fn isolation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alpha_id, alpha) = app.space("alpha").await;
    let (beta_id, beta) = app.space("beta").await;
    let member = app
        .post(
            &beta,
            "/v1/spaces/beta/members",
            json!({"email": "bo@example.org", "display_name": "Bo"}),
        )
        .await;
    let beta_member = member.body["id"].as_str().unwrap().to_owned();
    let tier = app
        .post(
            &beta,
            "/v1/spaces/beta/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let beta_tier = tier.body["id"].as_str().unwrap().to_owned();
    let alpha_member = app
        .post(
            &alpha,
            "/v1/spaces/alpha/members",
            json!({"email": "al@example.org", "display_name": "Al"}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for path in [
        "/v1/spaces/beta".to_owned(),
        format!("/v1/spaces/{beta_id}/tiers"),
        format!("/v1/spaces/beta/members/{beta_member}"),
        format!("/v1/spaces/alpha/members/{beta_member}"),
        "/v1/spaces/no-such-space/members".to_owned(),
    ] {
        app.get(&alpha, &path)
            .await
            .assert_problem(404, "not_found");
    }
    let before = app.event_count().await;
    app.post(
        &alpha,
        "/v1/spaces/beta/tiers",
        json!({"name": "Mine", "kind": "free"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &alpha,
        &format!("/v1/spaces/alpha/members/{beta_member}/join"),
        json!({"tier_id": beta_tier}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &alpha,
        &format!("/v1/spaces/alpha/members/{alpha_member}/join"),
        json!({"tier_id": beta_tier}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.delete(
        &alpha,
        &format!("/v1/spaces/beta/members/{beta_member}/personal-data"),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &alpha,
        "/v1/spaces",
        json!({"slug": "gamma", "name": "Gamma", "currency": "EUR"}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get(&alpha, "/v1/events")
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.event_count().await,
        before,
        "refused requests wrote nothing"
    );

    let auditor = app
        .post(&alpha, "/v1/spaces/alpha/keys", json!({"role": "auditor"}))
        .await
        .body["key"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &auditor,
        "/v1/spaces/alpha/tiers",
        json!({"name": "X", "kind": "free"}),
    )
    .await
    .assert_problem(403, "forbidden");
    let feed = app.get(&auditor, "/v1/events").await;
    let events = feed.body["data"].as_array().unwrap();
    assert!(!events.is_empty());
    assert!(
        events.iter().all(|e| e["space_id"] == alpha_id.as_str()),
        "{feed:?}"
    );
    app.get(&auditor, &format!("/v1/streams/member/{beta_member}"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get(&auditor, "/v1/spaces/alpha/tiers").await.status,
        200
    );

    let anonymous = app
        .call(Method::GET, None, "/v1/spaces/alpha/tiers", None)
        .await;
    anonymous.assert_problem(401, "unauthorized");
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    app.get("lyc_sk_not-a-real-key", "/v1/spaces/alpha/tiers")
        .await
        .assert_problem(401, "unauthorized");

    let graph = app
        .graphql(
            &alpha,
            "query($m: ID!) { space(slug: \"beta\") { name } member(id: $m) { email } }",
            json!({"m": beta_member}),
        )
        .await;
    assert_eq!(
        graph["data"],
        json!({"space": null, "member": null}),
        "{graph}"
    );
    let mutation = app
        .graphql(&alpha, r#"mutation { defineTier(space: "beta", input: {name: "X", kind: FREE}) { position } }"#, json!({}))
        .await;
    assert_eq!(
        mutation["errors"][0]["extensions"]["code"], "not_found",
        "{mutation}"
    );
    let anonymous = app
        .call(
            Method::POST,
            None,
            "/graphql",
            Some(json!({"query": "{ space(slug: \"alpha\") { name } }"})),
        )
        .await;
    assert_eq!(
        anonymous.body["errors"][0]["extensions"]["code"], "unauthorized",
        "{anonymous:?}"
    );
    app.finish().await;
}
