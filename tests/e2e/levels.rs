//! Member levels: refused ladders write nothing; a member's level follows their points as the
//! creator adjusts them, in REST and in the GraphQL viewer; points never go below zero; and
//! another space's member is not found.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(levels);

async fn levels(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("ladder").await;
    let (_, other) = app.space("elsewhere").await;
    let put = |body: Value| {
        app.call(
            reqwest::Method::PUT,
            Some(&key),
            "/v1/spaces/ladder/levels",
            Some(body),
        )
    };
    assert_eq!(
        app.get(&key, "/v1/spaces/ladder/levels").await.body,
        json!({"levels": []})
    );
    let signed_up = app
        .call(reqwest::Method::POST, None, "/v1/spaces/ladder/auth/sign-up",
            Some(json!({"email": "ada@example.org", "display_name": "Ada", "password": "a long passphrase"})))
        .await;
    let token = signed_up.body["session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let ada = signed_up.body["member"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        signed_up.body["member"]["level"],
        Value::Null,
        "{signed_up:?}"
    );

    let before = app.event_count().await;
    for refused in [
        json!({"levels": [{"threshold": 10, "name": "Newcomer"}]}),
        json!({"levels": [{"threshold": 0, "name": "A"}, {"threshold": 0, "name": "B"}]}),
        json!({"levels": [{"threshold": 0, "name": "A"}, {"threshold": 5, "name": " a "}]}),
        json!({"levels": [{"threshold": 0, "name": "  "}]}),
        json!({"levels": []}),
    ] {
        put(refused).await.assert_problem(422, "validation_failed");
    }
    put(json!({"levels": [{"threshold": -1, "name": "A"}]}))
        .await
        .assert_problem(400, "bad_request");
    put(json!({"tiers": []}))
        .await
        .assert_problem(400, "bad_request");
    let points = format!("/v1/spaces/ladder/members/{ada}/points");
    for refused in [
        json!({"delta": 0, "reason": "nothing"}),
        json!({"delta": -1, "reason": "below zero"}),
        json!({"delta": 5, "reason": ""}),
    ] {
        app.post(&key, &points, refused)
            .await
            .assert_problem(422, "validation_failed");
    }
    app.post(&key, &points, json!({"delta": "5", "reason": "x"}))
        .await
        .assert_problem(400, "bad_request");
    app.post(
        &other,
        &format!("/v1/spaces/elsewhere/members/{ada}/points"),
        json!({"delta": 5, "reason": "x"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(&token, &points, json!({"delta": 5, "reason": "x"}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.event_count().await,
        before,
        "refused requests wrote nothing"
    );

    let ladder = json!({"levels": [{"threshold": 0, "name": "Newcomer"},
        {"threshold": 100, "name": "Regular"}, {"threshold": 1000, "name": "Scholar"}]});
    let set = put(ladder.clone()).await;
    assert_eq!((set.status, &set.body), (200, &ladder), "{set:?}");
    let member = app
        .get(
            &key,
            &format!(
                "/v1/spaces/ladder/members/{ada}?min_position={}",
                set.position()
            ),
        )
        .await;
    assert_eq!(
        (&member.body["points"], &member.body["level"]),
        (
            &json!(0),
            &json!({"name": "Newcomer", "threshold": 0, "next_name": "Regular", "points_to_next": 100})
        ),
        "{member:?}"
    );

    let up = app
        .post(
            &key,
            &points,
            json!({"delta": 150, "reason": "Ran the study group"}),
        )
        .await;
    assert_eq!(
        (
            up.status,
            &up.body["points"],
            &up.body["level"]["name"],
            &up.body["level"]["points_to_next"]
        ),
        (200, &json!(150), &json!("Regular"), &json!(850)),
        "{up:?}"
    );
    let down = app
        .post(
            &key,
            &points,
            json!({"delta": -60, "reason": "Double counted"}),
        )
        .await;
    assert_eq!(
        (&down.body["points"], &down.body["level"]["name"]),
        (&json!(90), &json!("Newcomer"))
    );
    app.post(&key, &points, json!({"delta": -91, "reason": "too many"}))
        .await
        .assert_problem(422, "validation_failed");

    let top = app
        .post(
            &key,
            &points,
            json!({"delta": 5000, "reason": "Wrote the handbook"}),
        )
        .await;
    let read = app
        .get(
            &key,
            &format!(
                "/v1/spaces/ladder/members/{ada}?min_position={}",
                top.position()
            ),
        )
        .await;
    let viewer = app
        .graphql(
            &token,
            "{ viewer { points referralCode level { name nextName pointsToNext }
                entitlements { isMember tierIds } purchases { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(read.body["points"], 5090);
    assert_eq!(
        viewer["data"]["viewer"],
        json!({"points": 5090, "referralCode": read.body["referral_code"],
            "level": {"name": "Scholar", "nextName": null, "pointsToNext": null},
            "entitlements": {"isMember": true, "tierIds": []}, "purchases": {"edges": []}}),
        "{viewer}"
    );
    // Members may read the ladder of their own space.
    assert_eq!(
        app.get(&token, "/v1/spaces/ladder/levels").await.body,
        ladder
    );
    app.finish().await;
}
