//! Revenue analytics for creators: MRR per currency and per tier, subscriptions by status and
//! monthly cohorts over REST and GraphQL, a trial that starts counting when the scheduler
//! converts it, a replay that reproduces the MRR changes, and the usual access rules.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use chrono::{Duration, Utc};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild;
use lyceum_store::clock::ManualClock;
use serde_json::{Value, json};
use std::sync::Arc;

on_both_backends!(analytics);

const SUMMARY: &str = "/v1/spaces/stats/analytics/summary";

/// Polls the summary until `done` holds, for at most ten seconds (the scheduler passes at least
/// once a second).
async fn until(app: &TestApp, key: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let reply = app.get(key, SUMMARY).await;
        if reply.status == 200 && done(&reply.body) {
            return reply.body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out; last: {reply:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// The non-zero MRR deltas of one subscription, in log order.
async fn deltas(app: &TestApp, subscription: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT delta_minor FROM rm_mrr_changes WHERE subscription_id = $1 AND delta_minor <> 0 \
         ORDER BY position",
    )
    .bind(subscription)
    .fetch_all(app.db.reader())
    .await
    .unwrap()
}

async fn analytics(backend: Backend) {
    let clock = ManualClock::at(Utc::now());
    let app = TestApp::spawn_with_clock(backend, Arc::new(clock.clone())).await;
    let (_, key) = app.space("stats").await;
    let (_, rival) = app.space("rival").await;
    let tier = |body: Value| app.post(&key, "/v1/spaces/stats/tiers", body);
    let insiders = tier(json!({"name": "Insiders", "kind": "paid", "monthly_price_minor": 900, "yearly_price_minor": 9000})).await;
    let trial =
        tier(json!({"name": "Trial", "kind": "paid", "monthly_price_minor": 500, "trial_days": 7}))
            .await;
    let mut started = Vec::new();
    for (n, tier, interval, card) in [
        (1, &insiders, "monthly", "tok_success"),
        (2, &insiders, "yearly", "tok_success"),
        (3, &trial, "monthly", "tok_success"),
        (4, &insiders, "monthly", "tok_declined"),
        (5, &insiders, "monthly", "tok_success"),
    ] {
        let member = app
            .post(
                &key,
                "/v1/spaces/stats/members",
                json!({"email": format!("a{n}@example.org"), "display_name": "A"}),
            )
            .await;
        let reply = app
            .post(
                &key,
                &format!(
                    "/v1/spaces/stats/members/{}/subscriptions",
                    member.body["id"].as_str().unwrap()
                ),
                json!({"tier_id": tier.body["id"], "interval": interval, "payment_method": card}),
            )
            .await;
        assert_eq!(reply.status, 201, "{reply:?}");
        started.push(reply.body);
    }
    let statuses: Vec<&str> = started
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["active", "active", "trialing", "incomplete", "active"]
    );
    let id = |n: usize| started[n]["id"].as_str().unwrap().to_owned();
    let canceled = app
        .post(
            &key,
            &format!("/v1/spaces/stats/subscriptions/{}/cancel", id(4)),
            json!({"at_period_end": false}),
        )
        .await;
    assert_eq!(canceled.body["status"], "canceled", "{canceled:?}");
    let month = started[0]["started_at"].as_str().unwrap()[..7].to_owned();

    // 900 (monthly) + 9000 / 12 (yearly); the trial, the declined and the canceled add 0.
    let summary = app
        .get(
            &key,
            &format!("{SUMMARY}?min_position={}", canceled.position()),
        )
        .await;
    assert_eq!(summary.status, 200, "{summary:?}");
    let body = &summary.body;
    assert_eq!(
        body["mrr"],
        json!([{"currency": "EUR", "amount_minor": 1650}])
    );
    assert_eq!(
        body["counts"],
        json!({"incomplete": 1, "trialing": 1, "active": 2, "past_due": 0, "canceled": 1, "paid": 2})
    );
    let mut by_tier = body["by_tier"].as_array().unwrap().clone();
    by_tier.sort_by_key(|t| t["amount_minor"].as_i64());
    assert_eq!(
        by_tier,
        [
            json!({"tier_id": trial.body["id"], "currency": "EUR", "amount_minor": 0, "paying": 0}),
            json!({"tier_id": insiders.body["id"], "currency": "EUR", "amount_minor": 1650, "paying": 2}),
        ]
    );
    assert_eq!(
        body["cohorts"],
        json!([{"month": month, "started": 5, "retained": 2, "churned": 1,
            "retention_basis_points": 4000}])
    );
    assert_eq!(deltas(&app, &id(0)).await, [900]);
    assert_eq!(deltas(&app, &id(1)).await, [750]);
    assert_eq!(deltas(&app, &id(2)).await, Vec::<i64>::new());
    assert_eq!(deltas(&app, &id(3)).await, Vec::<i64>::new());
    assert_eq!(deltas(&app, &id(4)).await, [900, -900]);

    // GraphQL answers the same.
    let graph = app
        .graphql(
            &key,
            "{ analytics(space: \"stats\") { mrr { currency amountMinor }
                 counts { incomplete trialing active pastDue canceled paid }
                 cohorts { month started retained churned retentionBasisPoints } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        graph["data"]["analytics"],
        json!({
            "mrr": [{"currency": "EUR", "amountMinor": 1650}],
            "counts": {"incomplete": 1, "trialing": 1, "active": 2, "pastDue": 0, "canceled": 1, "paid": 2},
            "cohorts": [{"month": month, "started": 5, "retained": 2, "churned": 1,
                "retentionBasisPoints": 4000}]
        }),
        "{graph}"
    );

    // Auditors may read; member sessions may not; other spaces' keys see nothing.
    let auditor = app
        .post(
            &app.admin,
            "/v1/spaces/stats/keys",
            json!({"role": "auditor"}),
        )
        .await;
    let auditor = auditor.body["key"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&auditor, SUMMARY).await.body, summary.body);
    let session = app
        .post(
            &key,
            "/v1/spaces/stats/member-sessions",
            json!({"member_id": started[0]["member_id"]}),
        )
        .await;
    let session = session.body["session"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get(&session, SUMMARY)
        .await
        .assert_problem(403, "forbidden");
    app.get(&rival, SUMMARY)
        .await
        .assert_problem(404, "not_found");
    let rival_graph = app
        .graphql(
            &rival,
            "{ analytics(space: \"stats\") { mrr { amountMinor } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        rival_graph["errors"][0]["extensions"]["code"], "not_found",
        "{rival_graph}"
    );
    let empty = app.get(&rival, "/v1/spaces/rival/analytics/summary").await;
    assert_eq!(
        empty.body,
        json!({"mrr": [], "counts": {"incomplete": 0, "trialing": 0, "active": 0, "past_due": 0,
            "canceled": 0, "paid": 0}, "by_tier": [], "cohorts": [], "money": []})
    );

    // Past the trial, the scheduler converts it and MRR rises by its price; meanwhile the
    // declined checkout expired (incomplete → canceled), which changes no MRR.
    clock.advance(Duration::days(8));
    let converted = until(&app, &key, |s| {
        s["mrr"][0]["amount_minor"] == 2150
            && s["counts"]["active"] == 3
            && s["counts"]["canceled"] == 2
    })
    .await;
    assert_eq!(
        converted["counts"],
        json!({"incomplete": 0, "trialing": 0, "active": 3, "past_due": 0, "canceled": 2, "paid": 3})
    );
    assert_eq!(
        converted["cohorts"],
        json!([{"month": month, "started": 5, "retained": 3, "churned": 2,
            "retention_basis_points": 6000}])
    );
    assert_eq!(deltas(&app, &id(2)).await, [500]);

    // One row per subscription event, and a replay reproduces them exactly.
    let last: i64 = sqlx::query_scalar("SELECT MAX(position) FROM events")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let settled = app
        .get(&key, &format!("{SUMMARY}?min_position={last}"))
        .await;
    // Later charges may add to the money totals; the subscription figures must not move.
    let subscriptions = |summary: &Value| {
        let mut summary = summary.clone();
        summary["money"] = Value::Null;
        summary
    };
    assert_eq!(
        subscriptions(&settled.body),
        subscriptions(&converted),
        "nothing else changed MRR"
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rm_mrr_changes")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let events: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE aggregate_type = 'subscription'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!(rows, events);
    let live = checksum(&app.db, Projection::Analytics).await.unwrap();
    rebuild(&app.db, Projection::Analytics, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        checksum(&app.db, Projection::Analytics).await.unwrap(),
        live
    );
    assert_eq!(
        subscriptions(&app.get(&key, SUMMARY).await.body),
        subscriptions(&converted)
    );
    app.finish().await;
}
