//! The topic graph: topics related as prerequisites (never in a cycle) or simply related, read
//! back whole by creators and members, and the catalog filtered by topic and by tag, over REST
//! and GraphQL.

use crate::content_support::{assert_replay_matches, draft, item};
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(topic_graph);

async fn topic(app: &TestApp, key: &str, name: &str) -> String {
    let topic = app
        .post(key, "/v1/spaces/graph/topics", json!({"name": name}))
        .await;
    assert_eq!(topic.status, 201, "{topic:?}");
    topic.body["id"].as_str().unwrap().to_owned()
}

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn topic_graph(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("graph").await;
    let basics = topic(&app, &key, "Basics").await;
    let ownership = topic(&app, &key, "Ownership").await;
    let lifetimes = topic(&app, &key, "Lifetimes").await;
    let testing = topic(&app, &key, "Testing").await;
    app.post(&key, "/v1/spaces/graph/topics", json!({"name": "basics"}))
        .await
        .assert_problem(409, "conflict");
    let relate = |from: &str, to: &str, relation: &str| {
        let path = format!("/v1/spaces/graph/topics/{from}/relations");
        let body = json!({"topic_id": to, "relation": relation});
        let (app, key) = (&app, &key);
        async move { app.post(key, &path, body).await }
    };
    assert_eq!(
        relate(&basics, &ownership, "prerequisite_of").await.status,
        200
    );
    let last = relate(&ownership, &lifetimes, "prerequisite_of").await;
    assert_eq!(last.status, 200, "{last:?}");
    relate(&testing, &basics, "related_to").await;
    app.get(
        &key,
        &format!("/v1/spaces/graph/topics?min_position={}", last.position()),
    )
    .await;
    let before = app.event_count().await;
    relate(&lifetimes, &basics, "prerequisite_of")
        .await
        .assert_problem(422, "validation_failed");
    relate(&basics, &basics, "related_to")
        .await
        .assert_problem(422, "validation_failed");
    let again = relate(&basics, &ownership, "prerequisite_of").await;
    assert_eq!(again.status, 200);
    assert_eq!(
        app.event_count().await,
        before,
        "a cycle, a loop or a repeat writes nothing"
    );

    let (_, token) = app.sign_up("graph", "ada@example.org").await;
    let graph = app.get(&token, "/v1/spaces/graph/topics").await;
    let names: Vec<&str> = graph.body["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Basics", "Lifetimes", "Ownership", "Testing"],
        "{graph:?}"
    );
    let mut relations: Vec<(String, String, String)> = graph.body["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["from_topic_id"].as_str().unwrap().to_owned(),
                r["to_topic_id"].as_str().unwrap().to_owned(),
                r["relation"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    relations.sort();
    let mut expected = vec![
        (
            basics.clone(),
            ownership.clone(),
            "prerequisite_of".to_owned(),
        ),
        (
            ownership.clone(),
            lifetimes.clone(),
            "prerequisite_of".to_owned(),
        ),
        (testing.clone(), basics.clone(), "related_to".to_owned()),
    ];
    expected.sort();
    assert_eq!(relations, expected);

    let access = json!({"policy": "public"});
    let intro = item(
        &app,
        &key,
        "graph",
        draft("article", "Intro", "x", access.clone()),
        true,
    )
    .await;
    let borrow = item(
        &app,
        &key,
        "graph",
        draft("article", "Borrowing", "x", access.clone()),
        true,
    )
    .await;
    let hidden = item(
        &app,
        &key,
        "graph",
        draft("article", "Unpublished", "x", access),
        false,
    )
    .await;
    let mut position = 0;
    for (id, tags, topics) in [
        (&intro, json!(["Start", "free"]), json!([basics])),
        (&borrow, json!(["free"]), json!([ownership, basics])),
        (&hidden, json!(["free"]), json!([basics])),
    ] {
        let tagged = app
            .call(
                reqwest::Method::PUT,
                Some(&key),
                &format!("/v1/spaces/graph/content/{id}/tags"),
                Some(json!({"tags": tags, "topic_ids": topics})),
            )
            .await;
        assert_eq!(tagged.status, 200, "{tagged:?}");
        position = tagged.position();
    }
    let tagged = app
        .get(
            &key,
            &format!("/v1/spaces/graph/content/{intro}?min_position={position}"),
        )
        .await;
    assert_eq!(tagged.body["tags"], json!(["free", "start"]));
    assert_eq!(tagged.body["topic_ids"], json!([basics]));
    let filtered = app
        .get(
            &token,
            &format!("/v1/spaces/graph/content?topic={ownership}"),
        )
        .await;
    assert_eq!(ids(&filtered.body), [borrow.as_str()]);
    let basics_items = app
        .get(&token, &format!("/v1/spaces/graph/content?topic={basics}"))
        .await;
    assert_eq!(
        ids(&basics_items.body),
        [borrow.as_str(), intro.as_str()],
        "published items only, newest first"
    );
    let creator_basics = app
        .get(&key, &format!("/v1/spaces/graph/content?topic={basics}"))
        .await;
    assert_eq!(ids(&creator_basics.body).len(), 3, "{creator_basics:?}");
    let start = app.get(&token, "/v1/spaces/graph/content?tag=START").await;
    assert_eq!(ids(&start.body), [intro.as_str()]);
    let none = app
        .get(
            &token,
            &format!("/v1/spaces/graph/content?topic={lifetimes}"),
        )
        .await;
    assert!(ids(&none.body).is_empty());

    let gql = app
        .graphql(&token,
            "query($t: ID!) { topicGraph(space: \"graph\") { topics { name } relations { relation } }
              catalog(space: \"graph\", filter: {topicId: $t}) { edges { node { title topicIds } } } }",
            json!({"t": ownership}))
        .await;
    assert_eq!(
        gql["data"]["topicGraph"]["topics"]
            .as_array()
            .unwrap()
            .len(),
        4,
        "{gql}"
    );
    assert_eq!(
        gql["data"]["catalog"]["edges"][0]["node"]["title"],
        "Borrowing"
    );
    assert_replay_matches(&app, lyceum_projections::Projection::Content).await;
    app.finish().await;
}
