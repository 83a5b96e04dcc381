//! An aggregate's state as of a point of the log, over REST and GraphQL on both backends: a
//! member, a content item, a space and a tier folded at several positions and times, the
//! history cut the same way, bad cuts refused with their codes, and an auditor of another space
//! told the stream is not there.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};

on_both_backends!(state_as_of_a_point);

const STATE_QUERY: &str = "query($t: String!, $id: ID!, $p: Int, $at: String) {
    streamState(aggregateType: $t, aggregateId: $id, asOfPosition: $p, asOf: $at) {
        aggregateType aggregateId version position recordedAt state
    }
}";

async fn state_as_of_a_point(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (space_id, key) = app.space("asof").await;
    let tier = app
        .post(
            &key,
            "/v1/spaces/asof/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let tier_id = tier.body["id"].as_str().unwrap().to_owned();
    let added = app
        .post(
            &key,
            "/v1/spaces/asof/members",
            json!({"email": "ada@example.org", "display_name": "Ada"}),
        )
        .await;
    let member = added.body["id"].as_str().unwrap().to_owned();
    let joined = app
        .post(
            &key,
            &format!("/v1/spaces/asof/members/{member}/join"),
            json!({"tier_id": tier_id}),
        )
        .await;
    let draft = app
        .post(
            &key,
            "/v1/spaces/asof/content",
            json!({"kind": "post", "title": "Draft", "body": "b", "access": {"policy": "public"}}),
        )
        .await;
    let content = draft.body["id"].as_str().unwrap().to_owned();
    let edited = app
        .patch(
            &key,
            &format!("/v1/spaces/asof/content/{content}"),
            json!({"title": "Edited"}),
        )
        .await;
    let published = app
        .post_empty(&key, &format!("/v1/spaces/asof/content/{content}/publish"))
        .await;
    let (p_added, p_joined) = (added.position(), joined.position());
    let (p_draft, p_edited, p_published) =
        (draft.position(), edited.position(), published.position());

    let auditor = app
        .post(&key, "/v1/spaces/asof/keys", json!({"role": "auditor"}))
        .await;
    let auditor = auditor.body["key"].as_str().unwrap().to_owned();
    let state = |kind: &str, id: &str, query: String| {
        let (app, auditor) = (&app, auditor.clone());
        let path = format!("/v1/streams/{kind}/{id}/state{query}");
        async move { app.get(&auditor, &path).await }
    };

    // A member: added, then in a tier; every point between folds to what it held then.
    let at_added = state("member", &member, format!("?as_of_position={p_added}")).await;
    assert_eq!(at_added.status, 200, "{at_added:?}");
    assert_eq!(at_added.body["aggregate_type"], "member");
    assert_eq!(at_added.body["aggregate_id"], member.as_str());
    assert_eq!(at_added.body["version"], 1);
    assert_eq!(at_added.body["position"], p_added);
    assert_eq!(
        at_added.body["state"]["state"]["space_id"],
        space_id.as_str()
    );
    assert_eq!(at_added.body["state"]["state"]["tiers"], json!([]));
    assert_eq!(at_added.body["state"]["state"]["removed"], false);
    let between = state(
        "member",
        &member,
        format!("?as_of_position={}", p_joined - 1),
    )
    .await;
    assert_eq!(between.body, at_added.body);
    let at_joined = state("member", &member, format!("?as_of_position={p_joined}")).await;
    assert_eq!(at_joined.body["version"], 2);
    assert_eq!(at_joined.body["state"]["state"]["tiers"], json!([tier_id]));
    let now = state("member", &member, String::new()).await;
    assert_eq!(now.body, at_joined.body);
    assert!(
        !now.body.to_string().contains("ada@example.org"),
        "personal data stays sealed: {}",
        now.body
    );
    let before = state(
        "member",
        &member,
        format!("?as_of_position={}", p_added - 1),
    )
    .await;
    before.assert_problem(404, "not_found");

    // A content item at each of its three events.
    let mut seen = Vec::new();
    for (position, version, title, status) in [
        (p_draft, 1, "Draft", "draft"),
        (p_edited, 2, "Edited", "draft"),
        (p_published, 3, "Edited", "published"),
    ] {
        let reply = state("content", &content, format!("?as_of_position={position}")).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(reply.body["version"], version);
        assert_eq!(reply.body["position"], position);
        let folded = &reply.body["state"]["state"];
        assert_eq!(folded["title"], title, "{reply:?}");
        assert_eq!(folded["status"], status, "{reply:?}");
        assert_eq!(folded["revision"], if version == 1 { 1 } else { 2 });
        seen.push(reply.body);
    }
    // The same points as times: each event's own time keeps it, and any spelling of that time
    // (another offset) means the same instant.
    for body in &seen {
        let recorded = body["recorded_at"].as_str().unwrap();
        let at = |text: &str| format!("?as_of={}", urlencoding(text));
        let reply = state("content", &content, at(recorded)).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert!(reply.body["version"].as_i64() >= body["version"].as_i64());
        let eastern = DateTime::parse_from_rfc3339(recorded)
            .unwrap()
            .with_timezone(&FixedOffset::east_opt(5 * 3600 + 1800).unwrap())
            .to_rfc3339();
        let shifted = state("content", &content, at(&eastern)).await;
        assert_eq!(shifted.body, reply.body);
    }
    let first = seen[0]["recorded_at"].as_str().unwrap();
    let earlier =
        (DateTime::parse_from_rfc3339(first).unwrap() - chrono::Duration::seconds(1)).to_rfc3339();
    state(
        "content",
        &content,
        format!("?as_of={}", urlencoding(&earlier)),
    )
    .await
    .assert_problem(404, "not_found");

    // The space and the tier fold too.
    let space = state("space", &space_id, format!("?as_of_position={p_added}")).await;
    assert_eq!(space.status, 200, "{space:?}");
    assert_eq!(space.body["state"]["created"]["name"], "Space asof");
    let tier = state("tier", &tier_id, String::new()).await;
    assert_eq!(tier.body["state"]["defined"]["name"], "Free");

    // The history is cut the same way, and stays an array.
    let history = app
        .get(
            &auditor,
            &format!("/v1/streams/content/{content}?as_of_position={p_edited}"),
        )
        .await;
    assert_eq!(history.status, 200, "{history:?}");
    let versions: Vec<i64> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2]);
    let whole = app
        .get(&auditor, &format!("/v1/streams/content/{content}"))
        .await;
    assert_eq!(whole.body.as_array().map(Vec::len), Some(3));

    // Bad cuts.
    let both = format!("?as_of_position={p_added}&as_of=2030-01-01T00:00:00Z");
    for route in [
        format!("/v1/streams/member/{member}/state"),
        format!("/v1/streams/member/{member}"),
    ] {
        app.get(&auditor, &format!("{route}{both}"))
            .await
            .assert_problem(422, "validation_failed");
        for bad in [
            "?as_of_position=soon",
            "?as_of_position=-1",
            "?as_of=yesterday",
        ] {
            app.get(&auditor, &format!("{route}{bad}"))
                .await
                .assert_problem(400, "bad_request");
        }
    }
    state("nothing", &member, String::new())
        .await
        .assert_problem(404, "not_found");
    state("member", "not-a-uuid", String::new())
        .await
        .assert_problem(400, "bad_request");
    app.get(&key, &format!("/v1/streams/member/{member}/state"))
        .await
        .assert_problem(403, "forbidden");

    // An auditor of another space sees no stream of this one; the admin sees every one.
    app.space("elsewhere").await;
    let stranger = app
        .post(
            &app.admin,
            "/v1/spaces/elsewhere/keys",
            json!({"role": "auditor"}),
        )
        .await;
    let stranger = stranger.body["key"].as_str().unwrap().to_owned();
    for path in [
        format!("/v1/streams/member/{member}/state"),
        format!("/v1/streams/member/{member}/state?as_of_position={p_joined}"),
        format!("/v1/streams/member/{member}?as_of_position={p_joined}"),
    ] {
        app.get(&stranger, &path)
            .await
            .assert_problem(404, "not_found");
    }
    let admin = app
        .get(&app.admin, &format!("/v1/streams/member/{member}/state"))
        .await;
    assert_eq!(admin.body, now.body);

    // Every stream the log holds has a state.
    let feed = app.get(&app.admin, "/v1/events").await;
    for event in feed.body["data"].as_array().unwrap() {
        let (kind, id) = (&event["aggregate_type"], &event["aggregate_id"]);
        let path = format!(
            "/v1/streams/{}/{}/state",
            kind.as_str().unwrap(),
            id.as_str().unwrap()
        );
        let reply = app.get(&app.admin, &path).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert!(reply.body["state"].is_object(), "{reply:?}");
    }

    // GraphQL: the same states, the same refusals.
    let gql = |key: String, vars: Value| {
        let app = &app;
        async move { app.graphql(&key, STATE_QUERY, vars).await }
    };
    let answer = gql(
        auditor.clone(),
        json!({"t": "member", "id": member, "p": p_added}),
    )
    .await;
    let node = &answer["data"]["streamState"];
    assert_eq!(node["version"], 1, "{answer}");
    assert_eq!(node["position"], p_added);
    assert_eq!(node["aggregateId"], member.as_str());
    assert_eq!(node["recordedAt"], at_added.body["recorded_at"]);
    assert_eq!(node["state"], at_added.body["state"]);
    let at_time = gql(
        auditor.clone(),
        json!({"t": "content", "id": content, "at": seen[1]["recorded_at"]}),
    )
    .await;
    assert_eq!(
        at_time["data"]["streamState"]["state"]["state"]["title"],
        "Edited"
    );
    let both = gql(
        auditor.clone(),
        json!({"t": "member", "id": member, "p": p_added, "at": "2030-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(both["errors"][0]["extensions"]["code"], "validation_failed");
    let bad = gql(
        auditor.clone(),
        json!({"t": "member", "id": member, "at": "x"}),
    )
    .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "bad_request");
    let hidden = gql(stranger, json!({"t": "member", "id": member})).await;
    assert_eq!(hidden["data"]["streamState"], Value::Null, "{hidden}");
    assert!(hidden["errors"].is_null(), "{hidden}");
    let creator = gql(key, json!({"t": "member", "id": member})).await;
    assert_eq!(creator["errors"][0]["extensions"]["code"], "forbidden");
    app.finish().await;
}

/// Percent-encodes what a time may hold that a query string would misread (`+`, `:`).
fn urlencoding(text: &str) -> String {
    text.replace('%', "%25")
        .replace('+', "%2B")
        .replace(':', "%3A")
}
