//! A paid course with lessons in order: a member who has not bought it sees each lesson's
//! excerpt, locked, with what would unlock it (REST lists, one item, and GraphQL's nested
//! `parts`); after buying the course the same member reads every lesson's body. Lessons are
//! added, reordered and removed by the creator, one course per lesson, lessons only. The paying
//! member completes every lesson and earns the `course_completed` badge.

use crate::content_support::{assert_replay_matches, draft, item};
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(paid_course);

const SECRET: &str = "Lifetimes are regions of code";

async fn paid_course(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("academy").await;
    let insiders = app.paid_tier(&key, "academy", "Insiders", 900, 0).await;
    let course = item(
        &app,
        &key,
        "academy",
        draft(
            "course",
            "Rust from zero",
            "The course.",
            json!({"policy": "purchase", "price_minor": 4900}),
        ),
        true,
    )
    .await;
    let mut lessons = Vec::new();
    for (n, access) in [
        (1, json!({"policy": "public"})),
        (2, json!({"policy": "tiers", "tier_ids": [insiders]})),
        (3, json!({"policy": "tiers", "tier_ids": [insiders]})),
    ] {
        let body = format!("{SECRET}, part {n}.");
        let lesson = item(
            &app,
            &key,
            "academy",
            draft("lesson", &format!("Lesson {n}"), &body, access),
            true,
        )
        .await;
        let added = app
            .post(
                &key,
                &format!("/v1/spaces/academy/content/{course}/parts"),
                json!({"part_id": lesson}),
            )
            .await;
        assert_eq!(added.status, 200, "{added:?}");
        lessons.push(lesson);
    }
    let parts_path = format!("/v1/spaces/academy/content/{course}/parts");
    let reordered = app
        .call(
            reqwest::Method::PUT,
            Some(&key),
            &parts_path,
            Some(json!({"part_ids": [lessons[0], lessons[2], lessons[1]]})),
        )
        .await;
    assert_eq!(
        reordered.body["part_ids"],
        json!([lessons[0], lessons[2], lessons[1]]),
        "{reordered:?}"
    );

    let featured = app
        .post_empty(
            &key,
            &format!("/v1/spaces/academy/content/{}/feature", lessons[1]),
        )
        .await;
    assert_eq!(
        featured.body["parent_id"],
        course.as_str(),
        "a write answers with the lesson's course"
    );

    // Creator mistakes: a post is no lesson, a lesson is in one course only, a lesson is not
    // listed twice, an absent lesson cannot be removed.
    let post = item(
        &app,
        &key,
        "academy",
        draft("post", "News", "Hi.", json!({"policy": "public"})),
        false,
    )
    .await;
    app.post(&key, &parts_path, json!({"part_id": post}))
        .await
        .assert_problem(422, "validation_failed");
    let other_course = item(
        &app,
        &key,
        "academy",
        draft("course", "Other", "x", json!({"policy": "members"})),
        false,
    )
    .await;
    app.post(
        &key,
        &format!("/v1/spaces/academy/content/{other_course}/parts"),
        json!({"part_id": lessons[1]}),
    )
    .await
    .assert_problem(409, "conflict");
    app.post(&key, &parts_path, json!({"part_id": lessons[0]}))
        .await
        .assert_problem(409, "conflict");
    app.delete(&key, &format!("{parts_path}/{post}"))
        .await
        .assert_problem(404, "not_found");

    let (member, token) = app.sign_up("academy", "ada@example.org").await;
    let parts = app
        .until(
            &token,
            &parts_path,
            "the lessons in their new order",
            |parts| {
                parts
                    .as_array()
                    .is_some_and(|p| p.len() == 3 && p[1]["id"] == lessons[2].as_str())
            },
        )
        .await;
    let titles: Vec<&str> = parts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Lesson 1", "Lesson 3", "Lesson 2"]);
    assert_eq!(parts[0]["locked"], false, "the preview lesson is public");
    for locked in [&parts[1], &parts[2]] {
        assert_eq!(locked["locked"], true, "{locked}");
        assert_eq!(locked["body"], Value::Null);
        assert!(locked["excerpt"].as_str().unwrap().ends_with("a taste."));
        assert_eq!(locked["parent_id"], course.as_str());
        assert_eq!(
            locked["unlock_price_minor"], 4900,
            "buying the course unlocks it"
        );
        assert_eq!(locked["unlock_tier_ids"], json!([insiders]));
    }
    let catalog = app
        .get(&token, "/v1/spaces/academy/content?kind=lesson")
        .await;
    assert_eq!(
        catalog.body["data"].as_array().unwrap().len(),
        3,
        "{catalog:?}"
    );
    let single = app
        .get(
            &token,
            &format!("/v1/spaces/academy/content/{}", lessons[1]),
        )
        .await;
    assert_eq!(single.body["locked"], true);
    let nested = app
        .graphql(
            &token,
            "query($id: ID!) { catalogItem(space: \"academy\", id: $id) { kind locked body parts { title locked body } } }",
            json!({"id": course}),
        )
        .await;
    let gql_parts = nested["data"]["catalogItem"]["parts"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nested["data"]["catalogItem"]["locked"], true, "{nested}");
    assert_eq!(
        gql_parts[1],
        json!({"title": "Lesson 3", "locked": true, "body": null})
    );
    for answer in [&parts, &catalog.body, &single.body, &nested] {
        let text = answer.to_string();
        assert!(
            !text.contains("part 2") && !text.contains("part 3"),
            "a locked body leaked: {text}"
        );
    }

    let bought = app
        .post(
            &key,
            &format!("/v1/spaces/academy/members/{member}/purchases"),
            json!({"content_id": course, "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(bought.body["status"], "paid", "{bought:?}");
    let open = app
        .get(
            &token,
            &format!("{parts_path}?min_position={}", bought.position()),
        )
        .await;
    for (part, n) in open.body.as_array().unwrap().iter().zip([1, 3, 2]) {
        assert_eq!(part["locked"], false, "{part}");
        assert_eq!(part["body"], format!("{SECRET}, part {n}."));
    }
    let nested = app
        .graphql(
            &token,
            "query($id: ID!) { catalogItem(space: \"academy\", id: $id) { locked parts { body } } }",
            json!({"id": course}),
        )
        .await;
    assert_eq!(nested["data"]["catalogItem"]["locked"], false);
    assert_eq!(
        nested["data"]["catalogItem"]["parts"][2]["body"],
        format!("{SECRET}, part 2.")
    );

    complete_and_earn_the_badge(&app, &key, &token, &member, &course, &lessons).await;

    let removed = app
        .delete(&key, &format!("{parts_path}/{}", lessons[2]))
        .await;
    assert_eq!(
        removed.body["part_ids"],
        json!([lessons[0], lessons[1]]),
        "{removed:?}"
    );
    let left = app
        .get(
            &token,
            &format!("{parts_path}?min_position={}", removed.position()),
        )
        .await;
    assert_eq!(left.body.as_array().unwrap().len(), 2);
    let orphan = app
        .get(
            &token,
            &format!("/v1/spaces/academy/content/{}", lessons[2]),
        )
        .await;
    assert_eq!(
        (
            orphan.body["parent_id"].clone(),
            orphan.body["locked"].clone()
        ),
        (Value::Null, json!(true)),
        "out of the course, the lesson's own policy rules again"
    );
    column(&app, &key, &token).await;
    assert_replay_matches(&app, lyceum_projections::Projection::Content).await;
    app.finish().await;
}

/// The paying member completes the lessons in the course's order; the last one completes the
/// course, which earns the `course_completed` badge. A lesson locked by its own policy is open
/// to them through the course they bought.
async fn complete_and_earn_the_badge(
    app: &TestApp,
    key: &str,
    token: &str,
    member: &str,
    course: &str,
    lessons: &[String],
) {
    let mut last = None;
    for lesson in [&lessons[0], &lessons[2], &lessons[1]] {
        let done = app
            .post_empty(
                token,
                &format!("/v1/spaces/academy/content/{course}/lessons/{lesson}/complete"),
            )
            .await;
        assert_eq!(done.status, 200, "{done:?}");
        last = Some(done);
    }
    let last = last.unwrap();
    assert_eq!(last.body["completed"], true, "{last:?}");
    assert_eq!(
        last.body["completed_lesson_ids"],
        json!([lessons[0], lessons[2], lessons[1]])
    );
    let badges = app
        .get(
            key,
            &format!(
                "/v1/spaces/academy/members/{member}/badges?min_position={}",
                last.position()
            ),
        )
        .await;
    let earned: Vec<&str> = badges.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["badge"].as_str().unwrap())
        .collect();
    assert_eq!(earned, ["course_completed"], "{badges:?}");
    // The progress below comes from the engagement read model.
    app.caught_up(last.position()).await;
    let own = app
        .graphql(
            token,
            "query($c: ID!) { courseProgress(courseId: $c) { completed lessonIds } }",
            json!({"c": course}),
        )
        .await;
    assert_eq!(own["data"]["courseProgress"]["completed"], true, "{own}");
}

/// A column is a series of articles, kept in order the same way; lessons do not go in it.
async fn column(app: &TestApp, key: &str, token: &str) {
    let column = item(
        app,
        key,
        "academy",
        draft(
            "column",
            "Letters",
            "A series.",
            json!({"policy": "members"}),
        ),
        true,
    )
    .await;
    let path = format!("/v1/spaces/academy/content/{column}/parts");
    let mut articles = Vec::new();
    for n in 1..=2 {
        let article = item(
            app,
            key,
            "academy",
            draft(
                "article",
                &format!("Letter {n}"),
                "Dear reader.",
                json!({"policy": "members"}),
            ),
            true,
        )
        .await;
        let added = app.post(key, &path, json!({"part_id": article})).await;
        assert_eq!(added.status, 200, "{added:?}");
        articles.push(article);
    }
    let events = app.stream("content", &column).await;
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ContentDrafted",
            "ContentPublished",
            "ArticleAddedToColumn",
            "ArticleAddedToColumn"
        ]
    );
    let lesson = item(
        app,
        key,
        "academy",
        draft("lesson", "Stray", "x", json!({"policy": "public"})),
        true,
    )
    .await;
    app.post(key, &path, json!({"part_id": lesson}))
        .await
        .assert_problem(422, "validation_failed");
    let read = app
        .until(token, &path, "the column's articles", |p| {
            p.as_array().is_some_and(|p| p.len() == 2)
        })
        .await;
    assert_eq!(read[0]["id"], articles[0].as_str());
    assert_eq!(
        read[1]["body"], "Dear reader.",
        "members read the column's articles"
    );
}
