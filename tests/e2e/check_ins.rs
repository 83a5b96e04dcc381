//! Daily check-ins on a clock the test moves: one check-in per member per day (a second is
//! refused), a too-short text is refused, a gap resets the current streak but keeps the
//! longest, the creator sees who has not checked in today and what members wrote, seven days
//! in a row earn the streak badge (in REST and in the GraphQL viewer), and erasing a member's
//! personal data erases their check-ins' text, live and on rebuild.

use crate::on_both_backends;
use crate::support::{Backend, Reply, TestApp};
use chrono::{Duration, TimeZone, Utc};
use lyceum_projections::Projection;
use lyceum_store::clock::ManualClock;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(check_in_streaks);

/// Monday 3 March 2031, 09:00 UTC.
pub fn monday() -> ManualClock {
    ManualClock::at(Utc.with_ymd_and_hms(2031, 3, 3, 9, 0, 0).unwrap())
}

/// Creates a project in `space`; returns its id.
pub async fn project(app: &TestApp, key: &str, space: &str, body: Value) -> String {
    let created = app
        .post(key, &format!("/v1/spaces/{space}/check-in-projects"), body)
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    created.body["id"].as_str().unwrap().to_owned()
}

/// Checks in with a member session.
pub async fn check_in(app: &TestApp, token: &str, space: &str, project: &str) -> Reply {
    app.post(
        token,
        &format!("/v1/spaces/{space}/check-in-projects/{project}/check-ins"),
        json!({"text": "Read a chapter and took notes."}),
    )
    .await
}

fn ids(page: &Value) -> Vec<&str> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member_id"].as_str().unwrap())
        .collect()
}

async fn check_in_streaks(backend: Backend) {
    let clock = monday();
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("habits").await;
    let (ada, ada_token) = app.sign_up("habits", "ada@example.org").await;
    let (bob, _) = app.sign_up("habits", "bob@example.org").await;
    let created = app
        .post(
            &key,
            "/v1/spaces/habits/check-in-projects",
            json!({"title": " Daily reading ", "min_text_chars": 10}),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(
        (
            &created.body["title"],
            &created.body["starts_on"],
            &created.body["ends_on"],
            &created.body["today"],
            &created.body["open_today"]
        ),
        (
            &json!("Daily reading"),
            &json!("2031-03-03"),
            &Value::Null,
            &json!("2031-03-03"),
            &json!(true)
        ),
        "{created:?}"
    );
    let id = created.body["id"].as_str().unwrap().to_owned();
    let base = format!("/v1/spaces/habits/check-in-projects/{id}");
    let check_ins = format!("{base}/check-ins");

    // Too short (after trimming): refused, and nothing written.
    let before = app.event_count().await;
    app.post(&ada_token, &check_ins, json!({"text": "  too short  "}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.event_count().await, before);

    let first = check_in(&app, &ada_token, "habits", &id).await;
    assert_eq!(first.status, 201, "{first:?}");
    assert_eq!(
        (
            &first.body["member_id"],
            &first.body["current_streak"],
            &first.body["longest_streak"],
            &first.body["checked_in_today"],
            &first.body["last_day"]
        ),
        (
            &json!(ada),
            &json!(1),
            &json!(1),
            &json!(true),
            &json!("2031-03-03")
        )
    );
    let again = check_in(&app, &ada_token, "habits", &id).await;
    again.assert_problem(409, "invalid_transition");
    assert!(
        again.body["detail"]
            .as_str()
            .unwrap()
            .contains("already checked in"),
        "{again:?}"
    );
    let missing = app
        .get(
            &key,
            &format!("{base}/not-checked-in?min_position={}", first.position()),
        )
        .await;
    assert_eq!(ids(&missing.body), [bob.as_str()], "{missing:?}");

    // Two more days in a row, then a missed day, then one more.
    for _ in 0..2 {
        clock.advance(Duration::days(1));
        assert_eq!(check_in(&app, &ada_token, "habits", &id).await.status, 201);
    }
    clock.advance(Duration::days(2));
    let after_gap = check_in(&app, &ada_token, "habits", &id).await;
    assert_eq!(
        (
            &after_gap.body["current_streak"],
            &after_gap.body["longest_streak"],
            &after_gap.body["total_check_ins"]
        ),
        (&json!(1), &json!(3), &json!(4)),
        "{after_gap:?}"
    );
    let seen = app
        .get(
            &ada_token,
            &format!("{base}?min_position={}", after_gap.position()),
        )
        .await;
    assert_eq!(
        (
            &seen.body["today"],
            &seen.body["members_checked_in_today"],
            &seen.body["members_checked_in"]
        ),
        (&json!("2031-03-07"), &json!(1), &json!(1)),
        "{seen:?}"
    );
    assert_eq!(seen.body["viewer"]["current_streak"], 1, "{seen:?}");
    assert_eq!(seen.body["viewer"]["longest_streak"], 3);

    // A day later the streak is still alive (today is open); two days later it is broken.
    clock.advance(Duration::days(1));
    let streaks = app.get(&key, &format!("{base}/streaks")).await;
    assert_eq!(ids(&streaks.body), [ada.as_str()]);
    assert_eq!(
        (
            &streaks.body["data"][0]["current_streak"],
            &streaks.body["data"][0]["checked_in_today"]
        ),
        (&json!(1), &json!(false))
    );
    let missing = app.get(&key, &format!("{base}/not-checked-in")).await;
    let mut expected = vec![ada.as_str(), bob.as_str()];
    expected.sort();
    assert_eq!(ids(&missing.body), expected);
    clock.advance(Duration::days(1));
    let streaks = app.get(&key, &format!("{base}/streaks")).await;
    assert_eq!(
        (
            &streaks.body["data"][0]["current_streak"],
            &streaks.body["data"][0]["longest_streak"]
        ),
        (&json!(0), &json!(3)),
        "a missed day resets the current streak and keeps the longest"
    );

    // Seven days in a row earn the streak badge.
    let mut last = 0;
    for day in 0..7 {
        if day > 0 {
            clock.advance(Duration::days(1));
        }
        let done = check_in(&app, &ada_token, "habits", &id).await;
        assert_eq!(done.status, 201, "{done:?}");
        assert_eq!(done.body["current_streak"], day + 1);
        last = done.position();
    }
    let badges = app
        .get(
            &key,
            &format!("/v1/spaces/habits/members/{ada}/badges?min_position={last}"),
        )
        .await;
    assert_eq!(
        badges.body["data"][0]["badge"], "seven_day_streak",
        "{badges:?}"
    );
    assert_eq!(badges.body["data"][0]["day"], "2031-03-15");
    // The viewer's streaks below come from the check-ins read model too.
    app.caught_up(last).await;
    let viewer = app
        .graphql(
            &ada_token,
            "{ viewer { badges { badge day } checkInStreaks { projectId currentStreak longestStreak totalCheckIns } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        viewer["data"]["viewer"],
        json!({"badges": [{"badge": "SEVEN_DAY_STREAK", "day": "2031-03-15"}],
            "checkInStreaks": [{"projectId": id, "currentStreak": 7, "longestStreak": 7,
                "totalCheckIns": 11}]}),
        "{viewer}"
    );
    // GraphQL: a member checks in (refused today), reads the project; a key reads streaks.
    let refused = app
        .graphql(
            &ada_token,
            "mutation($p: ID!) { checkIn(projectId: $p, input: {text: \"Another chapter read.\"}) { position } }",
            json!({"p": id}),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "invalid_transition",
        "{refused}"
    );
    let project = app
        .graphql(
            &key,
            "query($p: ID!) { checkInProject(space: \"habits\", id: $p) { title membersCheckedInToday
                streaks(first: 5) { edges { node { memberId currentStreak } } }
                notCheckedInToday(first: 5) { edges { node { memberId } } } } }",
            json!({"p": id}),
        )
        .await;
    assert_eq!(
        project["data"]["checkInProject"],
        json!({"title": "Daily reading", "membersCheckedInToday": 1,
            "streaks": {"edges": [{"node": {"memberId": ada, "currentStreak": 7}}]},
            "notCheckedInToday": {"edges": [{"node": {"memberId": bob}}]}}),
        "{project}"
    );
    let member_reads_streaks = app
        .graphql(
            &ada_token,
            "query($p: ID!) { checkInProject(space: \"habits\", id: $p) { viewer { currentStreak }
                streaks { edges { node { memberId } } } } }",
            json!({"p": id}),
        )
        .await;
    assert_eq!(
        member_reads_streaks["errors"][0]["extensions"]["code"], "forbidden",
        "{member_reads_streaks}"
    );
    // A project's days are those of its time zone: 09:00 UTC is 23:00 the day before at UTC-10.
    let evening = app
        .graphql(
            &key,
            "mutation { createCheckInProject(space: \"habits\",
                input: {title: \"Evening walk\", utcOffsetMinutes: -600}) {
                node { id title startsOn today openToday } position } }",
            json!({}),
        )
        .await;
    assert_eq!(
        evening["data"]["createCheckInProject"]["node"],
        json!({"id": evening["data"]["createCheckInProject"]["node"]["id"],
            "title": "Evening walk", "startsOn": "2031-03-14", "today": "2031-03-14",
            "openToday": true}),
        "{evening}"
    );
    let evening_id = evening["data"]["createCheckInProject"]["node"]["id"].clone();
    let listed_at = evening["data"]["createCheckInProject"]["position"].clone();
    app.get(&key, &format!("{base}?min_position={listed_at}"))
        .await;
    let listed = app
        .graphql(
            &ada_token,
            "{ checkInProjects(space: \"habits\") { edges { node { id viewer { checkedInToday } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["checkInProjects"]["edges"],
        json!([{"node": {"id": id, "viewer": {"checkedInToday": true}}},
            {"node": {"id": evening_id, "viewer": {"checkedInToday": false}}}]),
        "{listed}"
    );

    // What members wrote, by day; erasure takes the text away, live and on rebuild.
    let feed = |day: &'static str| format!("{base}/check-ins?day={day}");
    let written = app.get(&key, &feed("2031-03-03")).await;
    assert_eq!(
        (
            &written.body["data"][0]["member_id"],
            &written.body["data"][0]["text"],
            &written.body["data"][0]["streak"]
        ),
        (
            &json!(ada),
            &json!("Read a chapter and took notes."),
            &json!(1)
        ),
        "{written:?}"
    );
    assert_eq!(
        app.get(&key, &format!("{base}/check-ins")).await.body["data"][0]["day"],
        "2031-03-15"
    );
    let erased = app
        .delete(
            &key,
            &format!("/v1/spaces/habits/members/{ada}/personal-data"),
        )
        .await;
    assert!(erased.status < 300, "{erased:?}");
    let gone = app
        .get(
            &key,
            &format!("{}&min_position={}", feed("2031-03-03"), erased.position()),
        )
        .await;
    assert_eq!(
        (
            &gone.body["data"][0]["text"],
            &gone.body["data"][0]["display_name"]
        ),
        (&Value::Null, &Value::Null),
        "{gone:?}"
    );
    let live = lyceum_projections::checksum::checksum(&app.db, Projection::CheckIns)
        .await
        .unwrap();
    lyceum_projections::rebuild::rebuild(&app.db, Projection::CheckIns, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        lyceum_projections::checksum::checksum(&app.db, Projection::CheckIns)
            .await
            .unwrap(),
        live,
        "a rebuild cannot open the erased text either"
    );
    app.finish().await;
}
