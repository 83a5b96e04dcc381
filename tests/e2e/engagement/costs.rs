//! What a comment costs: the reads behind posting one are few and do not depend on the read
//! models having caught up, and the answer is built from the command itself, equal to what the
//! thread shows once the read models have it.

use super::Space;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::json;

on_both_backends!(a_comment_takes_at_most_four_reads);

async fn a_comment_takes_at_most_four_reads(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let space = Space::new(&app, "costs").await;
    let post = space
        .publish(&app, "post", json!({"policy": "members"}))
        .await;
    let (ada_id, ada) = space.member(&app, "ada").await;
    let comments = space.path(&format!("/content/{post}/comments"));

    let before = app.api_db.reads();
    let posted = app
        .post(&ada, &comments, json!({"body": "Short and cheap"}))
        .await;
    let reads = app.api_db.reads() - before;
    assert_eq!(posted.status, 201, "{posted:?}");
    assert!(reads <= 4, "posting a comment took {reads} reads");

    assert_eq!(
        (
            &posted.body["body"],
            &posted.body["author_name"],
            &posted.body["member_id"],
            &posted.body["replies"],
            &posted.body["status"],
            &posted.body["erased"],
        ),
        (
            &json!("Short and cheap"),
            &json!("Member"),
            &json!(ada_id),
            &json!(0),
            &json!("visible"),
            &json!(false)
        )
    );
    space.settle(&app, posted.position()).await;
    let thread = app.get(&ada, &comments).await;
    assert_eq!(thread.body["data"][0], posted.body, "{thread:?}");
    app.finish().await;
}
