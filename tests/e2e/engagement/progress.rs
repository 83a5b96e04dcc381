//! Lesson completion leads to course completion, with the counters to match.

use super::Space;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::json;

on_both_backends!(completing_every_lesson_completes_the_course);

/// Adds `lessons` to the course, in order, as a creator does; returns the last write's position.
async fn add_lessons(app: &TestApp, space: &Space, course: &str, lessons: &[&str]) -> i64 {
    let mut position = 0;
    for lesson in lessons {
        let added = app
            .post(
                &space.key,
                &space.path(&format!("/content/{course}/parts")),
                json!({"part_id": lesson}),
            )
            .await;
        assert_eq!(added.status, 200, "{added:?}");
        position = added.position();
    }
    position
}

async fn completing_every_lesson_completes_the_course(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let space = Space::new(&app, "courses").await;
    let members = json!({"policy": "members"});
    let course = space.publish(&app, "course", members.clone()).await;
    let first = space.publish(&app, "lesson", members.clone()).await;
    let second = space.publish(&app, "lesson", members.clone()).await;
    let elsewhere = space.publish(&app, "lesson", members.clone()).await;
    let post = space.publish(&app, "post", members).await;
    let (ada_id, ada) = space.member(&app, "ada").await;
    let complete = |course: &str, lesson: &str| {
        space.path(&format!("/content/{course}/lessons/{lesson}/complete"))
    };

    let listed = add_lessons(&app, &space, &course, &[&first, &second]).await;
    space.settle(&app, listed).await;
    let progress = space.path(&format!("/content/{course}/progress"));
    let before = app.get(&ada, &progress).await;
    assert_eq!(
        before.body["lesson_ids"],
        json!([first, second]),
        "{before:?}"
    );
    assert_eq!(before.body["completed"], false);

    let one = app.post_empty(&ada, &complete(&course, &first)).await;
    assert_eq!(one.status, 200, "{one:?}");
    assert_eq!(one.body["completed_lesson_ids"], json!([first]));
    assert_eq!(one.body["completed"], false);
    let again = app.post_empty(&ada, &complete(&course, &first)).await;
    assert_eq!(again.position(), one.position(), "a lesson completes once");
    app.post_empty(&ada, &complete(&course, &elsewhere))
        .await
        .assert_problem(404, "not_found");
    app.post_empty(&ada, &complete(&post, &first))
        .await
        .assert_problem(404, "not_found");
    let done = app.post_empty(&ada, &complete(&course, &second)).await;
    assert_eq!(done.body["completed"], true, "{done:?}");
    assert!(done.body["completed_at"].is_string());

    let events: Vec<String> = sqlx::query_scalar(
        "SELECT event_type FROM events WHERE aggregate_type = 'course_progress' ORDER BY position",
    )
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    assert_eq!(
        events,
        ["LessonCompleted", "LessonCompleted", "CourseCompleted"]
    );
    space.settle(&app, done.position()).await;
    let read = app
        .get(&space.key, &format!("{progress}?member_id={ada_id}"))
        .await;
    assert_eq!(read.body["completed"], true, "{read:?}");
    assert_eq!(read.body["completed_lesson_ids"], json!([first, second]));
    for item in [&course, &first, &second] {
        let counters = app
            .get(
                &space.key,
                &space.path(&format!("/content/{item}/engagement")),
            )
            .await;
        assert_eq!(counters.body["completions"], 1, "{counters:?}");
    }
    let activity = app
        .get(&ada, &space.path(&format!("/members/{ada_id}/activity")))
        .await;
    let actions: Vec<&str> = activity.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["completed", "completed", "completed"],
        "{activity:?}"
    );
    let features = app
        .get(&ada, &space.path(&format!("/members/{ada_id}/features")))
        .await;
    assert_eq!(features.body["items_completed"], 3, "{features:?}");
    assert_eq!(features.body["active_days"], 1);
    assert_eq!(features.body["days_since_last_action"], 0);
    let gql = app
        .graphql(
            &ada,
            "query($c: ID!) { courseProgress(courseId: $c) { completed completedLessonIds } }",
            json!({"c": course}),
        )
        .await;
    assert_eq!(gql["data"]["courseProgress"]["completed"], true, "{gql}");
    app.finish().await;
}
