//! The server rides out the broker (or the database) going away while clients write: it stays up, `/readyz`
//! says why it is not ready while the broker is gone, every acknowledged write reaches every
//! read model with no manual step, replay equals live, and a GraphQL subscriber connected all
//! along receives every event, none twice.

use crate::live_support::Live;
use crate::rabbit;
use crate::serial;
use crate::support::{Backend, TestApp, unique};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Concurrent clients creating members.
const WRITERS: usize = 8;
/// Writes acknowledged before, during and after each disruption.
const WRITES_PER_PHASE: usize = 60;
/// The longest a test waits for the server to settle after the broker is back.
const SETTLE: Duration = Duration::from_secs(90);

#[derive(Debug, Clone, Copy)]
enum Disruption {
    /// `rabbitmqctl stop_app`, writes while it is down, `start_app`.
    Restart,
    /// `rabbitmqctl close_all_connections`.
    CloseConnections,
    /// `pg_ctlcluster … restart -m fast`: the database goes away instead.
    DatabaseRestart,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_restart_under_load_loses_nothing() {
    let _turn = serial().await;
    ride_out(&[Disruption::Restart]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_broker_restarts_in_a_row_lose_nothing() {
    let _turn = serial().await;
    ride_out(&[Disruption::Restart, Disruption::Restart]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_closed_by_the_broker_lose_nothing() {
    let _turn = serial().await;
    ride_out(&[Disruption::CloseConnections]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_under_load_loses_nothing() {
    let _turn = serial().await;
    ride_out(&[Disruption::DatabaseRestart]).await;
}

/// Acknowledged writes: (member id, position).
type Acked = Arc<Mutex<Vec<(String, i64)>>>;

async fn ride_out(disruptions: &[Disruption]) {
    let app = TestApp::spawn(Backend::Production).await;
    app.until_readiness(SETTLE, "the workers to connect", |status, _| status == 200)
        .await;
    let slug = unique("br");
    let (space_id, key) = app.space(&slug).await;
    let acked: Acked = Arc::default();

    // A subscriber, connected throughout; it has seen the first write before the load starts.
    let (mut seen, listener) = subscribe(&app, &key).await;
    let first = create_member(&app.http, &app.base, &key, &slug, "first@example.org").await;
    acked.lock().unwrap().push(first.clone());
    let mut received = vec![next_position(&mut seen).await];
    assert_eq!(received, vec![first.1]);

    // Without a database a write is refused (and not acknowledged); without a broker, never.
    let refusals_allowed = disruptions
        .iter()
        .any(|d| matches!(d, Disruption::DatabaseRestart));
    let (stop_writers, writing) = watch::channel(false);
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (http, base, key, slug) = (
                app.http.clone(),
                app.base.clone(),
                key.clone(),
                slug.clone(),
            );
            let (acked, writing) = (acked.clone(), writing.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !*writing.borrow() {
                    let email = format!("w{writer}-{n}@example.org");
                    n += 1;
                    match try_create_member(&http, &base, &key, &slug, &email).await {
                        Ok(member) => acked.lock().unwrap().push(member),
                        Err(refused) => assert!(refusals_allowed, "refused: {refused:?}"),
                    }
                }
            })
        })
        .collect();
    until_more_writes(&acked, WRITES_PER_PHASE).await;

    for disruption in disruptions {
        let restarts_before = restarts(&app).await;
        match disruption {
            Disruption::Restart => {
                let stopped = rabbit::stop_app().await;
                let down = app
                    .until_readiness(SETTLE, "not ready without a broker", |status, body| {
                        status == 503 && mentions_consumer(body)
                    })
                    .await;
                assert_eq!(down["status"], "unavailable", "{down}");
                let alive = app.call(reqwest::Method::GET, None, "/healthz", None).await;
                assert_eq!(alive.status, 200, "{alive:?}");
                // Writes go on while the broker is away: the log is in Postgres.
                until_more_writes(&acked, WRITES_PER_PHASE).await;
                stopped.start().await;
            }
            Disruption::CloseConnections => rabbit::close_all_connections().await,
            Disruption::DatabaseRestart => {
                rabbit::restart_postgres().await;
                until_more_writes(&acked, WRITES_PER_PHASE).await;
            }
        }
        // A lost broker connection restarts the workers that had one; the database's loss is
        // retried where it happens.
        let restarted = !matches!(disruption, Disruption::DatabaseRestart);
        app.until_readiness(SETTLE, "ready again once it is back", |status, body| {
            status == 200 && (!restarted || body["restarts"].as_u64() > Some(restarts_before))
        })
        .await;
        until_more_writes(&acked, WRITES_PER_PHASE).await;
    }

    stop_writers.send_replace(true);
    for writer in writers {
        writer.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let last = acked.iter().map(|(_, position)| *position).max().unwrap();
    assert!(app.is_running(), "the server stopped");

    // Every acknowledged write reaches every read model, with no manual step.
    app.until_readiness(SETTLE, "every read model to catch up", |status, body| {
        status == 200 && body["read_models_position"].as_i64() >= Some(last)
    })
    .await;
    for (member, _) in &acked {
        let read = app
            .get(&key, &format!("/v1/spaces/{slug}/members/{member}"))
            .await;
        assert_eq!(read.status, 200, "{read:?}");
    }

    // The log holds every acknowledged member. A write refused while the database restarted
    // may still have committed (its answer was lost, not its transaction): a retry with its
    // `Idempotency-Key` would learn so. Without a database outage, nothing is refused.
    let logged = members_in_log(&app, &space_id).await;
    let mut wanted: Vec<i64> = acked.iter().map(|(_, position)| *position).collect();
    wanted.sort_unstable();
    let missing: Vec<_> = wanted.iter().filter(|p| !logged.contains(p)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not in the log: {missing:?}"
    );
    if !refusals_allowed {
        assert_eq!(logged, wanted, "the log holds members nobody acknowledged");
    }

    // The subscriber got its stream back: every member in the log, in order, none twice.
    while received.len() < logged.len() {
        received.push(next_position(&mut seen).await);
    }
    assert_eq!(received, logged, "the subscriber missed or repeated events");
    listener.abort();

    // Replay reproduces what the live consumers built.
    for projection in Projection::ALL {
        let live = checksum(&app.db, projection).await.unwrap();
        lyceum_projections::rebuild::rebuild(&app.db, projection, &mut |_, _| {})
            .await
            .unwrap();
        let replayed = checksum(&app.db, projection).await.unwrap();
        assert_eq!(replayed, live, "{} differs after replay", projection.name());
    }
    assert!(app.is_running(), "the server stopped");
    app.finish().await;
}

async fn create_member(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    slug: &str,
    email: &str,
) -> (String, i64) {
    try_create_member(http, base, key, slug, email)
        .await
        .unwrap_or_else(|refused| panic!("refused: {refused:?}"))
}

/// Creates a member: its id and position once acknowledged, or the refusal, which must be a
/// problem+json 503 that says to retry.
async fn try_create_member(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    slug: &str,
    email: &str,
) -> Result<(String, i64), crate::support::Reply> {
    let request = http
        .post(format!("{base}/v1/spaces/{slug}/members"))
        .bearer_auth(key)
        .json(&json!({"email": email, "display_name": "Member"}));
    let created = crate::support::reply(request).await;
    if created.status != 201 {
        created.assert_problem(503, "unavailable");
        assert!(created.header("retry-after").is_some(), "{created:?}");
        return Err(created);
    }
    Ok((
        created.body["id"].as_str().unwrap().to_owned(),
        created.position(),
    ))
}

/// Subscribes to the space's new members; returns the positions as they arrive (or the
/// unexpected message, as an error) and the task reading them.
async fn subscribe(
    app: &TestApp,
    key: &str,
) -> (
    mpsc::UnboundedReceiver<Result<i64, Value>>,
    tokio::task::JoinHandle<()>,
) {
    let mut live = Live::connect(app, key).await;
    live.subscribe(
        "members",
        r#"subscription { events(types: ["MemberAdded"]) { position } }"#,
        json!({}),
    )
    .await;
    let (sender, seen) = mpsc::unbounded_channel();
    let listener = tokio::spawn(async move {
        while let Some(message) = live.next_within(Duration::from_secs(600)).await {
            let position = message["payload"]["data"]["events"]["position"].as_i64();
            if sender.send(position.ok_or(message)).is_err() {
                return;
            }
        }
    });
    (seen, listener)
}

/// The next position the subscriber received.
async fn next_position(seen: &mut mpsc::UnboundedReceiver<Result<i64, Value>>) -> i64 {
    match tokio::time::timeout(SETTLE, seen.recv()).await {
        Ok(Some(Ok(position))) => position,
        Ok(Some(Err(message))) => panic!("the subscription sent {message}"),
        Ok(None) => panic!("the subscription's socket closed"),
        Err(_) => panic!("the subscription received nothing for {SETTLE:?}"),
    }
}

/// Waits until `more` writes beyond the current count were acknowledged.
async fn until_more_writes(acked: &Acked, more: usize) {
    let target = acked.lock().unwrap().len() + more;
    let deadline = tokio::time::Instant::now() + SETTLE;
    while acked.lock().unwrap().len() < target {
        assert!(
            tokio::time::Instant::now() < deadline,
            "writes stalled at {}",
            acked.lock().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The positions of the space's `MemberAdded` events, in order.
async fn members_in_log(app: &TestApp, space_id: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT position FROM events WHERE event_type = 'MemberAdded' AND space_id = $1 \
         ORDER BY position",
    )
    .bind(space_id)
    .fetch_all(app.db.reader())
    .await
    .unwrap()
}

async fn restarts(app: &TestApp) -> u64 {
    let body = app
        .until_readiness(SETTLE, "ready", |status, _| status == 200)
        .await;
    body["restarts"].as_u64().unwrap()
}

/// Whether a not-ready answer names a projection consumer among what is not ready.
fn mentions_consumer(body: &Value) -> bool {
    body["not_ready"].as_array().is_some_and(|tasks| {
        tasks.iter().any(|task| {
            task["task"]
                .as_str()
                .is_some_and(|name| name.starts_with("consumer "))
        })
    })
}
