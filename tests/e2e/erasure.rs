//! Erasing a member's personal data: the key is deleted, read models and replays show the
//! member as erased, the log never held the data in the clear, and the rest still works.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild;
use serde_json::json;

on_both_backends!(erasure);

async fn erasure(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("gdpr").await;
    let tier = app
        .post(
            &key,
            "/v1/spaces/gdpr/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let member = app
        .post(
            &key,
            "/v1/spaces/gdpr/members",
            json!({"email": "ada@example.org", "display_name": "Ada Lovelace"}),
        )
        .await;
    let id = member.body["id"].as_str().unwrap().to_owned();
    app.post(
        &key,
        &format!("/v1/spaces/gdpr/members/{id}/join"),
        json!({"tier_id": tier.body["id"]}),
    )
    .await;

    let feed = app.get(&app.admin, "/v1/events").await;
    let text = feed.body.to_string();
    assert!(text.contains("MemberAdded"));
    assert!(
        !text.contains("ada@example.org") && !text.contains("Lovelace"),
        "the log holds personal data in the clear"
    );

    let erased = app
        .delete(&key, &format!("/v1/spaces/gdpr/members/{id}/personal-data"))
        .await;
    assert_eq!(erased.status, 204, "{erased:?}");
    let position = erased.position();
    let read = app
        .get(
            &key,
            &format!("/v1/spaces/gdpr/members/{id}?min_position={position}"),
        )
        .await;
    assert_eq!(read.body["email"], json!(null), "{read:?}");
    assert_eq!(read.body["display_name"], json!(null));
    assert_eq!(read.body["erased"], true);
    assert_eq!(
        read.body["tier_ids"],
        json!([tier.body["id"]]),
        "membership survives erasure"
    );

    let again = app
        .delete(&key, &format!("/v1/spaces/gdpr/members/{id}/personal-data"))
        .await;
    assert_eq!(again.status, 204, "erasure is idempotent");
    assert_eq!(again.position(), position, "and records nothing new");

    let live = checksum(&app.db, Projection::Members).await.unwrap();
    rebuild(&app.db, Projection::Members, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        checksum(&app.db, Projection::Members).await.unwrap(),
        live,
        "replay equals live"
    );
    let replayed = app
        .get(&key, &format!("/v1/spaces/gdpr/members/{id}"))
        .await;
    assert_eq!(replayed.body["erased"], true);
    assert_eq!(replayed.body["email"], json!(null));

    // The member can still be removed: nothing else broke.
    assert_eq!(
        app.delete(&key, &format!("/v1/spaces/gdpr/members/{id}"))
            .await
            .status,
        204
    );
    app.finish().await;
}
