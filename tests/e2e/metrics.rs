//! `/metrics`: the Prometheus text format, request counts by route pattern, the read models'
//! checkpoints and lag as the database has them, the relay's counters on the broker, the
//! optional token, and the Grafana dashboard asking only for metrics the server exposes.
//! Counters are process-wide and tests share the process, so they are asserted to have grown
//! at least by what the test did; gauges come from each server's own database.

use crate::on_both_backends;
use crate::prometheus_text::{Sample, find, parse, value};
use crate::support::{Backend, TestApp, unique};
use lyceum::config::Secret;
use lyceum_projections::Projection;
use lyceum_store::clock::SystemClock;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

on_both_backends!(a_scrape_shows_requests_and_where_each_read_model_stands);

async fn scrape(app: &TestApp, token: Option<&str>) -> Vec<Sample> {
    let reply = app.call(Method::GET, token, "/metrics", None).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")),
        "{reply:?}"
    );
    assert!(
        reply.header("ratelimit").is_none(),
        "scrapes are not rate limited"
    );
    parse(reply.body.as_str().expect("a text body"))
}

async fn create_space(app: &TestApp, slug: &str) -> i64 {
    let created = app
        .post(
            &app.admin,
            "/v1/spaces",
            json!({"slug": slug, "name": "Metrics", "currency": "EUR"}),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    created.position()
}

/// The checkpoints table as the metrics label it: `(projection, partition) -> position`.
async fn checkpoints(app: &TestApp) -> Vec<((String, String), i64)> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT name, position FROM checkpoints")
        .fetch_all(app.db.reader())
        .await
        .unwrap();
    let mut found = Vec::new();
    for projection in Projection::ALL.map(Projection::name) {
        let partitions: Vec<_> = rows
            .iter()
            .filter_map(|(name, position)| {
                let partition = name.strip_prefix(projection)?.strip_prefix('/')?;
                Some(((projection.to_owned(), partition.to_owned()), *position))
            })
            .collect();
        if partitions.is_empty() {
            let single = rows.iter().find(|(name, _)| name == projection);
            let (_, position) = single.unwrap_or_else(|| panic!("no checkpoint of {projection}"));
            found.push(((projection.to_owned(), "all".to_owned()), *position));
        }
        found.extend(partitions);
    }
    found
}

async fn a_scrape_shows_requests_and_where_each_read_model_stands(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let slug = unique("metrics-");
    let at = create_space(&app, &slug).await;
    let path = format!("/v1/spaces/{slug}?min_position={at}");
    app.until(&app.admin, &path, "the space", |_| true).await;
    // The read waited for the spaces read model alone; the scrape below expects every one.
    app.caught_up(at).await;
    let missing = app.call(Method::GET, None, "/v1/no/such/route", None).await;
    assert_eq!(missing.status, 404);

    let samples = scrape(&app, None).await;
    let requests = "lyceum_http_requests_total";
    for (method, route, status) in [
        ("POST", "/v1/spaces", "201"),
        ("GET", "/v1/spaces/{space}", "200"),
        ("GET", "unmatched", "404"),
    ] {
        let labels = [("method", method), ("route", route), ("status", status)];
        assert!(value(&samples, requests, &labels) >= 1.0, "{labels:?}");
    }
    assert!(
        find(&samples, requests, &[])
            .iter()
            .all(|s| !s.labels["route"].contains(&slug)),
        "routes are patterns, never raw paths"
    );
    let timed = [("method", "GET"), ("route", "/v1/spaces/{space}")];
    let latency = "lyceum_http_request_duration_seconds";
    assert!(value(&samples, &format!("{latency}_count"), &timed) >= 1.0);
    assert!(find(&samples, &format!("{latency}_bucket"), &timed).len() > 1);

    // Caught up: every read model's checkpoint as stored, and no lag.
    assert_eq!(value(&samples, "lyceum_metrics_database_up", &[]), 1.0);
    let events = app.event_count().await;
    assert_eq!(value(&samples, "lyceum_log_head_position", &[]), at as f64);
    for ((projection, partition), position) in checkpoints(&app).await {
        let labels = [
            ("projection", projection.as_str()),
            ("partition", partition.as_str()),
        ];
        // At least as stored: a partition with nothing left to apply stands as far as the relay.
        assert!(value(&samples, "lyceum_projection_checkpoint", &labels) >= position as f64);
        assert_eq!(
            value(&samples, "lyceum_projection_lag_positions", &labels),
            0.0
        );
        assert_eq!(
            value(&samples, "lyceum_projection_lag_seconds", &labels),
            0.0
        );
    }
    let applied = value(
        &samples,
        "lyceum_projection_events_applied_total",
        &[("projection", "spaces")],
    );
    match backend {
        // The in-process bus delivers every event from the log, so each is counted.
        Backend::Embedded => assert!(applied >= events as f64, "{applied} < {events}"),
        Backend::Production => {
            assert!(applied >= 1.0);
            for relayed in ["published", "confirmed"] {
                let name = format!("lyceum_relay_events_{relayed}_total");
                assert!(value(&samples, &name, &[]) >= events as f64, "{name}");
            }
            dashboard_asks_only_for_exposed_metrics(&samples);
        }
    }
    for pool in find(&samples, "lyceum_db_pool_max_connections", &[]) {
        assert!(pool.value >= 1.0, "{pool:?}");
    }
    assert!(!find(&samples, "lyceum_db_pool_in_use_connections", &[]).is_empty());

    // Held back: the spaces read model cannot apply a new space; the others go on.
    sqlx::query("ALTER TABLE rm_spaces RENAME TO rm_spaces_held_back")
        .execute(app.db.writer())
        .await
        .unwrap();
    let later = create_space(&app, &unique("metrics-")).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let samples = scrape(&app, None).await;
        let lag = |name: &str, projection: &str| -> f64 {
            let found = find(&samples, name, &[("projection", projection)]);
            found.iter().map(|s| s.value).fold(0.0, f64::max)
        };
        let spaces = lag("lyceum_projection_lag_positions", "spaces");
        let tiers = lag("lyceum_projection_lag_positions", "tiers");
        if tiers == 0.0 && spaces > 0.0 {
            assert_eq!(
                value(&samples, "lyceum_log_head_position", &[]),
                later as f64
            );
            assert!(lag("lyceum_projection_lag_seconds", "spaces") > 0.0);
            assert_eq!(lag("lyceum_projection_lag_seconds", "tiers"), 0.0);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "spaces should lag ({spaces}) and tiers catch up ({tiers})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.finish().await;
}

/// Every metric the dashboard queries is in `samples`, and it names its data source as input.
fn dashboard_asks_only_for_exposed_metrics(samples: &[Sample]) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/grafana-dashboard.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let inputs = dashboard["__inputs"].as_array().expect("__inputs");
    let source = inputs
        .iter()
        .find(|input| input["type"] == "datasource" && input["pluginId"] == "prometheus")
        .expect("a Prometheus data source input");
    let uid = format!("${{{}}}", source["name"].as_str().unwrap());
    let mut queries = Vec::new();
    collect_queries(&dashboard, &uid, &mut queries);
    assert!(queries.len() >= 10, "{queries:?}");
    let exposed: BTreeSet<&str> = samples.iter().map(|s| s.name.as_str()).collect();
    let mut asked = BTreeSet::new();
    for query in &queries {
        let names = query
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .filter(|word| word.starts_with("lyceum_") || word.starts_with("process_"));
        asked.extend(names);
    }
    assert!(asked.len() >= 10, "{asked:?}");
    let unknown: Vec<_> = asked
        .iter()
        .filter(|name| !exposed.contains(*name))
        .collect();
    assert!(unknown.is_empty(), "the dashboard asks for {unknown:?}");
}

/// Every PromQL text (`expr`, and the variables' `query`) in `node`; every data source it names
/// must be the input `uid`.
fn collect_queries(node: &Value, uid: &str, queries: &mut Vec<String>) {
    match node {
        Value::Object(fields) => {
            for (key, field) in fields {
                match (key.as_str(), field) {
                    ("expr" | "query", Value::String(text)) => queries.push(text.clone()),
                    ("datasource", Value::Object(source)) => {
                        assert_eq!(source["uid"], uid, "{source:?}");
                    }
                    _ => collect_queries(field, uid, queries),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_queries(item, uid, queries)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_token_guards_the_scrape_and_only_get_is_served() {
    let token = "metrics-token-for-a-test";
    let app = TestApp::spawn_configured(Backend::Embedded, Arc::new(SystemClock), |config| {
        config.metrics_token = Some(Secret::new(token));
    })
    .await;
    let anonymous = app.call(Method::GET, None, "/metrics", None).await;
    anonymous.assert_problem(401, "unauthorized");
    let wrong = app
        .call(Method::GET, Some("not-the-token"), "/metrics", None)
        .await;
    wrong.assert_problem(401, "unauthorized");
    let admin = app
        .call(Method::GET, Some(&app.admin), "/metrics", None)
        .await;
    admin.assert_problem(401, "unauthorized");
    let samples = scrape(&app, Some(token)).await;
    assert_eq!(value(&samples, "lyceum_metrics_database_up", &[]), 1.0);
    let posted = app.call(Method::POST, Some(token), "/metrics", None).await;
    posted.assert_problem(405, "method_not_allowed");
    assert_eq!(posted.header("allow"), Some("GET"));
    app.finish().await;
}
