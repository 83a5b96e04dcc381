//! Read-your-writes: a read that passes `min_position` waits for the read models it is served
//! from, and for no other.

use crate::support::{Backend, TestApp, unique};
use serde_json::json;

/// On Postgres and RabbitMQ, where a consumer applies only what it is delivered, so a read model
/// held back stays behind (embedded, each read model tails the log and would catch up at once;
/// `api/src/consistency/wait.rs` shows the same there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_waits_for_its_own_read_models_alone() {
    let app = TestApp::spawn(Backend::Production).await;
    let slug = unique("waits");
    let (_, key) = app.space(&slug).await;
    let tier = app
        .post(
            &key,
            &format!("/v1/spaces/{slug}/tiers"),
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    assert_eq!(tier.status, 201, "{tier:?}");
    let position = tier.position();
    app.caught_up(position).await;
    // The engagement read model forgets how far it got; with no new event it stays behind.
    sqlx::query(
        "UPDATE checkpoints SET position = 0 \
         WHERE name = 'engagement' OR name LIKE 'engagement/%'",
    )
    .execute(app.db.writer())
    .await
    .unwrap();
    // And as if the relay had published an engagement event it has not applied.
    sqlx::query(
        "INSERT INTO checkpoints (name, position) VALUES ('published:engagement/0', $1) \
         ON CONFLICT (name) DO UPDATE SET position = excluded.position",
    )
    .bind(position)
    .execute(app.db.writer())
    .await
    .unwrap();

    // The tiers are not read from it: their read answers at once.
    let tiers = app
        .get(
            &key,
            &format!("/v1/spaces/{slug}/tiers?min_position={position}"),
        )
        .await;
    assert_eq!(tiers.status, 200, "{tiers:?}");
    assert_eq!(tiers.body["data"][0]["name"], "Free");
    // The reports queue is: its read waits for it, then gives up.
    let reports = app
        .get(
            &key,
            &format!("/v1/spaces/{slug}/reports?min_position={position}"),
        )
        .await;
    reports.assert_problem(503, "not_ready");
    assert_eq!(reports.header("retry-after"), Some("1"));
    app.finish().await;
}
