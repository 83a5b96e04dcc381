//! An item's revision history read back (REST and GraphQL), and the rest of its lifecycle:
//! featured items listed on their own, archived items gone from the members' catalog and
//! closed to changes.

use crate::content_support::{assert_replay_matches, draft, item};
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::json;

on_both_backends!(revisions_and_lifecycle);

async fn revisions_and_lifecycle(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("notes").await;
    let id = item(
        &app,
        &key,
        "notes",
        draft("post", "First", "Draft one.", json!({"policy": "members"})),
        true,
    )
    .await;
    let path = format!("/v1/spaces/notes/content/{id}");
    let second = app.patch(&key, &path, json!({"body": "Draft two."})).await;
    assert_eq!(second.body["revision"], 2, "{second:?}");
    let unchanged = app.patch(&key, &path, json!({"body": "Draft two."})).await;
    assert_eq!(
        unchanged.body["revision"], 2,
        "an edit that changes nothing is no revision"
    );
    let third = app
        .patch(
            &key,
            &path,
            json!({"title": "Final", "access": {"policy": "public"}}),
        )
        .await;
    assert_eq!(third.body["revision"], 3);

    let history = app
        .get(
            &key,
            &format!("{path}/revisions?min_position={}", third.position()),
        )
        .await;
    let revisions = history.body["data"].as_array().unwrap();
    let summary: Vec<(i64, &str, &str, &str)> = revisions
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["title"].as_str().unwrap(),
                r["body"].as_str().unwrap(),
                r["access"]["policy"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (3, "Final", "Draft two.", "public"),
            (2, "First", "Draft two.", "members"),
            (1, "First", "Draft one.", "members")
        ]
    );
    assert!(revisions[0]["actor"].as_str().unwrap().starts_with("key:"));
    let paged = app.get(&key, &format!("{path}/revisions?limit=2")).await;
    let next = paged.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(&key, &format!("{path}/revisions?limit=2&cursor={next}"))
        .await;
    assert_eq!(rest.body["data"][0]["revision"], 1, "{rest:?}");
    assert_eq!(rest.body["next_cursor"], serde_json::Value::Null);
    let gql = app
        .graphql(&key,
            "query($id: ID!) { contentRevisions(space: \"notes\", id: $id, first: 1) { edges { node { revision body } } } }",
            json!({"id": id}))
        .await;
    assert_eq!(
        gql["data"]["contentRevisions"]["edges"][0]["node"],
        json!({"revision": 3, "body": "Draft two."}),
        "{gql}"
    );

    let (_, token) = app.sign_up("notes", "ada@example.org").await;
    app.get(&token, &format!("{path}/revisions"))
        .await
        .assert_problem(403, "forbidden");

    let other = item(
        &app,
        &key,
        "notes",
        draft("post", "Other", "x", json!({"policy": "public"})),
        true,
    )
    .await;
    let featured = app.post_empty(&key, &format!("{path}/feature")).await;
    assert_eq!(featured.body["featured"], true);
    let again = app.post_empty(&key, &format!("{path}/feature")).await;
    assert_eq!(
        again.position(),
        featured.position(),
        "featuring twice records nothing"
    );
    let list = app
        .get(
            &token,
            &format!(
                "/v1/spaces/notes/content?featured=true&min_position={}",
                featured.position()
            ),
        )
        .await;
    let ids: Vec<&str> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);

    let archived = app.post_empty(&key, &format!("{path}/archive")).await;
    assert_eq!(
        (
            archived.body["status"].clone(),
            archived.body["featured"].clone()
        ),
        (json!("archived"), json!(false))
    );
    let member_list = app
        .get(
            &token,
            &format!(
                "/v1/spaces/notes/content?min_position={}",
                archived.position()
            ),
        )
        .await;
    let ids: Vec<&str> = member_list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [other.as_str()],
        "an archived item leaves the members' catalog"
    );
    app.get(&token, &path)
        .await
        .assert_problem(404, "not_found");
    let creator_list = app
        .get(&key, "/v1/spaces/notes/content?status=archived")
        .await;
    assert_eq!(creator_list.body["data"][0]["id"], id.as_str());
    let before = app.event_count().await;
    app.patch(&key, &path, json!({"body": "Too late."}))
        .await
        .assert_problem(409, "invalid_transition");
    app.post_empty(&key, &format!("{path}/publish"))
        .await
        .assert_problem(409, "invalid_transition");
    app.post_empty(&key, &format!("{path}/archive"))
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(app.event_count().await, before);
    assert_replay_matches(&app, lyceum_projections::Projection::Content).await;
    app.finish().await;
}
