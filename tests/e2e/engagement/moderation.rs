//! Moderation on a clock the test moves: a muted member is refused with a clear error until
//! the mute ends; a banned member's session is revoked at once; hidden and removed comments;
//! the report queue; and the per-member rate limit answering 429 with `Retry-After`.

use super::Space;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, Utc};
use lyceum_store::clock::ManualClock;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(mutes_bans_reports_and_rate_limits);

/// Posts a comment to the list at `path`.
async fn say(app: &TestApp, path: &str, token: &str, body: &str) -> crate::support::Reply {
    app.post(token, path, json!({"body": body})).await
}

/// Whether `token` sees comment `id` in the list at `path`.
async fn sees(app: &TestApp, token: &str, path: &str, id: &str) -> bool {
    let list = app.get(token, path).await;
    list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == id)
}

async fn mutes_bans_reports_and_rate_limits(backend: Backend) {
    let clock = ManualClock::at(Utc::now());
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let space = Space::new(&app, "moderated").await;
    let post = space
        .publish(&app, "post", json!({"policy": "members"}))
        .await;
    let (ada_id, ada) = space.member(&app, "ada").await;
    let (bob_id, bob) = space.member(&app, "bob").await;
    let (_, cy) = space.member(&app, "cy").await;
    let comments = space.path(&format!("/content/{post}/comments"));

    // A mute: refused with when it ends, nothing written, allowed again once it ends.
    let muted = app
        .post(
            &space.key,
            &space.path(&format!("/members/{ada_id}/mute")),
            json!({"minutes": 60, "reason": "Cool off"}),
        )
        .await;
    assert_eq!(muted.status, 200, "{muted:?}");
    let until = muted.body["muted_until"].as_str().unwrap().to_owned();
    let before = app.event_count().await;
    let refused = say(&app, &comments, &ada, "Let me speak").await;
    refused.assert_problem(403, "member_muted");
    assert!(
        refused.body["detail"].as_str().unwrap().contains(&until),
        "{refused:?}"
    );
    assert_eq!(app.event_count().await, before, "a refusal writes nothing");
    let mute_event = app.events_of("member", &ada_id, "MemberMuted").await;
    assert!(
        mute_event[0]["actor"].as_str().unwrap().starts_with("key:"),
        "{mute_event:?}"
    );
    clock.advance(Duration::minutes(61));
    let spoken = say(&app, &comments, &ada, "Let me speak").await;
    assert_eq!(spoken.status, 201, "the mute ended: {spoken:?}");
    let spoken_id = spoken.body["id"].as_str().unwrap().to_owned();
    let mute = "mutation($s: String!, $m: ID!) { muteMember(space: $s, memberId: $m, minutes: 10) { node { mutedUntil banned } position } }";
    let vars = json!({"s": space.slug, "m": ada_id});
    let by_member = app.graphql(&cy, mute, vars.clone()).await;
    assert_eq!(
        by_member["errors"][0]["extensions"]["code"], "forbidden",
        "{by_member}"
    );
    let gql = app.graphql(&space.key, mute, vars).await;
    assert!(
        gql["data"]["muteMember"]["node"]["mutedUntil"].is_string(),
        "{gql}"
    );
    assert_eq!(gql["data"]["muteMember"]["node"]["banned"], false);
    let unmuted = app
        .delete(&space.key, &space.path(&format!("/members/{ada_id}/mute")))
        .await;
    assert_eq!(unmuted.body["muted_until"], Value::Null, "{unmuted:?}");
    assert_eq!(say(&app, &comments, &ada, "Thanks").await.status, 201);

    // Hiding and removing: others no longer see a hidden comment, its author does.
    let hidden = app
        .post(
            &space.key,
            &space.path(&format!("/comments/{spoken_id}/hide")),
            json!({"reason": "Shouting"}),
        )
        .await;
    assert_eq!(hidden.body["status"], "hidden", "{hidden:?}");
    space.settle(&app, hidden.position()).await;
    let seen = |token| sees(&app, token, &comments, &spoken_id);
    assert!(!seen(&cy).await, "others do not see a hidden comment");
    assert!(seen(&ada).await, "its author does");
    assert!(seen(&space.key).await, "the creator does");
    let removed = app
        .post(
            &space.key,
            &space.path(&format!("/comments/{spoken_id}/remove")),
            json!({}),
        )
        .await;
    assert_eq!(removed.body["status"], "removed", "{removed:?}");
    assert_eq!(removed.body["body"], Value::Null);

    // Reports: filed by a member, queued for the creator, resolved once.
    let report = app
        .post(
            &cy,
            &space.path("/reports"),
            json!({"content_id": post, "comment_id": spoken_id, "reason": "harassment",
                "details": "Shouting at everyone"}),
        )
        .await;
    assert_eq!(report.status, 201, "{report:?}");
    assert_eq!(report.body["status"], "open");
    let report_id = report.body["id"].as_str().unwrap().to_owned();
    app.get(&cy, &space.path("/reports"))
        .await
        .assert_problem(403, "forbidden");
    let queue = app
        .get(
            &space.key,
            &space.path(&format!(
                "/reports?status=open&min_position={}",
                report.position()
            )),
        )
        .await;
    assert_eq!(queue.body["data"][0]["id"], report_id.as_str(), "{queue:?}");
    assert_eq!(queue.body["data"][0]["details"], "Shouting at everyone");
    app.post(
        &cy,
        &space.path("/reports"),
        json!({"content_id": post, "comment_id": spoken_id, "reason": "spam"}),
    )
    .await
    .assert_problem(409, "conflict");
    let resolve = space.path(&format!("/reports/{report_id}/resolve"));
    let resolved = app
        .post(
            &space.key,
            &resolve,
            json!({"outcome": "actioned", "note": "Removed"}),
        )
        .await;
    assert_eq!(resolved.status, 200, "{resolved:?}");
    assert_eq!(resolved.body["outcome"], "actioned");
    assert!(
        resolved.body["resolved_by"]
            .as_str()
            .unwrap()
            .starts_with("key:")
    );
    app.post(&space.key, &resolve, json!({"outcome": "dismissed"}))
        .await
        .assert_problem(409, "invalid_transition");
    let open = app
        .get(
            &space.key,
            &space.path(&format!(
                "/reports?status=open&min_position={}",
                resolved.position()
            )),
        )
        .await;
    assert_eq!(open.body["data"], json!([]), "{open:?}");

    // A ban revokes the session at once and empties the entitlements.
    let me = app.get(&bob, "/v1/auth/me").await;
    assert_eq!(me.status, 200, "{me:?}");
    let banned = app
        .post(
            &space.key,
            &space.path(&format!("/members/{bob_id}/ban")),
            json!({"reason": "Spam"}),
        )
        .await;
    assert_eq!(banned.body["banned"], true, "{banned:?}");
    app.get(&bob, "/v1/auth/me")
        .await
        .assert_problem(401, "unauthorized");
    say(&app, &comments, &bob, "Still here?")
        .await
        .assert_problem(401, "unauthorized");
    let entitlements = app
        .get(
            &space.key,
            &space.path(&format!(
                "/members/{bob_id}/entitlements?min_position={}",
                banned.position()
            )),
        )
        .await;
    assert_eq!(entitlements.body["is_member"], false, "{entitlements:?}");
    let member = app
        .get(&space.key, &space.path(&format!("/members/{bob_id}")))
        .await;
    assert_eq!(member.body["status"], "banned");

    // The rate limit: 30 comments a minute, then 429 with Retry-After, until the window moves.
    for n in 0..30 {
        let posted = say(&app, &comments, &cy, &format!("Comment {n}")).await;
        assert_eq!(posted.status, 201, "{posted:?}");
    }
    let before = app.event_count().await;
    let limited = say(&app, &comments, &cy, "One too many").await;
    limited.assert_problem(429, "rate_limited");
    let retry: u32 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{limited:?}");
    assert_eq!(app.event_count().await, before);
    let gql = app
        .graphql(
            &cy,
            "mutation($c: ID!) { postComment(input: {contentId: $c, body: \"Again\"}) { node { id } } }",
            json!({"c": post}),
        )
        .await;
    assert_eq!(
        gql["errors"][0]["extensions"]["code"], "rate_limited",
        "{gql}"
    );
    assert!(gql["errors"][0]["extensions"]["retry_after"].is_number());
    clock.advance(Duration::seconds(61));
    assert_eq!(say(&app, &comments, &cy, "Later").await.status, 201);
    app.finish().await;
}
