//! An item's counters equal what the events say, over REST and GraphQL, and again after the
//! engagement and interaction read models are rebuilt from position 0.

use super::Space;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild;
use serde_json::{Value, json};
use std::collections::HashMap;

on_both_backends!(counters_equal_the_events_and_survive_a_rebuild);

/// Counters per item computed from the log itself.
async fn counted_from_the_log(app: &TestApp) -> HashMap<String, [i64; 4]> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT event_type, payload FROM events ORDER BY position")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    let mut counts: HashMap<String, [i64; 4]> = HashMap::new();
    for (event_type, payload) in rows {
        let payload: Value = serde_json::from_str(&payload).unwrap();
        let Some(item) = payload["content_id"].as_str() else {
            continue;
        };
        let entry = counts.entry(item.to_owned()).or_default();
        let [views, likes, comments, shares] = entry;
        match event_type.as_str() {
            "ItemViewed" => *views += 1,
            "ItemLiked" => *likes += 1,
            "ItemUnliked" => *likes -= 1,
            "ItemShared" => *shares += 1,
            "CommentPosted" => *comments += 1,
            // The scenario moves each comment out of sight at most once.
            "CommentDeleted" | "CommentHidden" | "CommentRemoved" => *comments -= 1,
            _ => {}
        }
    }
    counts
}

async fn put(app: &TestApp, token: &str, path: &str) -> crate::support::Reply {
    app.call(reqwest::Method::PUT, Some(token), path, None)
        .await
}

async fn counters(app: &TestApp, space: &Space, key: &str, item: &str) -> [i64; 4] {
    let read = app
        .get(key, &space.path(&format!("/content/{item}/engagement")))
        .await;
    assert_eq!(read.status, 200, "{read:?}");
    let n = |field: &str| read.body[field].as_i64().unwrap();
    [n("views"), n("likes"), n("comments"), n("shares")]
}

async fn counters_equal_the_events_and_survive_a_rebuild(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let space = Space::new(&app, "counted").await;
    let post = space
        .publish(&app, "post", json!({"policy": "members"}))
        .await;
    let article = space
        .publish(&app, "article", json!({"policy": "public"}))
        .await;
    let (ada_id, ada) = space.member(&app, "ada").await;
    let (_, bob) = space.member(&app, "bob").await;
    let (_, cy) = space.member(&app, "cy").await;
    let on = |item: &str, rest: &str| space.path(&format!("/content/{item}{rest}"));

    let first = app.post_empty(&ada, &on(&post, "/views")).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["recorded"], true);
    let again = app.post_empty(&ada, &on(&post, "/views")).await;
    assert_eq!(again.body["recorded"], false, "a view counts once a day");
    app.post_empty(&bob, &on(&post, "/views")).await;
    app.post_empty(&cy, &on(&article, "/views")).await;

    let (like_post, like_article) = (on(&post, "/like"), on(&article, "/like"));
    assert_eq!(put(&app, &ada, &like_post).await.body["liked"], true);
    let twice = put(&app, &ada, &like_post).await;
    assert_eq!(twice.body["recorded"], false, "liking is idempotent");
    put(&app, &bob, &like_post).await;
    put(&app, &cy, &like_article).await;
    let unliked = app.delete(&bob, &on(&post, "/like")).await;
    assert_eq!(unliked.body["liked"], false, "{unliked:?}");
    let unliked_again = app.delete(&bob, &on(&post, "/like")).await;
    assert_eq!(unliked_again.body["recorded"], false);

    for (token, channel) in [(&ada, "link"), (&bob, "email"), (&ada, "link")] {
        let shared = app
            .post(token, &on(&post, "/shares"), json!({"channel": channel}))
            .await;
        assert_eq!(shared.status, 200, "{shared:?}");
    }

    let (on_post, on_article) = (on(&post, "/comments"), on(&article, "/comments"));
    let kept = app.post(&ada, &on_post, json!({"body": "First!"})).await;
    assert_eq!(kept.status, 201, "{kept:?}");
    let deleted = app.post(&bob, &on_post, json!({"body": "Second"})).await;
    let hidden = app.post(&cy, &on_post, json!({"body": "Off topic"})).await;
    app.post(&cy, &on_article, json!({"body": "Lovely"})).await;
    let deleted_id = deleted.body["id"].as_str().unwrap();
    let gone = app
        .delete(&bob, &space.path(&format!("/comments/{deleted_id}")))
        .await;
    assert_eq!(gone.status, 204, "{gone:?}");
    let sold = space
        .publish(
            &app,
            "post",
            json!({"policy": "purchase", "price_minor": 500}),
        )
        .await;
    let bought = app
        .post(
            &space.key,
            &space.path(&format!("/members/{ada_id}/purchases")),
            json!({"content_id": sold, "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(bought.status, 201, "{bought:?}");
    space.settle(&app, bought.position()).await;
    let opened = app.post_empty(&ada, &on(&sold, "/views")).await;
    assert_eq!(
        opened.body["recorded"], true,
        "a bought item opens: {opened:?}"
    );
    let hidden_id = hidden.body["id"].as_str().unwrap();
    let last = app
        .post(
            &space.key,
            &space.path(&format!("/comments/{hidden_id}/hide")),
            json!({"reason": "Off topic"}),
        )
        .await;
    assert_eq!(last.status, 200, "{last:?}");
    space.settle(&app, last.position()).await;

    let from_log = counted_from_the_log(&app).await;
    for item in [&post, &article] {
        let expected = from_log[item.as_str()];
        assert_eq!(counters(&app, &space, &space.key, item).await, expected);
    }
    assert_eq!(from_log[post.as_str()], [2, 1, 1, 3]);
    let matrix = space.path(&format!("/interactions?member_id={ada_id}&limit=1"));
    let first_row = app.get(&space.key, &matrix).await;
    let cursor = first_row.body["next_cursor"].as_str().unwrap().to_owned();
    let second_row = app
        .get(&space.key, &format!("{matrix}&cursor={cursor}"))
        .await;
    assert_eq!(
        second_row.body["next_cursor"],
        Value::Null,
        "{second_row:?}"
    );
    let mut rows = vec![
        first_row.body["data"][0].clone(),
        second_row.body["data"][0].clone(),
    ];
    rows.sort_by_key(|r| r["content_id"] != post.as_str());
    let (on_post, on_sold) = (&rows[0], &rows[1]);
    assert_eq!(on_post["content_id"], post.as_str(), "{rows:?}");
    assert_eq!(
        (
            &on_post["views"],
            &on_post["liked"],
            &on_post["shares"],
            &on_post["comments"]
        ),
        (&json!(1), &json!(true), &json!(2), &json!(1))
    );
    assert_eq!(on_sold["content_id"], sold.as_str());
    assert!(on_sold["purchased_at"].is_string(), "{on_sold:?}");
    assert_eq!(on_sold["views"], 1);
    let mine = app.get(&ada, &on(&post, "/engagement")).await;
    assert_eq!(mine.body["liked_by_viewer"], true, "{mine:?}");
    let gql = app
        .graphql(
            &space.key,
            "query($s: String, $c: ID!) { itemEngagement(space: $s, contentId: $c) { views likes comments shares likedByViewer } }",
            json!({"s": space.slug, "c": post}),
        )
        .await;
    assert_eq!(
        gql["data"]["itemEngagement"],
        json!({"views": 2, "likes": 1, "comments": 1, "shares": 3, "likedByViewer": null}),
        "{gql}"
    );

    for projection in [Projection::Engagement, Projection::Interactions] {
        let live = checksum(&app.db, projection).await.unwrap();
        rebuild(&app.db, projection, &mut |_, _| {}).await.unwrap();
        assert_eq!(
            checksum(&app.db, projection).await.unwrap(),
            live,
            "{} differs after a rebuild",
            projection.name()
        );
    }
    for item in [&post, &article] {
        let expected = from_log[item.as_str()];
        assert_eq!(counters(&app, &space, &space.key, item).await, expected);
    }
    app.finish().await;
}
