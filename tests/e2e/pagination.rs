//! Cursor pagination over REST and Relay connections over GraphQL, and the GraphQL limits.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(pagination);

async fn pagination(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("pages").await;
    let mut created = Vec::new();
    let mut position = 0;
    for n in 0..5 {
        let member = app
            .post(
                &key,
                "/v1/spaces/pages/members",
                json!({"email": format!("p{n}@example.org"), "display_name": format!("P{n}")}),
            )
            .await;
        position = member.position();
        created.push(member.body["id"].as_str().unwrap().to_owned());
    }

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => {
                format!("/v1/spaces/pages/members?limit=2&cursor={c}&min_position={position}")
            }
            None => format!("/v1/spaces/pages/members?limit=2&min_position={position}"),
        };
        let page = app.get(&key, &path).await;
        assert_eq!(page.status, 200, "{page:?}");
        let data = page.body["data"].as_array().unwrap();
        assert!(data.len() <= 2);
        seen.extend(data.iter().map(|m| m["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, created, "every member once, oldest first");

    let query =
        "query($after: String) { space(slug: \"pages\") { members(first: 2, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage } } } }";
    let mut graph_seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let reply = app.graphql(&key, query, json!({"after": after})).await;
        let members = &reply["data"]["space"]["members"];
        let edges = members["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{reply}"));
        graph_seen.extend(
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_owned()),
        );
        if members["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = edges.last().unwrap()["cursor"].clone();
    }
    assert_eq!(graph_seen, created);

    let too_many = app
        .graphql(
            &key,
            "{ space(slug: \"pages\") { members(first: 101) { edges { cursor } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        too_many["errors"][0]["extensions"]["code"], "bad_request",
        "{too_many}"
    );
    let deep = app
        .graphql(
            &key,
            "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } }",
            json!({}),
        )
        .await;
    assert!(
        deep["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nested too deep"),
        "{deep}"
    );
    app.finish().await;
}
