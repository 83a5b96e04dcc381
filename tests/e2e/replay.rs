//! Replay is deterministic: rebuilding every read model from position 0 gives exactly the live
//! rows, compared by checksum, through the library and through `lyceum replay`.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use serde_json::json;

on_both_backends!(replay_equals_live);

async fn replay_equals_live(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("replay").await;
    let tier = app
        .post(
            &key,
            "/v1/spaces/replay/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let mut last = 0;
    for n in 0..5 {
        let member = app
            .post(
                &key,
                "/v1/spaces/replay/members",
                json!({"email": format!("m{n}@example.org"), "display_name": format!("M{n}")}),
            )
            .await;
        let id = member.body["id"].as_str().unwrap().to_owned();
        app.post(
            &key,
            &format!("/v1/spaces/replay/members/{id}/join"),
            json!({"tier_id": tier.body["id"]}),
        )
        .await;
        let post = app
            .post(&key, "/v1/spaces/replay/content", json!({"kind": "post", "title": format!("Post {n}"), "body": "b", "access": {"policy": "members"}}))
            .await;
        let post_id = post.body["id"].as_str().unwrap();
        app.patch(
            &key,
            &format!("/v1/spaces/replay/content/{post_id}"),
            json!({"title": format!("Post {n}, edited")}),
        )
        .await;
        last = app
            .post_empty(
                &key,
                &format!("/v1/spaces/replay/content/{post_id}/publish"),
            )
            .await
            .position();
    }
    let erased = app
        .delete(
            &key,
            "/v1/spaces/replay/members/00000000-0000-0000-0000-000000000000/personal-data",
        )
        .await;
    assert_eq!(erased.status, 404);
    let ready = app
        .get(
            &key,
            &format!("/v1/spaces/replay/content?min_position={last}"),
        )
        .await;
    assert_eq!(ready.body["data"].as_array().map(Vec::len), Some(5));
    app.caught_up(last).await;

    let mut live = Vec::new();
    for projection in Projection::ALL {
        live.push(checksum(&app.db, projection).await.unwrap());
    }
    let database = match &app.config.database_url {
        Some(url) => vec!["--database-url".to_owned(), url.expose().to_owned()],
        None => vec![
            "--data-dir".to_owned(),
            app.config.data_dir.display().to_string(),
        ],
    };
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_lyceum"))
        .args(&database)
        .arg("replay")
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches("(identical)").count(),
        Projection::ALL.len(),
        "{stdout}"
    );
    for (projection, before) in Projection::ALL.into_iter().zip(live) {
        let after = checksum(&app.db, projection).await.unwrap();
        assert_eq!(after, before, "{} differs after replay", projection.name());
    }
    // The checksum sees real differences.
    sqlx::query("UPDATE rm_content SET title = 'tampered' WHERE title = 'Post 0, edited'")
        .execute(app.db.writer())
        .await
        .unwrap();
    assert_ne!(
        checksum(&app.db, Projection::Content).await.unwrap(),
        checksum_after_rebuild(&app).await
    );
    app.finish().await;
}

async fn checksum_after_rebuild(app: &TestApp) -> String {
    let before = checksum(&app.db, Projection::Content).await.unwrap();
    lyceum_projections::rebuild::rebuild(&app.db, Projection::Content, &mut |_, _| {})
        .await
        .unwrap();
    let after = checksum(&app.db, Projection::Content).await.unwrap();
    assert_ne!(before, after, "the rebuild repaired the tampered row");
    after
}
