//! Points from check-ins under the space's rules: a daily cap, a ledger per member, a level
//! that follows earned plus manual points, weekly and all-time leaderboards (paginated, in
//! REST and GraphQL), and a rebuild of the read models that gives the same points and badges.

use crate::check_ins::{check_in, monday, project};
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::Duration;
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(points_leaderboards_and_levels);

fn board(body: &Value) -> Vec<(i64, String, i64)> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["rank"].as_i64().unwrap(),
                e["member_id"].as_str().unwrap().to_owned(),
                e["points"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn points_leaderboards_and_levels(backend: Backend) {
    let clock = monday();
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("points").await;
    let (ada, ada_token) = app.sign_up("points", "ada@example.org").await;
    let (bob, bob_token) = app.sign_up("points", "bob@example.org").await;
    let put = |path: &'static str, body: Value| {
        app.call(reqwest::Method::PUT, Some(&key), path, Some(body))
    };
    let rules = put(
        "/v1/spaces/points/points-rules",
        json!({"checked_in": {"points": 10, "daily_cap": 15}}),
    )
    .await;
    assert_eq!(rules.status, 200, "{rules:?}");
    assert_eq!(
        rules.body["checked_in"],
        json!({"points": 10, "daily_cap": 15})
    );
    assert_eq!(
        rules.body["comment_posted"],
        json!({"points": 0, "daily_cap": null})
    );
    assert_eq!(
        app.get(&ada_token, "/v1/spaces/points/points-rules")
            .await
            .body,
        rules.body,
        "members may read the rules"
    );
    let same = put(
        "/v1/spaces/points/points-rules",
        json!({"checked_in": {"points": 10, "daily_cap": 15}}),
    )
    .await;
    assert_eq!(
        same.position(),
        rules.position(),
        "the same rules record nothing"
    );
    put(
        "/v1/spaces/points/levels",
        json!({"levels": [{"threshold": 0, "name": "Newcomer"},
            {"threshold": 20, "name": "Regular"}, {"threshold": 100, "name": "Scholar"}]}),
    )
    .await;
    let reading = project(&app, &key, "points", json!({"title": "Reading"})).await;
    let writing = project(&app, &key, "points", json!({"title": "Writing"})).await;

    // Monday: Ada checks in twice (10, then 5 under the cap of 15), Bob once.
    for project in [&reading, &writing] {
        assert_eq!(
            check_in(&app, &ada_token, "points", project).await.status,
            201
        );
    }
    let last = check_in(&app, &bob_token, "points", &reading)
        .await
        .position();
    let ledger = app
        .get(
            &ada_token,
            &format!("/v1/spaces/points/members/{ada}/points/ledger?min_position={last}"),
        )
        .await;
    let entries: Vec<(Value, Value, Value)> = ledger.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].clone(), e["points"].clone(), e["day"].clone()))
        .collect();
    assert_eq!(
        entries,
        [
            (json!("checked_in"), json!(5), json!("2031-03-03")),
            (json!("checked_in"), json!(10), json!("2031-03-03"))
        ],
        "newest first, capped at 15 a day: {ledger:?}"
    );
    app.get(
        &ada_token,
        &format!("/v1/spaces/points/members/{bob}/points/ledger"),
    )
    .await
    .assert_problem(404, "not_found");

    // Tuesday: 10 more; earned points move the level.
    clock.advance(Duration::days(1));
    let tuesday = check_in(&app, &ada_token, "points", &reading).await;
    let member = app
        .get(
            &key,
            &format!(
                "/v1/spaces/points/members/{ada}?min_position={}",
                tuesday.position()
            ),
        )
        .await;
    assert_eq!(
        (&member.body["points"], &member.body["level"]["name"]),
        (&json!(25), &json!("Regular")),
        "{member:?}"
    );
    // Manual points add to earned points: one number for the level.
    let adjusted = app
        .post(
            &key,
            &format!("/v1/spaces/points/members/{ada}/points"),
            json!({"delta": 100, "reason": "Ran the book club"}),
        )
        .await;
    assert_eq!(
        (&adjusted.body["points"], &adjusted.body["level"]["name"]),
        (&json!(125), &json!("Scholar")),
        "{adjusted:?}"
    );
    let balance = app
        .get(
            &ada_token,
            &format!(
                "/v1/spaces/points/members/{ada}/points?min_position={}",
                adjusted.position()
            ),
        )
        .await;
    assert_eq!(
        (
            &balance.body["points"],
            &balance.body["manual"],
            &balance.body["earned"],
            &balance.body["level"]["name"]
        ),
        (&json!(125), &json!(100), &json!(25), &json!("Scholar")),
        "{balance:?}"
    );
    let viewer = app
        .graphql(
            &ada_token,
            "{ viewer { points level { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        viewer["data"]["viewer"],
        json!({"points": 125, "level": {"name": "Scholar"}})
    );

    // Next Monday: Bob earns 15; the week's board is his alone, all time Ada leads.
    clock.advance(Duration::days(6));
    check_in(&app, &bob_token, "points", &reading).await;
    let last = check_in(&app, &bob_token, "points", &writing)
        .await
        .position();
    let week = app
        .get(
            &ada_token,
            &format!("/v1/spaces/points/leaderboard?min_position={last}"),
        )
        .await;
    assert_eq!(
        (&week.body["period"], &week.body["week_starts_on"]),
        (&json!("week"), &json!("2031-03-10")),
        "{week:?}"
    );
    assert_eq!(board(&week.body), [(1, bob.clone(), 15)]);
    let last_week = app
        .get(
            &key,
            "/v1/spaces/points/leaderboard?period=week&week=2031-03-08",
        )
        .await;
    assert_eq!(
        board(&last_week.body),
        [(1, ada.clone(), 125), (2, bob.clone(), 10)],
        "points count in the week they happened on the clock, the creator's 100 too; {last_week:?}"
    );
    let all_time = app
        .get(
            &key,
            "/v1/spaces/points/leaderboard?period=all_time&limit=1",
        )
        .await;
    assert_eq!(board(&all_time.body), [(1, ada.clone(), 125)]);
    let cursor = all_time.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &key,
            &format!("/v1/spaces/points/leaderboard?period=all_time&limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(board(&rest.body), [(2, bob.clone(), 25)]);
    assert_eq!(rest.body["next_cursor"], Value::Null);
    let graph = app
        .graphql(
            &bob_token,
            "{ leaderboard(space: \"points\", period: ALL_TIME, first: 1) {
                edges { node { rank memberId points } } pageInfo { hasNextPage endCursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        graph["data"]["leaderboard"]["edges"],
        json!([{"node": {"rank": 1, "memberId": ada, "points": 125}}]),
        "{graph}"
    );
    let end = graph["data"]["leaderboard"]["pageInfo"]["endCursor"].clone();
    let next = app
        .graphql(
            &bob_token,
            "query($a: String) { leaderboard(space: \"points\", period: ALL_TIME, first: 1, after: $a) {
                edges { node { rank memberId } } pageInfo { hasNextPage } } }",
            json!({"a": end}),
        )
        .await;
    assert_eq!(
        next["data"]["leaderboard"],
        json!({"edges": [{"node": {"rank": 2, "memberId": bob}}], "pageInfo": {"hasNextPage": false}}),
        "{next}"
    );

    // Rebuilding the read models from position 0 gives the same points, badges and streaks.
    for projection in [
        Projection::Points,
        Projection::CheckIns,
        Projection::Members,
    ] {
        let live = checksum(&app.db, projection).await.unwrap();
        lyceum_projections::rebuild::rebuild(&app.db, projection, &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!(
            checksum(&app.db, projection).await.unwrap(),
            live,
            "{} differs after a rebuild",
            projection.name()
        );
    }
    let rebuilt = app
        .get(&key, "/v1/spaces/points/leaderboard?period=all_time")
        .await;
    assert_eq!(
        board(&rebuilt.body),
        [(1, ada.clone(), 125), (2, bob.clone(), 25)]
    );
    let graph = app
        .graphql(
            &key,
            "mutation { setPointsRules(space: \"points\", input: {checkedIn: {points: 20},
                commentPosted: {points: 5, dailyCap: 25}}) {
                node { checkedIn { points dailyCap } commentPosted { points dailyCap }
                    itemLiked { points } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        graph["data"]["setPointsRules"]["node"],
        json!({"checkedIn": {"points": 20, "dailyCap": null},
            "commentPosted": {"points": 5, "dailyCap": 25}, "itemLiked": {"points": 0}}),
        "{graph}"
    );
    let read = app
        .graphql(
            &ada_token,
            "{ pointsRules(space: \"points\") { checkedIn { points } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        read["data"]["pointsRules"]["checkedIn"]["points"], 20,
        "{read}"
    );
    app.finish().await;
}
