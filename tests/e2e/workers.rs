//! Several `lyceum worker` processes share the read models' partitions on Postgres and
//! RabbitMQ: one is killed with SIGKILL halfway through, and every read model still ends equal,
//! by checksum, to a replay of the log (nothing lost, nothing applied twice).

use crate::support::{AMQP_URL, Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use serde_json::json;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

fn worker(app: &TestApp) -> Child {
    let url = app.config.database_url.as_ref().expect("Postgres");
    Command::new(env!("CARGO_BIN_EXE_lyceum"))
        .env("LYCEUM_DATABASE_URL", url.expose())
        .env("LYCEUM_AMQP_URL", AMQP_URL)
        .env("LYCEUM_AMQP_PREFIX", &app.config.amqp_prefix)
        .env("LYCEUM_PARTITIONS", app.config.partitions.to_string())
        .env("LYCEUM_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .arg("worker")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("a worker process starts")
}

/// Some of everything a space does: a tier, members joining it, content edited and published.
async fn busy_space(app: &TestApp, slug: &str, round: usize) -> i64 {
    let (_, key) = app.space(slug).await;
    let tier = app
        .post(
            &key,
            &format!("/v1/spaces/{slug}/tiers"),
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let mut last = 0;
    for n in 0..3 {
        let member = app
            .post(
                &key,
                &format!("/v1/spaces/{slug}/members"),
                json!({"email": format!("m{round}-{n}@example.org"), "display_name": format!("M{n}")}),
            )
            .await;
        let id = member.body["id"].as_str().expect("a member").to_owned();
        app.post(
            &key,
            &format!("/v1/spaces/{slug}/members/{id}/join"),
            json!({"tier_id": tier.body["id"]}),
        )
        .await;
        let post = app
            .post(
                &key,
                &format!("/v1/spaces/{slug}/content"),
                json!({"kind": "post", "title": format!("Post {n}"), "body": "b", "access": {"policy": "members"}}),
            )
            .await;
        let post_id = post.body["id"].as_str().expect("an item").to_owned();
        app.patch(
            &key,
            &format!("/v1/spaces/{slug}/content/{post_id}"),
            json!({"title": format!("Post {n}, edited")}),
        )
        .await;
        last = app
            .post_empty(
                &key,
                &format!("/v1/spaces/{slug}/content/{post_id}/publish"),
            )
            .await
            .position();
    }
    last
}

#[tokio::test]
async fn workers_share_partitions_and_one_killed_loses_and_repeats_nothing() {
    let app = TestApp::spawn_configured(
        Backend::Production,
        std::sync::Arc::new(lyceum_store::clock::SystemClock),
        |config| config.partitions = 3,
    )
    .await;
    let mut workers: Vec<Child> = (0..3).map(|_| worker(&app)).collect();
    let mut last = 0;
    for round in 0..8 {
        if round == 4 {
            // Halfway: one worker dies without a chance to finish or give anything back.
            workers[0].start_kill().expect("SIGKILL");
            let _ = workers[0].wait().await;
        }
        last = last.max(busy_space(&app, &format!("w{round}"), round).await);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while lyceum_projections::min_checkpoint(&app.db).await.unwrap() < last {
        assert!(
            Instant::now() < deadline,
            "the read models did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for worker in &mut workers[1..] {
        assert!(
            worker.try_wait().unwrap().is_none(),
            "the surviving workers still run"
        );
        worker.start_kill().unwrap();
        let _ = worker.wait().await;
    }
    let mut live = Vec::new();
    for projection in Projection::ALL {
        live.push(checksum(&app.db, projection).await.unwrap());
    }
    let url = app.config.database_url.as_ref().expect("Postgres");
    let output = Command::new(env!("CARGO_BIN_EXE_lyceum"))
        .args(["--database-url", url.expose(), "replay"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    for (projection, before) in Projection::ALL.into_iter().zip(live) {
        let after = checksum(&app.db, projection).await.unwrap();
        assert_eq!(after, before, "{} differs from a replay", projection.name());
    }
    app.finish().await;
}
