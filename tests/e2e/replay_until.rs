//! `lyceum replay --until P --into-…` rebuilds the read models as they stood at position P into
//! a separate store, on both backends: their checksums are those the live read models had when
//! P was the last position, the target holds exactly the log up to P (hashes included), the
//! source is left as it was, and a target that already holds events is refused.

use crate::on_both_backends;
use crate::support::{Backend, TestApp, drop_database};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_store::Db;
use serde_json::json;
use std::process::Output;

on_both_backends!(replay_until_rebuilds_the_past_elsewhere);

/// Every read model's checksum, in `Projection::ALL` order.
async fn checksums(db: &Db) -> Vec<String> {
    let mut all = Vec::new();
    for projection in Projection::ALL {
        all.push(checksum(db, projection).await.unwrap());
    }
    all
}

/// Every event's position, id and hash, in position order, up to `through`.
async fn log(db: &Db, through: i64) -> Vec<(i64, String, Option<String>)> {
    sqlx::query_as(
        "SELECT position, event_id, hash FROM events WHERE position <= $1 ORDER BY position",
    )
    .bind(through)
    .fetch_all(db.reader())
    .await
    .unwrap()
}

/// Writes a member, a published post and a member's comment on it (a body the read models
/// open with the member's key); returns the last position.
async fn write_some(app: &TestApp, key: &str, round: u32) -> i64 {
    let (_, session) = app
        .sign_up("past", &format!("member{round}@example.org"))
        .await;
    let post = app
        .post(key, "/v1/spaces/past/content", json!({"kind": "post", "title": format!("Post {round}"), "body": "b", "access": {"policy": "public"}}))
        .await;
    let id = post.body["id"].as_str().unwrap().to_owned();
    app.patch(
        key,
        &format!("/v1/spaces/past/content/{id}"),
        json!({"title": format!("Post {round}, edited")}),
    )
    .await;
    let published = app
        .post_empty(key, &format!("/v1/spaces/past/content/{id}/publish"))
        .await;
    assert_eq!(published.status, 200, "{published:?}");
    let comment = app
        .post(
            &session,
            &format!("/v1/spaces/past/content/{id}/comments"),
            json!({"body": format!("Comment {round}")}),
        )
        .await;
    assert_eq!(comment.status, 201, "{comment:?}");
    comment.position()
}

async fn replay_until_rebuilds_the_past_elsewhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("past").await;
    app.post(
        &key,
        "/v1/spaces/past/tiers",
        json!({"name": "Free", "kind": "free"}),
    )
    .await;
    let mut until = 0;
    for round in 0..3 {
        until = write_some(&app, &key, round).await;
    }
    app.caught_up(until).await;
    let then = checksums(&app.db).await;
    let mut last = until;
    for round in 3..5 {
        last = write_some(&app, &key, round).await;
    }
    app.caught_up(last).await;
    let now = checksums(&app.db).await;
    assert_ne!(now, then, "the later writes change the read models");
    let source_log = log(&app.db, i64::MAX).await;

    let source = match &app.config.database_url {
        Some(url) => vec!["--database-url".to_owned(), url.expose().to_owned()],
        None => vec![
            "--data-dir".to_owned(),
            app.config.data_dir.display().to_string(),
        ],
    };
    let target_url = match backend {
        Backend::Embedded => lyceum_store::testing::fresh_sqlite_url(),
        Backend::Production => lyceum_store::testing::fresh_postgres_url().await.unwrap(),
    };
    let into = match target_url.strip_prefix("sqlite://") {
        Some(dir) => vec!["--into-data-dir".to_owned(), dir.to_owned()],
        None => vec!["--into-database-url".to_owned(), target_url.clone()],
    };
    let lyceum = |args: Vec<String>| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_lyceum"))
            .args(&source)
            .args(args)
            .env_remove("LYCEUM_DATABASE_URL")
            .env_remove("LYCEUM_DATA_DIR")
            .env_remove("LYCEUM_AMQP_URL")
            .output()
    };
    let replay = |extra: &[String]| {
        let mut args = vec!["replay".to_owned(), "--until".to_owned(), until.to_string()];
        args.extend_from_slice(extra);
        lyceum(args)
    };
    let output: Output = replay(&into).await.unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for (projection, checksum) in Projection::ALL.into_iter().zip(&then) {
        let line = format!(
            "{}: rebuilt to position {until}; checksum {checksum}",
            projection.name()
        );
        assert!(stdout.contains(&line), "{line} not in {stdout}");
    }

    // The target holds the log up to `until`, hashes and all, and its read models as they were.
    let target = Db::connect(&target_url).await.unwrap();
    assert_eq!(checksums(&target).await, then);
    let copied = log(&target, i64::MAX).await;
    assert_eq!(copied, log(&app.db, until).await);
    assert!(copied.iter().all(|(_, _, hash)| hash.is_some()));
    target.close().await;

    // The source is as it was.
    assert_eq!(checksums(&app.db).await, now);
    assert_eq!(log(&app.db, i64::MAX).await, source_log);

    // A target that holds events is refused, and so is --until without a target.
    let again = replay(&into).await.unwrap();
    assert!(!again.status.success(), "{again:?}");
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already holds"), "{stderr}");
    let nowhere = replay(&[]).await.unwrap();
    assert!(!nowhere.status.success(), "{nowhere:?}");

    match target_url.strip_prefix("sqlite://") {
        Some(dir) => {
            let _ = std::fs::remove_dir_all(dir);
        }
        None => drop_database(&target_url).await,
    }
    app.finish().await;
}
