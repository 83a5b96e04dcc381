//! A comment thread with replies, cursor pagination, edits and deletion by the author only, and
//! erasure making a comment body unreadable, live and after a rebuild.

use super::Space;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::rebuild::rebuild;
use serde_json::{Value, json};

on_both_backends!(a_thread_with_replies_edits_deletion_and_erasure);

async fn a_thread_with_replies_edits_deletion_and_erasure(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let space = Space::new(&app, "threads").await;
    let post = space
        .publish(&app, "post", json!({"policy": "members"}))
        .await;
    let (ada_id, ada) = space.member(&app, "ada").await;
    let (_, bob) = space.member(&app, "bob").await;
    let comments = space.path(&format!("/content/{post}/comments"));
    let one = |path: &str| space.path(&format!("/comments/{path}"));

    let root = app
        .post(&ada, &comments, json!({"body": "  Ada's secret thought  "}))
        .await;
    assert_eq!(root.status, 201, "{root:?}");
    assert_eq!(root.body["body"], "Ada's secret thought");
    assert_eq!(root.body["status"], "visible");
    let root_id = root.body["id"].as_str().unwrap().to_owned();
    let reply = app
        .post(
            &bob,
            &comments,
            json!({"body": "Bob agrees", "parent_id": root_id}),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(reply.body["parent_id"], root_id.as_str());
    let reply_id = reply.body["id"].as_str().unwrap().to_owned();
    let second = app
        .post(
            &ada,
            &comments,
            json!({"body": "Ada answers", "parent_id": root_id}),
        )
        .await;
    let second_id = second.body["id"].as_str().unwrap().to_owned();

    let edited = app
        .patch(
            &ada,
            &one(&root_id),
            json!({"body": "Ada's second thought"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{edited:?}");
    assert_eq!(edited.body["body"], "Ada's second thought");
    assert!(edited.body["edited_at"].is_string());
    app.patch(&bob, &one(&root_id), json!({"body": "Bob was here"}))
        .await
        .assert_problem(403, "forbidden");
    app.delete(&bob, &one(&root_id))
        .await
        .assert_problem(403, "forbidden");
    app.delete(&space.key, &one(&root_id))
        .await
        .assert_problem(403, "forbidden");
    let deleted = app.delete(&bob, &one(&reply_id)).await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    let again = app.delete(&bob, &one(&reply_id)).await;
    assert_eq!(again.status, 204, "deleting again changes nothing");
    assert_eq!(again.position(), deleted.position());
    let after_delete = app
        .patch(&bob, &one(&reply_id), json!({"body": "Back"}))
        .await;
    after_delete.assert_problem(409, "invalid_transition");
    space.settle(&app, deleted.position()).await;

    let top = app.get(&bob, &comments).await;
    assert_eq!(top.status, 200, "{top:?}");
    let top = top.body["data"].as_array().unwrap().clone();
    assert_eq!(top.len(), 1);
    assert_eq!(top[0]["body"], "Ada's second thought");
    assert_eq!(top[0]["author_name"], "Member");
    assert_eq!(top[0]["replies"], 1, "the deleted reply no longer counts");
    let replies = format!("{comments}?parent_id={root_id}&limit=1");
    let page = app.get(&bob, &replies).await;
    assert_eq!(page.body["data"][0]["id"], reply_id.as_str(), "{page:?}");
    assert_eq!(page.body["data"][0]["status"], "deleted");
    assert_eq!(page.body["data"][0]["body"], Value::Null);
    let cursor = page.body["next_cursor"].as_str().unwrap().to_owned();
    let next = app.get(&bob, &format!("{replies}&cursor={cursor}")).await;
    assert_eq!(next.body["data"][0]["id"], second_id.as_str(), "{next:?}");
    assert_eq!(next.body["next_cursor"], Value::Null);

    let feed = app
        .get(&app.admin, "/v1/events?types=CommentPosted,CommentEdited")
        .await;
    let text = feed.body.to_string();
    assert!(text.contains("CommentEdited"), "{text}");
    assert!(
        !text.contains("secret thought") && !text.contains("second thought"),
        "comment bodies are sealed in the log"
    );

    let erased = app
        .delete(
            &space.key,
            &space.path(&format!("/members/{ada_id}/personal-data")),
        )
        .await;
    assert_eq!(erased.status, 204, "{erased:?}");
    space.settle(&app, erased.position()).await;
    let unreadable = |body: &Value| {
        let top = &body["data"][0];
        top["id"] == root_id.as_str() && top["body"].is_null() && top["erased"] == true
    };
    let live = app.get(&space.key, &comments).await;
    assert!(unreadable(&live.body), "{live:?}");
    let answer = app
        .get(&space.key, &format!("{comments}?parent_id={root_id}"))
        .await;
    assert_eq!(answer.body["data"][1]["body"], Value::Null, "{answer:?}");
    assert_eq!(answer.body["data"][1]["erased"], true);
    rebuild(&app.db, Projection::Engagement, &mut |_, _| {})
        .await
        .unwrap();
    let replayed = app.get(&space.key, &comments).await;
    assert!(unreadable(&replayed.body), "{replayed:?}");
    assert_eq!(replayed.body, live.body, "a rebuild gives the same thread");

    let gql = app
        .graphql(
            &bob,
            "query($c: ID!, $p: ID) { comments(contentId: $c, parentId: $p, first: 5) { edges { node { id status body } } } }",
            json!({"c": post, "p": root_id}),
        )
        .await;
    let nodes = &gql["data"]["comments"]["edges"];
    assert_eq!(nodes.as_array().map(Vec::len), Some(2), "{gql}");
    assert_eq!(nodes[0]["node"]["status"], "deleted");
    app.finish().await;
}
