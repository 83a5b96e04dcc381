//! Outgoing webhooks end to end: a receiver inside the test checks every signature; deliveries
//! are exactly once per event, retried after a failure (the sender's clock is injected, so no
//! test waits for a backoff), replayed on request, signed twice while a rotated secret overlaps,
//! and stop when the endpoint is disabled. Refusals write nothing.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_domain::payment::stripe::verify_signature;
use lyceum_workers::webhooks::Sender;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

on_both_backends!(
    webhook_deliveries,
    webhook_refusals,
    webhook_fan_out_is_exactly_once,
    webhook_deliveries_carry_no_content_body
);

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A minimal HTTP server on port 0 that records requests and answers with a chosen status.
struct Receiver {
    url: String,
    requests: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(200));
        let (log, answer) = (requests.clone(), status.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (log, answer) = (log.clone(), answer.clone());
                tokio::spawn(async move {
                    if let Some(received) = read_request(stream, &answer).await {
                        log.lock().unwrap().push(received);
                    }
                });
            }
        });
        Self {
            url,
            requests,
            status,
        }
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// Waits (at most 15 s) until `n` requests arrived; returns them.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let requests = self.requests.lock().unwrap().clone();
            if requests.len() >= n {
                return requests;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {n} deliveries, got {}",
                requests.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Reads one request, records it (after the answer is sent, so a recorded 5xx attempt has
/// been answered), and answers with the current status.
async fn read_request(mut stream: TcpStream, status: &AtomicU16) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let code = status.load(Ordering::SeqCst);
    let answer = format!("HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    stream.write_all(answer.as_bytes()).await.ok()?;
    let _ = stream.shutdown().await;
    Some(Received {
        headers,
        body: buffer[head_end..head_end + length].to_vec(),
    })
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[track_caller]
fn assert_signed(received: &Received, secrets: &[&str]) {
    let header = received.header("lyceum-signature");
    for secret in secrets {
        verify_signature(header, &received.body, &[secret], unix_now(), 300)
            .unwrap_or_else(|e| panic!("{header} does not verify with a secret: {e}"));
    }
    assert_eq!(received.header("content-type"), "application/json");
    assert_eq!(
        received.header("lyceum-event-id"),
        received.json()["event_id"].as_str().unwrap()
    );
}

/// Waits until the fan-out has passed `position`, then drains what is due now, so that any
/// delivery the events caused has been attempted.
async fn settle(app: &TestApp, sender: &Sender, position: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while lyceum_store::read::checkpoint(&app.db, "webhooks")
        .await
        .unwrap()
        < position
    {
        assert!(tokio::time::Instant::now() < deadline, "fan-out stuck");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sender.deliver_due(SystemTime::now()).await.unwrap();
}

async fn newest_delivery(app: &TestApp, key: &str, hooks: &str) -> Value {
    let log = app.get(key, &format!("{hooks}/deliveries?limit=1")).await;
    assert_eq!(log.status, 200, "{log:?}");
    log.body["data"][0].clone()
}

async fn webhook_deliveries(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, creator) = app.space("hooks").await;
    let receiver = Receiver::start().await;
    let sender = Sender::new(app.db.clone(), true);

    let registered = app
        .post(
            &creator,
            "/v1/spaces/hooks/webhooks",
            json!({"url": receiver.url, "event_types": ["TierDefined"]}),
        )
        .await;
    assert_eq!(registered.status, 201, "{registered:?}");
    let secret = registered.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let hooks = format!(
        "/v1/spaces/hooks/webhooks/{}",
        registered.body["id"].as_str().unwrap()
    );
    let events = lyceum_store::read::read_after(&app.db, 0, 1000, &Default::default())
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .all(|e| !e.payload.to_string().contains(&secret)),
        "the secret must never be in the log"
    );

    // A tier and a member: one delivery, for the tier only.
    let tier = app
        .post(
            &creator,
            "/v1/spaces/hooks/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let member = app
        .post(
            &creator,
            "/v1/spaces/hooks/members",
            json!({"email": "ada@example.org", "display_name": "Ada"}),
        )
        .await;
    let first = receiver.wait_for(1).await.remove(0);
    settle(&app, &sender, member.position()).await;
    assert_eq!(receiver.count(), 1);
    assert_signed(&first, &[&secret]);
    let event = first.json();
    assert_eq!(event["event_type"], "TierDefined");
    assert_eq!(event["aggregate_id"], tier.body["id"]);
    assert_eq!(event["position"], tier.position());
    let feed = app.get(&app.admin, "/v1/events?limit=100").await;
    let listed = feed.body["data"].as_array().unwrap();
    let same = listed.iter().find(|e| e["event_id"] == event["event_id"]);
    assert_eq!(
        same,
        Some(&event),
        "the body is the event as the feed shows it"
    );
    let delivered = newest_delivery(&app, &creator, &hooks).await;
    assert_eq!(delivered["status"], "delivered", "{delivered}");
    assert_eq!(delivered["attempts"], 1);
    assert_eq!(delivered["last_status_code"], 200);
    assert_eq!(delivered["event_id"], event["event_id"]);

    // The receiver fails: the delivery waits for its backoff, then succeeds.
    receiver.answer(500);
    let second = app
        .post(
            &creator,
            "/v1/spaces/hooks/tiers",
            json!({"name": "Pro", "kind": "free"}),
        )
        .await;
    receiver.wait_for(2).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let failed = loop {
        let newest = newest_delivery(&app, &creator, &hooks).await;
        if newest["attempts"] == 1 && newest["last_status_code"] == 500 {
            break newest;
        }
        assert!(tokio::time::Instant::now() < deadline, "{newest}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(failed["status"], "pending");
    assert!(failed["next_attempt_at"].is_string());
    receiver.answer(200);
    assert_eq!(
        sender.deliver_due(SystemTime::now()).await.unwrap(),
        0,
        "not due yet"
    );
    let later = SystemTime::now() + Duration::from_secs(3600);
    assert_eq!(sender.deliver_due(later).await.unwrap(), 1);
    let retried = receiver.wait_for(3).await;
    assert_eq!(
        retried[1].header("lyceum-event-id"),
        retried[2].header("lyceum-event-id")
    );
    assert_eq!(retried[2].json()["aggregate_id"], second.body["id"]);
    assert_signed(&retried[2], &[&secret]);
    let recovered = newest_delivery(&app, &creator, &hooks).await;
    assert_eq!(recovered["status"], "delivered", "{recovered}");
    assert_eq!(recovered["attempts"], 2);
    assert_eq!(recovered["last_status_code"], 200);

    // A replay of the first delivery sends its event again.
    let replay = app
        .post(
            &creator,
            &format!("{hooks}/replay"),
            json!({"delivery_id": delivered["id"]}),
        )
        .await;
    assert_eq!(replay.status, 202, "{replay:?}");
    assert_eq!(replay.body["queued"], 1);
    let replayed = receiver.wait_for(4).await.remove(3);
    assert_eq!(
        replayed.header("lyceum-event-id"),
        first.header("lyceum-event-id")
    );
    assert_signed(&replayed, &[&secret]);
    let by_time = app
        .post(
            &creator,
            &format!("{hooks}/replay"),
            json!({"since": "2000-01-01T00:00:00Z", "until": "2999-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(by_time.status, 202, "{by_time:?}");
    assert_eq!(by_time.body["queued"], 2, "both tiers, not the member");
    receiver.wait_for(6).await;

    // A rotated secret: both signatures while the old one overlaps.
    let rotated = app
        .post(&creator, &format!("{hooks}/rotate-secret"), json!({}))
        .await;
    assert_eq!(rotated.status, 200, "{rotated:?}");
    let new_secret = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    app.post(
        &creator,
        "/v1/spaces/hooks/tiers",
        json!({"name": "Third", "kind": "free"}),
    )
    .await;
    let signed_twice = receiver.wait_for(7).await.remove(6);
    assert_eq!(
        signed_twice
            .header("lyceum-signature")
            .matches("v1=")
            .count(),
        2
    );
    assert_signed(&signed_twice, &[&new_secret, &secret]);

    // Disabled: no more deliveries.
    let disabled = app.delete(&creator, &hooks).await;
    assert_eq!(disabled.status, 204, "{disabled:?}");
    let listed = app.get(&creator, "/v1/spaces/hooks/webhooks").await;
    assert_eq!(listed.body["data"][0]["active"], false, "{listed:?}");
    let after = app
        .post(
            &creator,
            "/v1/spaces/hooks/tiers",
            json!({"name": "Late", "kind": "free"}),
        )
        .await;
    settle(&app, &sender, after.position()).await;
    assert_eq!(receiver.count(), 7);
    app.delete(&creator, &hooks)
        .await
        .assert_problem(409, "invalid_transition");
    app.finish().await;
}

async fn webhook_refusals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, creator) = app.space("hooks").await;
    let (_, other) = app.space("other").await;
    let registered = app
        .post(
            &creator,
            "/v1/spaces/hooks/webhooks",
            json!({"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}),
        )
        .await;
    assert_eq!(registered.status, 201, "{registered:?}");
    let id = registered.body["id"].as_str().unwrap().to_owned();
    let hooks = format!("/v1/spaces/hooks/webhooks/{id}");
    let auditor = app
        .post(
            &app.admin,
            "/v1/spaces/hooks/keys",
            json!({"role": "auditor"}),
        )
        .await
        .body["key"]
        .as_str()
        .unwrap()
        .to_owned();

    // An idempotent retry answers the same endpoint without its secret.
    let retry = || {
        crate::support::reply(
            app.http
                .post(format!("{}/v1/spaces/hooks/webhooks", app.base))
                .bearer_auth(&creator)
                .header("Idempotency-Key", "hook-1")
                .json(&json!({"url": "http://127.0.0.1:9/again", "event_types": ["TierDefined"]})),
        )
    };
    let (once, again) = (retry().await, retry().await);
    assert_eq!(once.status, 201, "{once:?}");
    assert!(once.body["secret"].is_string());
    assert_eq!(again.status, 201, "{again:?}");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["id"], once.body["id"]);
    assert!(again.body["secret"].is_null(), "{again:?}");

    let before = app.event_count().await;
    // Another space's endpoint does not exist for it.
    app.get(&other, "/v1/spaces/hooks/webhooks")
        .await
        .assert_problem(404, "not_found");
    app.get(
        &other,
        &format!("/v1/spaces/other/webhooks/{id}/deliveries"),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &other,
        &format!("/v1/spaces/other/webhooks/{id}/replay"),
        json!({"since": "2000-01-01T00:00:00Z", "until": "2999-01-01T00:00:00Z"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &other,
        &format!("/v1/spaces/other/webhooks/{id}/rotate-secret"),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.delete(&other, &format!("/v1/spaces/other/webhooks/{id}"))
        .await
        .assert_problem(404, "not_found");

    // Auditors read, and only read.
    assert_eq!(
        app.get(&auditor, "/v1/spaces/hooks/webhooks").await.status,
        200
    );
    assert_eq!(
        app.get(&auditor, &format!("{hooks}/deliveries"))
            .await
            .status,
        200
    );
    app.post(
        &auditor,
        "/v1/spaces/hooks/webhooks",
        json!({"url": "http://127.0.0.1:9/x", "event_types": ["*"]}),
    )
    .await
    .assert_problem(403, "forbidden");

    // Bad input.
    for body in [
        json!({"url": "ftp://example.org/hook", "event_types": ["*"]}),
        json!({"url": "not a url", "event_types": ["*"]}),
        json!({"url": "http://127.0.0.1:9/hook", "event_types": []}),
        json!({"url": "http://127.0.0.1:9/hook", "event_types": ["NoSuchEvent"]}),
        json!({"url": "http://127.0.0.1:9/hook", "event_types": ["*", "TierDefined"]}),
    ] {
        app.post(&creator, "/v1/spaces/hooks/webhooks", body)
            .await
            .assert_problem(422, "validation_failed");
    }
    app.post(
        &creator,
        "/v1/spaces/hooks/webhooks",
        json!({"url": "http://127.0.0.1:9/hook"}),
    )
    .await
    .assert_problem(400, "bad_request");
    app.post(
        &creator,
        &format!("{hooks}/rotate-secret"),
        json!({"overlap_seconds": 99_999_999}),
    )
    .await
    .assert_problem(422, "validation_failed");
    for body in [
        json!({}),
        json!({"since": "yesterday", "until": "2999-01-01T00:00:00Z"}),
        json!({"since": "2999-01-01T00:00:00Z", "until": "2000-01-01T00:00:00Z"}),
        json!({"delivery_id": id, "since": "2000-01-01T00:00:00Z"}),
    ] {
        app.post(&creator, &format!("{hooks}/replay"), body)
            .await
            .assert_problem(422, "validation_failed");
    }
    app.post(
        &creator,
        &format!("{hooks}/replay"),
        json!({"delivery_id": uuid::Uuid::now_v7()}),
    )
    .await
    .assert_problem(404, "not_found");
    app.delete(
        &creator,
        &format!("/v1/spaces/hooks/webhooks/{}", uuid::Uuid::now_v7()),
    )
    .await
    .assert_problem(404, "not_found");
    app.delete(&creator, "/v1/spaces/hooks/webhooks/not-a-uuid")
        .await
        .assert_problem(400, "bad_request");
    assert_eq!(app.event_count().await, before, "refusals write nothing");
    let listed = app.get(&creator, "/v1/spaces/hooks/webhooks").await;
    assert_eq!(
        listed.body["data"].as_array().unwrap().len(),
        2,
        "{listed:?}"
    );

    // Nobody listens on port 9: after three days of retries, the deliveries fail.
    lyceum_store::webhooks::fan_out(&app.db, 100).await.unwrap();
    let sender = Sender::new(app.db.clone(), true);
    let days_later = SystemTime::now() + Duration::from_secs(4 * 24 * 3600);
    while sender.deliver_due(days_later).await.unwrap() > 0 {}
    let log = app.get(&auditor, &format!("{hooks}/deliveries")).await;
    let deliveries = log.body["data"].as_array().unwrap();
    assert!(!deliveries.is_empty(), "{log:?}");
    for delivery in deliveries {
        assert_eq!(delivery["status"], "failed", "{delivery}");
        assert!(delivery["last_error"].is_string(), "{delivery}");
        assert!(delivery["last_status_code"].is_null(), "{delivery}");
        assert!(delivery["next_attempt_at"].is_null(), "{delivery}");
    }
    app.finish().await;
}

/// Concurrent writers and concurrent fan-outs (the app's own loop and three more): every event
/// after the registration gets exactly one delivery, none is skipped.
async fn webhook_fan_out_is_exactly_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (space_id, creator) = app.space("hooks").await;
    let registered = app
        .post(
            &creator,
            "/v1/spaces/hooks/webhooks",
            json!({"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}),
        )
        .await;
    assert_eq!(registered.status, 201, "{registered:?}");
    let writes = (0..20).map(|i| {
        app.post(
            &creator,
            "/v1/spaces/hooks/tiers",
            json!({"name": format!("Tier {i}"), "kind": "free"}),
        )
    });
    let fan_outs = (0..3).map(|_| async {
        for _ in 0..10 {
            lyceum_store::webhooks::fan_out(&app.db, 3).await.unwrap();
        }
    });
    let (written, _) = tokio::join!(
        futures::future::join_all(writes),
        futures::future::join_all(fan_outs)
    );
    let last = written.iter().map(|w| w.position()).max().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while lyceum_store::read::checkpoint(&app.db, "webhooks")
        .await
        .unwrap()
        < last
    {
        assert!(tokio::time::Instant::now() < deadline, "fan-out stuck");
        lyceum_store::webhooks::fan_out(&app.db, 3).await.unwrap();
    }
    let expected: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE space_id = $1 AND position >= $2")
            .bind(&space_id)
            .bind(registered.position())
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let (rows, distinct): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM webhook_deliveries WHERE space_id = $1",
    )
    .bind(&space_id)
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert_eq!(expected, 21, "the registration and 20 tiers");
    assert_eq!((rows, distinct), (expected, expected));
    app.finish().await;
}

/// Content events reach an endpoint subscribed to everything without the item's body: a
/// webhook is outside every access check.
async fn webhook_deliveries_carry_no_content_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (space_id, creator) = app.space("hooks").await;
    let receiver = Receiver::start().await;
    let sender = Sender::new(app.db.clone(), true);
    let registered = app
        .post(
            &creator,
            "/v1/spaces/hooks/webhooks",
            json!({"url": receiver.url, "event_types": ["*"]}),
        )
        .await;
    assert_eq!(registered.status, 201, "{registered:?}");
    let secret = format!("SECRET-{}", uuid::Uuid::new_v4().simple());
    let tier = app.paid_tier(&creator, "hooks", "Insiders", 900, 0).await;
    let created = app
        .post(&creator, "/v1/spaces/hooks/content", json!({"kind": "article", "title": "Locked",
            "body": secret, "excerpt": "A taste.", "access": {"policy": "tiers", "tier_ids": [tier]}}))
        .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    app.patch(
        &creator,
        &format!("/v1/spaces/hooks/content/{id}"),
        json!({"body": format!("{secret} edited")}),
    )
    .await;
    let published = app
        .post_empty(&creator, &format!("/v1/spaces/hooks/content/{id}/publish"))
        .await;
    settle(&app, &sender, published.position()).await;
    // Deliveries go out concurrently, so wait for every event since the registration rather
    // than for the first few to arrive.
    let expected: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE space_id = $1 AND position >= $2")
            .bind(&space_id)
            .bind(registered.position())
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let received = receiver.wait_for(expected.max(5) as usize).await;
    let types: Vec<String> = received
        .iter()
        .map(|r| r.json()["event_type"].as_str().unwrap().to_owned())
        .collect();
    for kind in ["ContentDrafted", "ContentEdited", "ContentPublished"] {
        assert!(
            types.iter().any(|t| t == kind),
            "{kind} delivered: {types:?}"
        );
    }
    for delivery in &received {
        let text = String::from_utf8_lossy(&delivery.body);
        assert!(
            !text.contains(&secret),
            "a delivery carried the body: {text}"
        );
    }
    let drafted = received
        .iter()
        .map(|r| r.json())
        .find(|e| e["event_type"] == "ContentDrafted")
        .unwrap();
    let payload = &drafted["payload"];
    let data = payload.get("data").unwrap_or(payload);
    assert_eq!(data["body_redacted"], true, "{drafted}");
    assert_eq!(data["title"], "Locked");
    app.finish().await;
}
