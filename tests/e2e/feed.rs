//! A member's feed: only the published items the member may open, newest first, whole; the
//! same over REST pages and GraphQL; an item joins the feed once bought; an API key sees every
//! published item; and the number of database reads a GraphQL feed page costs, with each
//! item's counters and first comments, does not grow with the page size.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(feed);

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn feed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("reading").await;
    let paid = app.paid_tier(&key, "reading", "Insiders", 900, 0).await;
    let (member, token) = app.sign_up("reading", "ada@example.org").await;
    let item = |title: &str, access: Value| {
        let body = json!({"kind": "post", "title": title, "body": format!("{title} body"),
            "excerpt": "taste", "access": access});
        let (app, key) = (&app, &key);
        async move {
            let created = app.post(key, "/v1/spaces/reading/content", body).await;
            let id = created.body["id"].as_str().unwrap().to_owned();
            let published = app
                .post_empty(key, &format!("/v1/spaces/reading/content/{id}/publish"))
                .await;
            assert_eq!(published.status, 200, "{published:?}");
            (id, published.position())
        }
    };
    let (open, _) = item("Open", json!({"policy": "public"})).await;
    let (members, _) = item("Members", json!({"policy": "members"})).await;
    let (insiders, _) = item("Insiders", json!({"policy": "tiers", "tier_ids": [paid]})).await;
    let (sold, _) = item("Sold", json!({"policy": "purchase", "price_minor": 500})).await;
    let (late, last) = item("Late", json!({"policy": "members"})).await;
    app.post(&key, "/v1/spaces/reading/content",
        json!({"kind": "post", "title": "Draft", "body": "draft body", "access": {"policy": "public"}}))
        .await;

    let page = app
        .get(
            &token,
            &format!("/v1/spaces/reading/feed?min_position={last}"),
        )
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(
        ids(&page.body),
        [late.clone(), members.clone(), open.clone()],
        "newest first, readable only"
    );
    for item in page.body["data"].as_array().unwrap() {
        assert_eq!(item["locked"], false);
        assert!(item["body"].as_str().unwrap().ends_with(" body"), "{item}");
    }
    // One item per page, following the cursor, gives the same feed.
    let mut walked = Vec::new();
    let mut path = "/v1/spaces/reading/feed?limit=1".to_owned();
    loop {
        let page = app.get(&token, &path).await;
        walked.extend(ids(&page.body));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/spaces/reading/feed?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, [late.clone(), members.clone(), open.clone()]);

    let everything = app.get(&key, "/v1/spaces/reading/feed").await;
    assert_eq!(
        ids(&everything.body),
        [
            late.clone(),
            sold.clone(),
            insiders.clone(),
            members.clone(),
            open.clone()
        ]
    );

    let bought = app
        .post(
            &key,
            &format!("/v1/spaces/reading/members/{member}/purchases"),
            json!({"content_id": sold, "payment_method": "tok_success"}),
        )
        .await;
    assert_eq!(bought.status, 201, "{bought:?}");
    let after = app
        .get(
            &token,
            &format!("/v1/spaces/reading/feed?min_position={}", bought.position()),
        )
        .await;
    assert_eq!(
        ids(&after.body),
        [late.clone(), sold.clone(), members.clone(), open.clone()]
    );

    // Ada likes the newest item and comments on two; Bea's hidden comment is not shown to Ada.
    let (_, bea) = app.sign_up("reading", "bea@example.org").await;
    let engage = |token: &str, path: String, body: Option<Value>| {
        let (app, token) = (&app, token.to_owned());
        async move {
            let method = match body {
                Some(_) => reqwest::Method::POST,
                None => reqwest::Method::PUT,
            };
            let reply = app.call(method, Some(&token), &path, body).await;
            assert!(reply.status < 300, "{reply:?}");
            reply
        }
    };
    let comment = |id: &str, text: &str| {
        (
            format!("/v1/spaces/reading/content/{id}/comments"),
            Some(json!({"body": text})),
        )
    };
    engage(
        &token,
        format!("/v1/spaces/reading/content/{late}/like"),
        None,
    )
    .await;
    for (id, text) in [(&late, "First!"), (&late, "Second."), (&members, "Nice.")] {
        let (path, body) = comment(id, text);
        engage(&token, path, body).await;
    }
    let (path, body) = comment(&open, "Hidden soon.");
    let hidden = engage(&bea, path, body).await;
    let moderated = app
        .post(
            &key,
            &format!(
                "/v1/spaces/reading/comments/{}/hide",
                hidden.body["id"].as_str().unwrap()
            ),
            json!({"reason": "off topic"}),
        )
        .await;
    assert_eq!(moderated.status, 200, "{moderated:?}");
    app.get(
        &token,
        &format!(
            "/v1/spaces/reading/feed?min_position={}",
            moderated.position()
        ),
    )
    .await;
    // The counters and comments below come from the engagement read model too.
    app.caught_up(moderated.position()).await;

    let query = "query($first: Int) { feed(space: \"reading\", first: $first) {
        edges { node { id title body access { policy }
            engagement { likes comments likedByViewer } comments(first: 1) { body } } }
        pageInfo { hasNextPage } } }";
    let graph = app.graphql(&token, query, json!({"first": 10})).await;
    let node = |n: usize| graph["data"]["feed"]["edges"][n]["node"].clone();
    assert_eq!(
        (node(0)["engagement"].clone(), node(0)["comments"].clone()),
        (
            json!({"likes": 1, "comments": 2, "likedByViewer": true}),
            json!([{"body": "First!"}])
        ),
        "{graph}"
    );
    assert_eq!(node(2)["comments"], json!([{"body": "Nice."}]));
    assert_eq!(
        node(3)["comments"],
        json!([]),
        "a hidden comment is its author's"
    );
    assert_eq!(node(3)["engagement"]["likedByViewer"], false);
    let nodes: Vec<String> = graph["data"]["feed"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{graph}"))
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        nodes,
        [late.clone(), sold.clone(), members.clone(), open.clone()]
    );

    // Reads per page, counters and comments included: the same for a page of 1 as of 4.
    let reads = |first: i64| {
        let (app, token) = (&app, &token);
        async move {
            let before = app.api_db.reads();
            let graph = app.graphql(token, query, json!({"first": first})).await;
            assert!(graph["errors"].is_null(), "{graph}");
            app.api_db.reads() - before
        }
    };
    let small = reads(1).await;
    let large = reads(4).await;
    assert_eq!(
        small, large,
        "a feed page's reads do not grow with its size"
    );

    app.get(&token, "/v1/spaces/reading/feed?limit=0")
        .await
        .assert_problem(400, "bad_request");
    let (_, other) = app.space("elsewhere").await;
    app.get(&other, "/v1/spaces/reading/feed")
        .await
        .assert_problem(404, "not_found");
    app.finish().await;
}
