//! The sealer and the auditor's endpoints on both backends: checkpoints signed with the key
//! the API publishes, inclusion proofs for every event and consistency proofs between
//! checkpoints that verify with `lyceum_audit` alone, an auditor kept to its own space, and
//! `verify` catching, against the signed checkpoints, what the chains alone cannot: a log cut
//! short after a checkpoint, and checkpoints re-signed with another key.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_audit::checkpoint::{public_key_from_hex, signature_from_hex};
use lyceum_audit::merkle::{verify_consistency, verify_inclusion};
use lyceum_audit::{Checkpoint, Hash};
use lyceum_store::chain::TreeBreach;
use lyceum_store::chain::verify::{Breach, verify};
use lyceum_store::clock::SystemClock;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

on_both_backends!(checkpoints_and_proofs_verify);

/// An application that signs a checkpoint every 2 events (a batch of sealing ends with at most
/// 3 since the last) or every second.
async fn sealing_app(backend: Backend) -> TestApp {
    TestApp::spawn_configured(backend, Arc::new(SystemClock), |config| {
        config.seal_every_events = 2;
        config.seal_every = Duration::from_secs(1);
    })
    .await
}

/// Waits until a checkpoint covers the log's head; returns every checkpoint.
async fn sealed_up_to_head(app: &TestApp) -> Vec<Value> {
    let head = app.event_count().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = app.get(&app.admin, "/v1/audit/checkpoints?limit=100").await;
        assert_eq!(page.status, 200, "{page:?}");
        let checkpoints = page.body["data"].as_array().unwrap().clone();
        if checkpoints
            .last()
            .is_some_and(|last| last["tree_size"].as_i64() == Some(head))
        {
            return checkpoints;
        }
        assert!(
            Instant::now() < deadline,
            "no checkpoint reached {head} events"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn hash(value: &Value) -> Hash {
    Hash::from_hex(value.as_str().unwrap()).unwrap()
}

fn hashes(value: &Value) -> Vec<Hash> {
    value.as_array().unwrap().iter().map(hash).collect()
}

async fn checkpoints_and_proofs_verify(backend: Backend) {
    let app = sealing_app(backend).await;
    let (_, creator) = app.space("sealed").await;
    for n in 0..6 {
        let tier = app
            .post(
                &creator,
                "/v1/spaces/sealed/tiers",
                json!({"name": format!("Tier {n}"), "kind": "free"}),
            )
            .await;
        assert_eq!(tier.status, 201, "{tier:?}");
    }
    app.space("elsewhere").await;
    let checkpoints = sealed_up_to_head(&app).await;
    assert!(checkpoints.len() >= 2, "{checkpoints:?}");

    // The published key signed every checkpoint.
    let published = app.get(&app.admin, "/v1/audit/public-key").await;
    assert_eq!(published.status, 200, "{published:?}");
    assert_eq!(published.body["algorithm"], "ed25519");
    let key = public_key_from_hex(published.body["public_key"].as_str().unwrap()).unwrap();
    let anonymous = app
        .call(reqwest::Method::GET, None, "/v1/audit/public-key", None)
        .await;
    assert_eq!(anonymous.body, published.body);
    for checkpoint in &checkpoints {
        let signed = Checkpoint {
            tree_size: checkpoint["tree_size"].as_u64().unwrap(),
            root: hash(&checkpoint["root"]),
            time: checkpoint["time"].as_str().unwrap().to_owned(),
        };
        let signature = signature_from_hex(checkpoint["signature"].as_str().unwrap()).unwrap();
        assert_eq!(signed.verify(&key, &signature), Ok(()), "{checkpoint}");
    }

    // Every event is proved in the latest tree, and the trees grew consistently.
    let latest = checkpoints.last().unwrap();
    let size = latest["tree_size"].as_u64().unwrap();
    let events = app.get(&app.admin, "/v1/events?limit=100").await;
    let positions: Vec<i64> = events.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions.len() as u64, size);
    for position in &positions {
        let proof = app
            .get(
                &app.admin,
                &format!("/v1/audit/proofs/inclusion?position={position}"),
            )
            .await;
        assert_eq!(proof.status, 200, "{proof:?}");
        let body = &proof.body;
        assert_eq!(body["root"], latest["root"]);
        assert_eq!(body["checkpoint"]["tree_size"], latest["tree_size"]);
        let (index, leaf) = (
            body["leaf_index"].as_u64().unwrap(),
            hash(&body["leaf_hash"]),
        );
        let path = hashes(&body["proof"]);
        let root = hash(&latest["root"]);
        assert_eq!(verify_inclusion(index, size, &leaf, &path, &root), Ok(()));
        let altered = Hash::sha256(&[b"not this leaf"]);
        assert!(verify_inclusion(index, size, &altered, &path, &root).is_err());
    }
    let first = &checkpoints[0];
    let (old, new) = (first["tree_size"].as_u64().unwrap(), size);
    let consistency = app
        .get(
            &app.admin,
            &format!("/v1/audit/proofs/consistency?from={old}&to={new}"),
        )
        .await;
    assert_eq!(consistency.status, 200, "{consistency:?}");
    assert_eq!(consistency.body["from_root"], first["root"]);
    assert_eq!(consistency.body["to_root"], latest["root"]);
    let proof = hashes(&consistency.body["proof"]);
    let (old_root, root) = (hash(&first["root"]), hash(&latest["root"]));
    assert_eq!(
        verify_consistency(old, new, &old_root, &root, &proof),
        Ok(())
    );
    assert!(verify_consistency(old, new, &root, &root, &proof).is_err() || old == new);

    // An auditor of another space learns nothing about this one's events.
    let auditor = app
        .post(
            &app.admin,
            "/v1/spaces/elsewhere/keys",
            json!({"role": "auditor"}),
        )
        .await;
    let auditor = auditor.body["key"].as_str().unwrap().to_owned();
    let hidden = app
        .get(
            &auditor,
            &format!("/v1/audit/proofs/inclusion?position={}", positions[0]),
        )
        .await;
    assert_eq!(hidden.status, 404, "{hidden:?}");
    assert_eq!(app.get(&creator, "/v1/audit/checkpoints").await.status, 403);

    // Bad questions get a clear 4xx.
    for (path, status) in [
        (
            format!("/v1/audit/proofs/consistency?from={new}&to={old}"),
            422,
        ),
        (
            format!("/v1/audit/proofs/consistency?from=1&to={}", new + 1000),
            422,
        ),
        ("/v1/audit/proofs/consistency?from=x&to=2".to_owned(), 400),
        ("/v1/audit/proofs/inclusion?position=999999".to_owned(), 404),
        (
            format!(
                "/v1/audit/proofs/inclusion?position={}&tree_size=1",
                positions[3]
            ),
            422,
        ),
        ("/v1/audit/proofs/inclusion".to_owned(), 400),
        ("/v1/audit/checkpoints?limit=0".to_owned(), 400),
    ] {
        let reply = app.get(&app.admin, &path).await;
        assert_eq!(reply.status, status, "{path}: {reply:?}");
        assert!(reply.body["code"].is_string(), "{path}: {reply:?}");
    }

    // `verify` checks the log against every checkpoint, under the published key.
    let report = verify(&app.db, Some(key), &mut |_, _| {}).await.unwrap();
    assert_eq!(report.failure, None);
    assert_eq!(report.checkpoints_checked, checkpoints.len());
    app.finish().await;
}

/// An attacker with database access re-signs the checkpoints with a key of their own, then cuts
/// the log short after the first checkpoint (with the sealed leaves, so only the signed
/// checkpoints remember): `verify` names both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncation_and_a_replaced_key_are_found() {
    for backend in [Backend::Embedded, Backend::Production] {
        let app = sealing_app(backend).await;
        let (_, creator) = app.space("cut").await;
        for n in 0..8 {
            let tier = app
                .post(
                    &creator,
                    "/v1/spaces/cut/tiers",
                    json!({"name": format!("Tier {n}"), "kind": "free"}),
                )
                .await;
            assert_eq!(tier.status, 201, "{tier:?}");
        }
        let checkpoints = sealed_up_to_head(&app).await;
        assert!(checkpoints.len() >= 2, "{checkpoints:?}");
        let key_hex = app.get(&app.admin, "/v1/audit/public-key").await.body["public_key"]
            .as_str()
            .unwrap()
            .to_owned();
        let key = public_key_from_hex(&key_hex).unwrap();
        let db = app.db.clone();
        let latest = checkpoints.last().unwrap();
        let last_position = latest["position"].as_i64().unwrap();
        let sqlite = backend == Backend::Embedded;

        let unguard = if sqlite {
            "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete"
        } else {
            "ALTER TABLE events DISABLE TRIGGER events_immutable"
        };
        sqlx::raw_sql(unguard).execute(db.writer()).await.unwrap();

        // Checkpoints re-signed by an attacker's key: the trusted key refuses the first.
        let attacker = lyceum_audit::checkpoint::signing_key(&[9; 32]);
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT tree_size, root, time FROM audit_checkpoints")
                .fetch_all(db.reader())
                .await
                .unwrap();
        for (tree_size, root, time) in rows {
            let forged = Checkpoint {
                tree_size: tree_size as u64,
                root: Hash::from_hex(&root).unwrap(),
                time,
            }
            .sign(&attacker);
            sqlx::query("UPDATE audit_checkpoints SET signature = $1 WHERE tree_size = $2")
                .bind(lyceum_audit::checkpoint::signature_to_hex(&forged))
                .bind(tree_size)
                .execute(db.writer())
                .await
                .unwrap();
        }
        let report = verify(&db, Some(key), &mut |_, _| {}).await.unwrap();
        let failure = report.failure.expect("a failure");
        assert!(
            matches!(
                failure.breach,
                Breach::Tree(TreeBreach::BadSignature { .. })
            ),
            "{failure:?}"
        );

        // The tail after the last checkpoint's first event, removed with its sealed leaves.
        let first_cut = checkpoints[0]["position"].as_i64().unwrap() + 1;
        sqlx::query("DELETE FROM events WHERE position >= $1")
            .bind(first_cut)
            .execute(db.writer())
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_leaves WHERE position >= $1")
            .bind(first_cut)
            .execute(db.writer())
            .await
            .unwrap();
        let report = verify(&db, None, &mut |_, _| {}).await.unwrap();
        let failure = report.failure.expect("a failure");
        assert!(
            matches!(failure.breach, Breach::Tree(TreeBreach::Truncated { .. })),
            "{failure:?}"
        );
        assert_eq!(failure.position, first_cut - 1, "{failure:?}");
        assert!(last_position >= first_cut);
        app.finish().await;
    }
}
