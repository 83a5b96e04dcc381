//! `Idempotency-Key`: a retry gets the same answer and writes nothing more; the same key with
//! another body is refused; a duplicate of a request still in flight gets 409.

use crate::on_both_backends;
use crate::support::{Backend, TestApp, reply};
use futures::future::join_all;
use lyceum_api::dto::CreateMember;
use lyceum_store::idempotency::{ClaimOutcome, claim};
use serde_json::json;

on_both_backends!(idempotency);

async fn idempotency(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("idem").await;
    let path = "/v1/spaces/idem/members";
    let send = |idempotency_key: &str, body: serde_json::Value| {
        let request = app
            .http
            .post(format!("{}{path}", app.base))
            .bearer_auth(&key)
            .header("Idempotency-Key", idempotency_key)
            .json(&body);
        reply(request)
    };
    let ada = json!({"email": "ada@example.org", "display_name": "Ada"});

    let first = send("k1", ada.clone()).await;
    assert_eq!(first.status, 201, "{first:?}");
    let events = app.event_count().await;
    let retry = send("k1", ada.clone()).await;
    assert_eq!((retry.status, &retry.body), (201, &first.body));
    assert_eq!(retry.position(), first.position());
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(app.event_count().await, events, "a retry appends nothing");

    let other = json!({"email": "bo@example.org", "display_name": "Bo"});
    send("k1", other.clone())
        .await
        .assert_problem(422, "idempotency_key_reused");

    // A refusal is an answer too: the retry gets the same problem, request id included.
    let bad = json!({"email": "not-an-email", "display_name": "X"});
    let refused = send("k-bad", bad.clone()).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(send("k-bad", bad).await.body, refused.body);

    // A request still in flight: claim its key the way the server does, then send it.
    let principal = lyceum_store::keys::lookup(&app.db, &key)
        .await
        .unwrap()
        .unwrap();
    let dto: CreateMember = serde_json::from_value(other.clone()).unwrap();
    let fingerprint = lyceum_api::write::fingerprint("POST", path, &dto).unwrap();
    let held = claim(&app.db, &principal.key_id.to_string(), "k2", &fingerprint)
        .await
        .unwrap();
    assert!(matches!(held, ClaimOutcome::Claimed(_)));
    let duplicate = send("k2", other.clone()).await;
    duplicate.assert_problem(409, "idempotency_request_in_progress");
    assert_eq!(duplicate.header("retry-after"), Some("1"));
    assert_eq!(
        app.event_count().await,
        events,
        "the duplicate wrote nothing"
    );

    // Concurrent duplicates: one member is added, every answer is that member or a 409.
    let cy = json!({"email": "cy@example.org", "display_name": "Cy"});
    let replies = join_all((0..8).map(|_| send("k3", cy.clone()))).await;
    let created: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
    assert!(!created.is_empty(), "{replies:?}");
    assert!(created.iter().all(|r| r.body == created[0].body));
    for r in replies.iter().filter(|r| r.status != 201) {
        r.assert_problem(409, "idempotency_request_in_progress");
    }
    assert_eq!(
        app.event_count().await,
        events + 1,
        "exactly one member was added"
    );
    app.finish().await;
}
