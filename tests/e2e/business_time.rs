//! Business time: on an injected clock, events carry the clock's time as `occurred_at` beside
//! the log's own `recorded_at`; answers and read models show the business time; the hash chain
//! covers it, so `verify` stays green and an edit of it is caught.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{TimeZone, Utc};
use lyceum_store::chain::verify::verify;
use lyceum_store::clock::ManualClock;
use serde_json::json;
use std::sync::Arc;

on_both_backends!(an_injected_clock_gives_events_their_business_time);

async fn an_injected_clock_gives_events_their_business_time(backend: Backend) {
    let then = Utc.with_ymd_and_hms(2013, 10, 5, 9, 30, 0).unwrap();
    let clock = ManualClock::at(then);
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock)).await;
    let (_, key) = app.space("then").await;
    let member = app
        .post(
            &key,
            "/v1/spaces/then/members",
            json!({"email": "ada@example.org", "display_name": "Ada"}),
        )
        .await;
    assert_eq!(member.status, 201, "{member:?}");
    let at = "2013-10-05T09:30:00.000000Z";
    assert_eq!(
        member.body["created_at"], at,
        "the answer shows business time"
    );

    let id = member.body["id"].as_str().unwrap();
    let events = app.stream("member", id).await;
    assert_eq!(events[0]["occurred_at"], at);
    assert!(
        events[0]["recorded_at"].as_str().unwrap() > "2026",
        "the log records when it stored the event: {events:?}"
    );

    app.caught_up(member.position()).await;
    let read = app
        .get(&key, &format!("/v1/spaces/then/members/{id}"))
        .await;
    assert_eq!(
        read.body["created_at"], at,
        "the read model shows business time"
    );

    let report = verify(&app.db, None, &mut |_, _| {}).await.unwrap();
    assert!(report.failure.is_none(), "{report:?}");
    app.finish().await;
}
