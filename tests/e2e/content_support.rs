//! Helpers for the content scenarios: drafting and publishing items in one call.

use crate::support::TestApp;
use serde_json::{Value, json};

/// Drafts an item (and publishes it if `publish`); returns its id.
pub async fn item(app: &TestApp, key: &str, space: &str, draft: Value, publish: bool) -> String {
    let created = app
        .post(key, &format!("/v1/spaces/{space}/content"), draft)
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created.body["id"].as_str().unwrap().to_owned();
    if publish {
        let published = app
            .post_empty(key, &format!("/v1/spaces/{space}/content/{id}/publish"))
            .await;
        assert_eq!(published.status, 200, "{published:?}");
    }
    id
}

/// A draft body of `kind` with a title, a body, an excerpt and an access policy.
pub fn draft(kind: &str, title: &str, body: &str, access: Value) -> Value {
    json!({"kind": kind, "title": title, "body": body,
        "excerpt": format!("{title}: a taste."), "access": access})
}

/// Rebuilds `projection` from position 0 and asserts it holds exactly the live rows.
pub async fn assert_replay_matches(app: &TestApp, projection: lyceum_projections::Projection) {
    use lyceum_projections::checksum::checksum;
    let end = lyceum_store::read::high_water_mark(&app.db).await.unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while lyceum_projections::min_checkpoint(&app.db).await.unwrap() < end {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the read models never caught up"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let live = checksum(&app.db, projection).await.unwrap();
    lyceum_projections::rebuild::rebuild(&app.db, projection, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        checksum(&app.db, projection).await.unwrap(),
        live,
        "replaying {} reproduces the live rows",
        projection.name()
    );
}
