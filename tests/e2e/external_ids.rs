//! External ids: who a member or an item is in the creator's other system. Unique in a space
//! from the moment the create is answered, shown and filterable in REST and GraphQL, sealed
//! with a member's personal data in the log, and released when that data is erased.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use serde_json::json;

on_both_backends!(external_ids_find_members_and_items);

async fn external_ids_find_members_and_items(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("moved").await;
    let (_, other_key) = app.space("elsewhere").await;
    let add = async |key: &str, space: &str, external_id: &str, email: &str| {
        app.post(
            key,
            &format!("/v1/spaces/{space}/members"),
            json!({"email": email, "display_name": "Ada", "external_id": external_id}),
        )
        .await
    };
    let ada = add(&key, "moved", "oulad:28400", "ada@example.org").await;
    assert_eq!(ada.status, 201, "{ada:?}");
    assert_eq!(ada.body["external_id"], "oulad:28400");
    add(&key, "moved", "oulad:28400", "bea@example.org")
        .await
        .assert_problem(409, "conflict");
    add(&key, "moved", "two words", "cy@example.org")
        .await
        .assert_problem(422, "validation_failed");
    let elsewhere = add(&other_key, "elsewhere", "oulad:28400", "ada@example.org").await;
    assert_eq!(
        elsewhere.status, 201,
        "another space has its own ids: {elsewhere:?}"
    );

    // The log holds the id sealed, like the email.
    let id = ada.body["id"].as_str().unwrap();
    let added = app.events_of("member", id, "MemberAdded").await;
    assert_ne!(
        added[0]["payload"]["external_id"], "oulad:28400",
        "{added:?}"
    );

    let found = app
        .get(
            &key,
            &format!(
                "/v1/spaces/moved/members?external_id=oulad:28400&min_position={}",
                elsewhere.position()
            ),
        )
        .await;
    assert_eq!(found.status, 200, "{found:?}");
    let ids: Vec<&str> = found.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id]);
    let none = app
        .get(&key, "/v1/spaces/moved/members?external_id=oulad:1")
        .await;
    assert_eq!(none.body["data"], json!([]), "{none:?}");

    let item = app
        .post(
            &key,
            "/v1/spaces/moved/content",
            json!({"kind": "lesson", "title": "Week 1", "body": "b", "access": {"policy": "members"},
                   "external_id": "oulad:546652"}),
        )
        .await;
    assert_eq!(item.status, 201, "{item:?}");
    assert_eq!(item.body["external_id"], "oulad:546652");
    app.caught_up(item.position()).await;
    let graphql = app
        .graphql(
            &key,
            "query { space(slug: \"moved\") { \
             members(externalId: \"oulad:28400\") { nodes { id externalId } } } \
             catalog(space: \"moved\", filter: {externalId: \"oulad:546652\"}) { nodes { id externalId } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        graphql["data"]["space"]["members"]["nodes"],
        json!([{"id": id, "externalId": "oulad:28400"}]),
        "{graphql}"
    );
    assert_eq!(
        graphql["data"]["catalog"]["nodes"][0]["externalId"], "oulad:546652",
        "{graphql}"
    );

    // Erasure takes the id with the rest of the personal data, and frees it.
    let erased = app
        .delete(
            &key,
            &format!("/v1/spaces/moved/members/{id}/personal-data"),
        )
        .await;
    assert_eq!(erased.status, 204, "{erased:?}");
    let read = app
        .get(
            &key,
            &format!(
                "/v1/spaces/moved/members/{id}?min_position={}",
                erased.position()
            ),
        )
        .await;
    assert_eq!(read.body["external_id"], json!(null), "{read:?}");
    let again = add(&key, "moved", "oulad:28400", "dee@example.org").await;
    assert_eq!(again.status, 201, "{again:?}");
    app.finish().await;
}
