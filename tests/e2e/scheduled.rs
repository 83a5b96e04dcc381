//! Scheduled publishing on a clock the test moves: an item is published when its time comes,
//! exactly once, even with a second publisher racing the application's own and a fresh one
//! (as after a restart) passing again; a withdrawn schedule publishes nothing; a moved one
//! publishes at the new time.

use crate::content_support::{draft, item};
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, SecondsFormat, Utc};
use lyceum_store::clock::ManualClock;
use lyceum_workers::publisher::Publisher;
use serde_json::json;
use std::sync::Arc;

on_both_backends!(scheduled_publishing);

fn at(time: chrono::DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn scheduled_publishing(backend: Backend) {
    let start = Utc::now();
    let clock = ManualClock::at(start);
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("press").await;
    let access = json!({"policy": "public"});
    let launch = item(
        &app,
        &key,
        "press",
        draft("article", "Launch", "We launch.", access.clone()),
        false,
    )
    .await;
    let withdrawn = item(
        &app,
        &key,
        "press",
        draft("article", "Withdrawn", "Never mind.", access.clone()),
        false,
    )
    .await;
    let moved = item(
        &app,
        &key,
        "press",
        draft("article", "Moved", "Later.", access),
        false,
    )
    .await;
    let schedule = |id: &str, when: chrono::DateTime<Utc>| {
        let path = format!("/v1/spaces/press/content/{id}/schedule");
        let (app, key) = (&app, &key);
        async move { app.post(key, &path, json!({"publish_at": at(when)})).await }
    };

    let scheduled = schedule(&launch, start + Duration::hours(1)).await;
    assert_eq!(scheduled.status, 200, "{scheduled:?}");
    assert_eq!(scheduled.body["status"], "draft");
    assert_eq!(
        scheduled.body["scheduled_for"],
        format!("{}.000000Z", &at(start + Duration::hours(1))[..19])
    );
    schedule(&withdrawn, start + Duration::hours(1)).await;
    let unscheduled = app
        .delete(
            &key,
            &format!("/v1/spaces/press/content/{withdrawn}/schedule"),
        )
        .await;
    assert_eq!(
        unscheduled.body["scheduled_for"],
        serde_json::Value::Null,
        "{unscheduled:?}"
    );
    schedule(&moved, start + Duration::hours(1)).await;
    let moved_again = schedule(&moved, start + Duration::hours(3)).await;

    // Nothing is due yet.
    let racer = Publisher::new(app.db.clone(), Arc::new(clock.clone()));
    app.get(
        &key,
        &format!(
            "/v1/spaces/press/content?min_position={}",
            moved_again.position()
        ),
    )
    .await;
    assert_eq!(racer.run_due().await.unwrap(), 0);

    clock.advance(Duration::hours(2));
    racer.run_due().await.unwrap();
    let published = app
        .until(
            &key,
            &format!("/v1/spaces/press/content/{launch}"),
            "the scheduled publication",
            |c| c["status"] == "published",
        )
        .await;
    assert_eq!(published["scheduled_for"], serde_json::Value::Null);
    let restarted = Publisher::new(app.db.clone(), Arc::new(clock.clone()));
    assert_eq!(
        restarted.run_due().await.unwrap(),
        0,
        "nothing is published twice"
    );
    assert_eq!(
        app.events_of("content", &launch, "ContentPublished")
            .await
            .len(),
        1
    );
    let publisher = &app.stream("content", &launch).await.last().unwrap().clone();
    assert_eq!(publisher["actor"], "system:publisher");
    for id in [&withdrawn, &moved] {
        let item = app
            .get(&key, &format!("/v1/spaces/press/content/{id}"))
            .await;
        assert_eq!(item.body["status"], "draft", "{item:?}");
    }

    clock.advance(Duration::hours(2));
    app.until(
        &key,
        &format!("/v1/spaces/press/content/{moved}"),
        "the moved publication",
        |c| c["status"] == "published",
    )
    .await;
    assert_eq!(restarted.run_due().await.unwrap(), 0);
    assert_eq!(
        app.events_of("content", &moved, "ContentPublished")
            .await
            .len(),
        1
    );
    assert!(
        app.events_of("content", &withdrawn, "ContentPublished")
            .await
            .is_empty()
    );

    // A time in the past, an item already published, a time that is no time.
    let before = app.event_count().await;
    schedule(&withdrawn, clock_now(&clock) - Duration::minutes(1))
        .await
        .assert_problem(422, "validation_failed");
    schedule(&launch, clock_now(&clock) + Duration::hours(1))
        .await
        .assert_problem(409, "invalid_transition");
    app.post(
        &key,
        &format!("/v1/spaces/press/content/{withdrawn}/schedule"),
        json!({"publish_at": "tomorrow"}),
    )
    .await
    .assert_problem(400, "bad_request");
    app.delete(
        &key,
        &format!("/v1/spaces/press/content/{withdrawn}/schedule"),
    )
    .await
    .assert_problem(409, "invalid_transition");
    assert_eq!(app.event_count().await, before);
    app.finish().await;
}

fn clock_now(clock: &ManualClock) -> chrono::DateTime<Utc> {
    use lyceum_store::clock::Clock;
    clock.now()
}
