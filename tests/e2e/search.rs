//! Full-text search on both backends (Postgres `tsvector`, SQLite FTS5): a member finds a locked
//! item by its title, gets it locked and never its body; a word found only in a locked body
//! finds nothing for them; once their access covers the item, its body is searched too. Query
//! syntax of either backend is just words.

use crate::content_support::{assert_replay_matches, draft, item};
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(search);

const SECRET: &str = "The quokka protocol doubles your focus.";

fn titles(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn search(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("library").await;
    let insiders = app.paid_tier(&key, "library", "Insiders", 900, 0).await;
    let paid = json!({"policy": "tiers", "tier_ids": [insiders]});
    item(
        &app,
        &key,
        "library",
        draft("article", "Focus rituals", SECRET, paid.clone()),
        true,
    )
    .await;
    item(
        &app,
        &key,
        "library",
        draft(
            "post",
            "Morning focus",
            "Coffee, then focus.",
            json!({"policy": "members"}),
        ),
        true,
    )
    .await;
    item(
        &app,
        &key,
        "library",
        draft(
            "post",
            "Focus drafts",
            "Unpublished focus.",
            json!({"policy": "public"}),
        ),
        false,
    )
    .await;
    let last = item(
        &app,
        &key,
        "library",
        draft(
            "post",
            "Evening walk",
            "No screens.",
            json!({"policy": "public"}),
        ),
        true,
    )
    .await;
    let (member, token) = app.sign_up("library", "ada@example.org").await;
    app.until(
        &token,
        &format!("/v1/spaces/library/content/{last}"),
        "the catalog",
        |_| true,
    )
    .await;

    let found = app.get(&token, "/v1/spaces/library/search?q=focus").await;
    assert_eq!(
        titles(&found.body),
        ["Morning focus", "Focus rituals"],
        "published only: {found:?}"
    );
    let locked = &found.body["data"][1];
    assert_eq!(
        (locked["locked"].clone(), locked["body"].clone()),
        (json!(true), Value::Null)
    );
    assert_eq!(locked["unlock_tier_ids"], json!([insiders]));
    let by_body = app.get(&token, "/v1/spaces/library/search?q=quokka").await;
    assert!(
        titles(&by_body.body).is_empty(),
        "a locked body is not searched: {by_body:?}"
    );
    let both = app
        .get(&token, "/v1/spaces/library/search?q=FOCUS%20quokka")
        .await;
    assert!(titles(&both.body).is_empty());
    for reply in [&found, &by_body, &both] {
        assert!(!reply.body.to_string().contains("quokka"), "{reply:?}");
    }
    let gql = app
        .graphql(&token, "{ search(space: \"library\", query: \"rituals\") { edges { node { title locked body } } } }", json!({}))
        .await;
    assert_eq!(
        gql["data"]["search"]["edges"][0]["node"],
        json!({"title": "Focus rituals", "locked": true, "body": null}),
        "{gql}"
    );

    // The creator searches everything, bodies and drafts included.
    let creator = app.get(&key, "/v1/spaces/library/search?q=focus").await;
    assert_eq!(
        titles(&creator.body),
        ["Focus drafts", "Morning focus", "Focus rituals"]
    );
    let creator_body = app.get(&key, "/v1/spaces/library/search?q=quokka").await;
    assert_eq!(creator_body.body["data"][0]["body"], SECRET);

    // Words, not syntax: quotes, operators and column filters find nothing and break nothing.
    for q in [
        "%22focus%22%20OR%20body%3Aquokka",
        "body%3Aquokka",
        "quokka*",
        "NEAR(quokka)",
    ] {
        let reply = app
            .get(&token, &format!("/v1/spaces/library/search?q={q}"))
            .await;
        assert_eq!(reply.status, 200, "{q}: {reply:?}");
        assert!(
            !reply.body.to_string().contains("quokka protocol"),
            "{q}: {reply:?}"
        );
    }
    app.get(&token, "/v1/spaces/library/search?q=%27%3B--")
        .await
        .assert_problem(400, "bad_request");
    let paged = app
        .get(&key, "/v1/spaces/library/search?q=focus&limit=2")
        .await;
    assert_eq!(titles(&paged.body).len(), 2);
    let cursor = paged.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &key,
            &format!("/v1/spaces/library/search?q=focus&limit=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(titles(&rest.body), ["Focus rituals"]);

    let subscribed = app
        .post(
            &key,
            &format!("/v1/spaces/library/members/{member}/subscriptions"),
            json!({"tier_id": insiders, "interval": "monthly", "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(subscribed.body["status"], "active", "{subscribed:?}");
    let open = app
        .get(
            &token,
            &format!(
                "/v1/spaces/library/search?q=quokka&min_position={}",
                subscribed.position()
            ),
        )
        .await;
    assert_eq!(titles(&open.body), ["Focus rituals"]);
    assert_eq!(open.body["data"][0]["body"], SECRET);
    // A rebuild refills the search index with the rows.
    assert_replay_matches(&app, lyceum_projections::Projection::Content).await;
    let again = app.get(&token, "/v1/spaces/library/search?q=quokka").await;
    assert_eq!(titles(&again.body), ["Focus rituals"]);
    app.finish().await;
}
