//! The README walkthrough: a space, a free tier, a member who joins it, and a published post,
//! read back over REST and GraphQL; then the auditor's view of what happened.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::json;
use std::time::Duration;

on_both_backends!(walkthrough);

async fn walkthrough(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (space_id, creator) = app.space("deep-work").await;

    let tier = app
        .post(
            &creator,
            "/v1/spaces/deep-work/tiers",
            json!({"name": "Community", "kind": "free"}),
        )
        .await;
    assert_eq!(tier.status, 201, "{tier:?}");
    let tier_id = tier.body["id"].as_str().unwrap().to_owned();

    let member = app
        .post(
            &creator,
            &format!("/v1/spaces/{space_id}/members"),
            json!({"email": " Ada@Example.ORG ", "display_name": "Ada"}),
        )
        .await;
    assert_eq!(member.status, 201, "{member:?}");
    assert_eq!(member.body["email"], "ada@example.org");
    let member_id = member.body["id"].as_str().unwrap().to_owned();

    let joined = app
        .post(
            &creator,
            &format!("/v1/spaces/deep-work/members/{member_id}/join"),
            json!({"tier_id": tier_id}),
        )
        .await;
    assert_eq!(joined.status, 201, "{joined:?}");

    let post = app
        .post(
            &creator,
            "/v1/spaces/deep-work/content",
            json!({"kind": "post", "title": "Welcome", "body": "Hello, members.", "excerpt": "Hello",
                   "access": {"policy": "tiers", "tier_ids": [tier_id]}}),
        )
        .await;
    assert_eq!(post.status, 201, "{post:?}");
    assert_eq!(post.body["status"], "draft");
    let post_id = post.body["id"].as_str().unwrap().to_owned();

    let published = app
        .post_empty(
            &creator,
            &format!("/v1/spaces/deep-work/content/{post_id}/publish"),
        )
        .await;
    assert_eq!(published.status, 200, "{published:?}");
    assert_eq!(published.body["status"], "published");
    let position = published.position();
    assert!(position > post.position());

    let read = app
        .get(
            &creator,
            &format!("/v1/spaces/deep-work/content/{post_id}?min_position={position}"),
        )
        .await;
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(read.body["title"], "Welcome");
    assert_eq!(read.body["status"], "published");
    assert_eq!(
        read.body["access"],
        json!({"policy": "tiers", "tier_ids": [tier_id]})
    );
    assert_eq!(read.body["published_at"], published.body["published_at"]);

    let listed = app
        .get(
            &creator,
            &format!("/v1/spaces/deep-work/content?status=published&min_position={position}"),
        )
        .await;
    assert_eq!(
        listed.body["data"].as_array().map(Vec::len),
        Some(1),
        "{listed:?}"
    );
    let members = app
        .get(
            &creator,
            &format!("/v1/spaces/deep-work/members?min_position={position}"),
        )
        .await;
    assert_eq!(members.body["data"][0]["email"], "ada@example.org");
    assert_eq!(members.body["data"][0]["tier_ids"], json!([tier_id]));
    // The query below reads the tiers too.
    app.caught_up(position).await;

    let graph = app
        .graphql(
            &creator,
            "query($slug: String!, $id: ID!) {
               space(slug: $slug) {
                 name
                 tiers { name kind }
                 members(first: 10) { edges { node { email tierIds } } }
                 content(first: 10, status: PUBLISHED) {
                   edges { node { title status body access { policy tierIds } } }
                   pageInfo { hasNextPage }
                 }
               }
               contentItem(id: $id) { title status }
             }",
            json!({"slug": "deep-work", "id": post_id}),
        )
        .await;
    assert_eq!(graph["errors"], serde_json::Value::Null, "{graph}");
    let space = &graph["data"]["space"];
    assert_eq!(space["name"], "Space deep-work");
    assert_eq!(
        space["tiers"],
        json!([{"name": "Community", "kind": "FREE"}])
    );
    assert_eq!(
        space["members"]["edges"][0]["node"]["tierIds"],
        json!([tier_id])
    );
    let node = &space["content"]["edges"][0]["node"];
    assert_eq!(node["title"], "Welcome");
    assert_eq!(
        node["access"],
        json!({"policy": "TIERS", "tierIds": [tier_id]})
    );
    assert_eq!(space["content"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(graph["data"]["contentItem"]["status"], "PUBLISHED");

    // A GraphQL mutation goes through the same commands.
    let created = app
        .graphql(
            &creator,
            r#"mutation { createContent(space: "deep-work",
                 input: {kind: ARTICLE, title: "Via GraphQL", body: "b", access: {policy: PUBLIC}})
               { node { id status } position } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        created["data"]["createContent"]["node"]["status"], "DRAFT",
        "{created}"
    );
    assert!(
        created["data"]["createContent"]["position"]
            .as_i64()
            .unwrap()
            > position
    );

    // The auditor sees the whole story in order, with who did what.
    let auditor = app
        .post(
            &creator,
            "/v1/spaces/deep-work/keys",
            json!({"role": "auditor"}),
        )
        .await;
    assert!(auditor.body["key"].as_str().unwrap().starts_with("lyc_ak_"));
    let auditor = auditor.body["key"].as_str().unwrap().to_owned();
    let feed = app.get(&auditor, "/v1/events?limit=100").await;
    assert_eq!(feed.status, 200, "{feed:?}");
    let events = feed.body["data"].as_array().unwrap();
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "SpaceCreated",
            "ApiKeyIssued",
            "TierDefined",
            "MemberAdded",
            "MemberJoinedTier",
            "ContentDrafted",
            "ContentPublished",
            "ContentDrafted",
            "ApiKeyIssued"
        ]
    );
    let positions: Vec<i64> = events
        .iter()
        .map(|e| e["position"].as_i64().unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    for event in events {
        assert_eq!(event["space_id"], space_id.as_str());
        assert!(event["actor"].as_str().unwrap().starts_with("key:"));
        assert!(!event["request_id"].as_str().unwrap().is_empty());
    }
    let typed = app
        .get(&auditor, "/v1/events?types=ContentPublished,TierDefined")
        .await;
    assert_eq!(
        typed.body["data"].as_array().map(Vec::len),
        Some(2),
        "{typed:?}"
    );
    let page = app
        .get(
            &auditor,
            &format!("/v1/events?after={}&limit=2", positions[1]),
        )
        .await;
    assert_eq!(page.body["data"][0]["position"], positions[2]);
    assert_eq!(page.body["next_cursor"], positions[3].to_string());

    let stream = app
        .get(&auditor, &format!("/v1/streams/content/{post_id}"))
        .await;
    let versions: Vec<i64> = stream
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2]);

    // Every worker is up, and none had to be restarted.
    let ready = app
        .until_readiness(Duration::from_secs(15), "ready", |status, _| status == 200)
        .await;
    assert_eq!(ready["restarts"], 0, "{ready}");
    assert!(app.is_running());
    app.finish().await;
}
