//! Tier changes: new prices apply to new subscriptions (the tier's current terms change, its
//! history keeps the old ones), archived tiers take no new members, and every change is an
//! event that a replay reproduces.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild;
use serde_json::json;

on_both_backends!(tier_changes);

async fn tier_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("tiers").await;
    let (_, other) = app.space("elsewhere").await;
    let paid = app
        .post(
            &key,
            "/v1/spaces/tiers/tiers",
            json!({"name": "Insiders", "kind": "paid",
            "monthly_price_minor": 900, "yearly_price_minor": 9000, "trial_days": 7}),
        )
        .await;
    let paid_id = paid.body["id"].as_str().unwrap().to_owned();
    let free = app
        .post(
            &key,
            "/v1/spaces/tiers/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let free_id = free.body["id"].as_str().unwrap().to_owned();
    let paid_path = format!("/v1/spaces/tiers/tiers/{paid_id}");
    let free_path = format!("/v1/spaces/tiers/tiers/{free_id}");

    let changed = app
        .patch(
            &key,
            &paid_path,
            json!({"monthly_price_minor": 1200, "name": "Patrons"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body["monthly_price_minor"], 1200);
    assert_eq!(
        changed.body["yearly_price_minor"], 9000,
        "the other price is kept"
    );
    assert_eq!(changed.body["name"], "Patrons");
    assert_eq!(changed.body["trial_days"], 7);
    let read = app
        .get(
            &key,
            &format!("{paid_path}?min_position={}", changed.position()),
        )
        .await;
    assert_eq!(
        read.body, changed.body,
        "the read model shows what the write answered"
    );

    let same = app
        .patch(&key, &paid_path, json!({"monthly_price_minor": 1200}))
        .await;
    assert_eq!(same.status, 200);
    assert_eq!(
        same.position(),
        changed.position(),
        "an unchanged tier records nothing"
    );

    app.patch(&key, &free_path, json!({"monthly_price_minor": 100}))
        .await
        .assert_problem(422, "validation_failed");
    app.patch(&key, &paid_path, json!({"monthly_price_minor": 0}))
        .await
        .assert_problem(422, "validation_failed");
    app.patch(&key, &paid_path, json!({"colour": "red"}))
        .await
        .assert_problem(400, "bad_request");
    app.patch(
        &other,
        &format!("/v1/spaces/elsewhere/tiers/{paid_id}"),
        json!({"name": "Mine"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post_empty(&other, &format!("/v1/spaces/tiers/tiers/{paid_id}/archive"))
        .await
        .assert_problem(404, "not_found");

    let archived = app.post_empty(&key, &format!("{free_path}/archive")).await;
    assert_eq!(archived.status, 200, "{archived:?}");
    assert_eq!(archived.body["archived"], true);
    assert!(archived.body["archived_at"].is_string());
    let again = app.post_empty(&key, &format!("{free_path}/archive")).await;
    assert_eq!(
        again.position(),
        archived.position(),
        "archiving twice records nothing"
    );
    app.patch(&key, &free_path, json!({"name": "Old"}))
        .await
        .assert_problem(409, "invalid_transition");
    let member = app
        .post(
            &key,
            "/v1/spaces/tiers/members",
            json!({"email": "ada@example.org", "display_name": "Ada"}),
        )
        .await;
    let member_id = member.body["id"].as_str().unwrap();
    app.post(
        &key,
        &format!("/v1/spaces/tiers/members/{member_id}/join"),
        json!({"tier_id": free_id}),
    )
    .await
    .assert_problem(409, "invalid_transition");

    let graph = app
        .graphql(
            &key,
            "mutation($id: ID!) { updateTier(space: \"tiers\", id: $id, input: {trialDays: 14}) {
               node { trialDays monthlyPriceMinor archived } position } }",
            json!({"id": paid_id}),
        )
        .await;
    assert_eq!(
        graph["data"]["updateTier"]["node"],
        json!({"trialDays": 14, "monthlyPriceMinor": 1200, "archived": false}),
        "{graph}"
    );
    let position = graph["data"]["updateTier"]["position"].as_i64().unwrap();

    let listed = app
        .get(
            &key,
            &format!("/v1/spaces/tiers/tiers?min_position={position}"),
        )
        .await;
    let archived_flags: Vec<bool> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["archived"].as_bool().unwrap())
        .collect();
    assert_eq!(archived_flags, [false, true]);
    let history = app
        .get(&app.admin, &format!("/v1/streams/tier/{paid_id}"))
        .await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "TierDefined",
            "TierRenamed",
            "TierPricesChanged",
            "TierTrialChanged"
        ]
    );
    assert_eq!(
        history.body[0]["payload"]["monthly_price_minor"], 900,
        "the history keeps the old price"
    );

    let live = checksum(&app.db, Projection::Tiers).await.unwrap();
    rebuild(&app.db, Projection::Tiers, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(checksum(&app.db, Projection::Tiers).await.unwrap(), live);
    app.finish().await;
}
