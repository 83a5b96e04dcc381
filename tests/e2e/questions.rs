//! Questions and answers: a member asks, a member without the guest role cannot answer, the
//! creator makes another member a guest who answers, and the asker accepts that answer (once).
//! GraphQL makes the same moves, and nothing crosses spaces.

use crate::content_support::assert_replay_matches;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::json;

on_both_backends!(questions);

async fn questions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("guild").await;
    let (_, other_key) = app.space("elsewhere").await;
    let (asker, asker_token) = app.sign_up("guild", "ada@example.org").await;
    let (guest, guest_token) = app.sign_up("guild", "grace@example.org").await;
    let (_, bystander_token) = app.sign_up("guild", "bo@example.org").await;

    key_cannot_ask(&app, &key).await;
    let asked = app
        .post(
            &asker_token,
            "/v1/spaces/guild/questions",
            json!({"title": "How long is a focus block?", "body": "I drift after 40 minutes."}),
        )
        .await;
    assert_eq!(asked.status, 201, "{asked:?}");
    assert_eq!(asked.body["member_id"], asker.as_str());
    let question = asked.body["id"].as_str().unwrap().to_owned();
    let answers = format!("/v1/spaces/guild/questions/{question}/answers");

    let before = app.event_count().await;
    app.post(&guest_token, &answers, json!({"body": "Try 60 minutes."}))
        .await
        .assert_problem(403, "forbidden");
    app.post(&bystander_token, &answers, json!({"body": "Me too."}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.event_count().await,
        before,
        "a refused answer writes nothing"
    );

    let granted = app
        .post_empty(&key, &format!("/v1/spaces/guild/members/{guest}/guest"))
        .await;
    assert_eq!(
        granted.body,
        json!({"member_id": guest, "guest": true}),
        "{granted:?}"
    );
    let guests = app
        .get(
            &key,
            &format!(
                "/v1/spaces/guild/guests?min_position={}",
                granted.position()
            ),
        )
        .await;
    assert_eq!(guests.body["member_ids"], json!([guest]));
    let answered = app
        .post(
            &guest_token,
            &answers,
            json!({"body": "Start with 60 minutes, add 15 a week."}),
        )
        .await;
    assert_eq!(answered.status, 200, "{answered:?}");
    assert_eq!(answered.body["answerer_id"], guest.as_str());
    let answer = answered.body["id"].as_str().unwrap().to_owned();
    let by_creator = app
        .post(
            &key,
            &answers,
            json!({"body": "Or take a walk between blocks."}),
        )
        .await;
    assert_eq!(
        by_creator.body["answerer_id"],
        serde_json::Value::Null,
        "{by_creator:?}"
    );

    let accept = format!("{answers}/{answer}/accept");
    app.post_empty(&guest_token, &accept)
        .await
        .assert_problem(403, "forbidden");
    let accepted = app.post_empty(&asker_token, &accept).await;
    assert_eq!(accepted.body["accepted"], true, "{accepted:?}");
    let creator_answer = by_creator.body["id"].as_str().unwrap();
    app.post_empty(&key, &format!("{answers}/{creator_answer}/accept"))
        .await
        .assert_problem(409, "invalid_transition");
    let events = app.events_of("question", &question, "AnswerAccepted").await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0]["payload"],
        json!({"answer_id": answer, "answerer_id": guest})
    );

    let read = app
        .get(
            &bystander_token,
            &format!(
                "/v1/spaces/guild/questions/{question}?min_position={}",
                accepted.position()
            ),
        )
        .await;
    assert_eq!(read.body["accepted_answer_id"], answer.as_str(), "{read:?}");
    assert_eq!(read.body["answer_count"], 2);
    let bodies: Vec<&str> = read.body["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "Start with 60 minutes, add 15 a week.",
            "Or take a walk between blocks."
        ]
    );
    let list = app.get(&key, "/v1/spaces/guild/questions").await;
    assert_eq!(list.body["data"][0]["id"], question.as_str());

    // Revoked, the guest may answer no more.
    let revoked = app
        .delete(&key, &format!("/v1/spaces/guild/members/{guest}/guest"))
        .await;
    assert_eq!(revoked.body["guest"], false);
    app.post(&guest_token, &answers, json!({"body": "One more thing."}))
        .await
        .assert_problem(403, "forbidden");

    graphql_flow(&app, &key, &asker_token, &guest, &guest_token).await;

    // Another space sees none of it.
    app.get(
        &other_key,
        &format!("/v1/spaces/elsewhere/questions/{question}"),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &other_key,
        &format!("/v1/spaces/elsewhere/questions/{question}/answers"),
        json!({"body": "x"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&asker_token, "/v1/spaces/elsewhere/questions")
        .await
        .assert_problem(404, "not_found");
    assert_replay_matches(&app, lyceum_projections::Projection::Questions).await;
    app.finish().await;
}

async fn key_cannot_ask(app: &TestApp, key: &str) {
    app.post(
        key,
        "/v1/spaces/guild/questions",
        json!({"title": "Hm?", "body": "Keys do not ask."}),
    )
    .await
    .assert_problem(403, "forbidden");
}

async fn graphql_flow(app: &TestApp, key: &str, asker: &str, guest: &str, guest_token: &str) {
    let asked = app
        .graphql(asker,
            "mutation { askQuestion(space: \"guild\", input: {title: \"Pomodoro?\", body: \"Worth it?\"}) { node { id } } }",
            json!({}))
        .await;
    let id = asked["data"]["askQuestion"]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = "mutation($q: ID!) { answerQuestion(space: \"guild\", questionId: $q, body: \"Yes.\") { node { id answererId } } }";
    let refused = app.graphql(guest_token, answer, json!({"q": id})).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "forbidden",
        "{refused}"
    );
    app.graphql(
        key,
        "mutation($m: ID!) { grantGuestRole(space: \"guild\", memberId: $m) { node { guest } } }",
        json!({"m": guest}),
    )
    .await;
    let answered = app.graphql(guest_token, answer, json!({"q": id})).await;
    let node = &answered["data"]["answerQuestion"]["node"];
    assert_eq!(node["answererId"], guest, "{answered}");
    let accepted = app
        .graphql(asker,
            "mutation($q: ID!, $a: ID!) { acceptAnswer(space: \"guild\", questionId: $q, answerId: $a) { node { accepted } position } }",
            json!({"q": id, "a": node["id"]}))
        .await;
    assert_eq!(
        accepted["data"]["acceptAnswer"]["node"]["accepted"], true,
        "{accepted}"
    );
    let position = accepted["data"]["acceptAnswer"]["position"]
        .as_i64()
        .unwrap();
    app.until(
        key,
        &format!("/v1/spaces/guild/questions/{id}"),
        "the accepted answer",
        |q| q["accepted_answer_id"] == node["id"],
    )
    .await;
    let read = app
        .graphql(
            asker,
            "query($q: ID!) { question(space: \"guild\", id: $q) { answers { body accepted } } }",
            json!({"q": id}),
        )
        .await;
    assert!(position > 0);
    assert_eq!(
        read["data"]["question"]["answers"],
        json!([{"body": "Yes.", "accepted": true}])
    );
}
