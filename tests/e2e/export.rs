//! The auditor's round trip on both backends: `lyceum export` writes the sealed log, which the
//! offline verifier (`lyceum_verify`) and the Python verifier in `docs/` accept under the
//! published key; an erased member's data is nowhere in it in the clear; `GET
//! /v1/audit/export` gives an auditor its own space's events with proofs; `lyceum import-log`
//! restores it into an empty store with identical read models; and each attack an attacker
//! with database access could make (an edited byte, a deleted event, two events' contents
//! swapped, the tail cut after a checkpoint, the checkpoints re-signed with another key) is
//! found by `verify`, the offline verifier and the Python verifier alike.

use crate::on_both_backends;
use crate::support::{Backend, TestApp, drop_database};
use lyceum_audit::checkpoint::{public_key_from_hex, signing_key_from_hex};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_store::chain::export::{Exporter, Range};
use lyceum_store::chain::verify::verify;
use lyceum_store::clock::SystemClock;
use lyceum_store::{Db, testing};
use lyceum_verify::{Breach, Failure, Summary};
use lyceum_workers::{Cadence, Sealer};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

on_both_backends!(export_verify_and_restore);

fn lyceum(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lyceum"));
    command.arg("--data-dir").arg(&app.config.data_dir);
    if let Some(url) = &app.config.database_url {
        command.args(["--database-url", url.expose()]);
    }
    command.args(args).output().unwrap()
}

fn verify_file(key: [u8; 32], path: &Path) -> Result<Summary, Failure> {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    lyceum_verify::verify(key, file).unwrap()
}

/// `docs/verify.py`'s verdict: `Ok(stdout)` or `Err(stderr)`.
fn python(key: &str, path: &Path) -> Result<String, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/verify.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(key)
        .arg(path)
        .output()
        .expect("python3 runs");
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    if output.status.success() {
        Ok(out)
    } else {
        Err(err)
    }
}

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lyceum-{}-{name}", uuid::Uuid::new_v4().simple()))
}

/// A fresh, migrated store of the backend's kind: its database URL (Postgres) and its data
/// directory (SQLite's file and the audit key).
async fn empty_store(backend: Backend) -> (Db, Option<String>, PathBuf) {
    let dir = temp_file("restore");
    let (db, url) = match backend {
        Backend::Embedded => (Db::sqlite(&dir).await.unwrap(), None),
        Backend::Production => {
            let url = testing::fresh_postgres_url().await.unwrap();
            (Db::connect(&url).await.unwrap(), Some(url))
        }
    };
    lyceum_store::migrate::run(
        &db,
        &[
            lyceum_store::migrate::migrations(),
            lyceum_projections::migrations(),
        ],
    )
    .await
    .unwrap();
    (db, url, dir)
}

async fn drop_store(url: Option<&str>, dir: &Path) {
    if let Some(url) = url {
        drop_database(url).await;
    }
    let _ = std::fs::remove_dir_all(dir);
}

async fn export_verify_and_restore(backend: Backend) {
    let app = TestApp::spawn_configured(backend, Arc::new(SystemClock), |config| {
        config.seal_every_events = 5;
        config.seal_every = Duration::from_secs(1);
    })
    .await;
    let (_, creator) = app.space("audited").await;
    let (_, other) = app.space("neighbour").await;
    let tier = app
        .post(
            &creator,
            "/v1/spaces/audited/tiers",
            json!({"name": "Free", "kind": "free"}),
        )
        .await;
    let mut members = Vec::new();
    for n in 0..3 {
        let member = app
            .post(
                &creator,
                "/v1/spaces/audited/members",
                json!({"email": format!("secret{n}@example.org"), "display_name": format!("Hidden Person{n}")}),
            )
            .await;
        let id = member.body["id"].as_str().unwrap().to_owned();
        app.post(
            &creator,
            &format!("/v1/spaces/audited/members/{id}/join"),
            json!({"tier_id": tier.body["id"]}),
        )
        .await;
        members.push(id);
    }
    app.post(
        &other,
        "/v1/spaces/neighbour/tiers",
        json!({"name": "Next door", "kind": "free"}),
    )
    .await;
    let erased = app
        .delete(
            &creator,
            &format!("/v1/spaces/audited/members/{}/personal-data", members[0]),
        )
        .await;
    assert_eq!(erased.status, 204, "{erased:?}");
    let sealed = lyceum(&app, &["audit", "seal"]);
    assert!(sealed.status.success(), "{sealed:?}");
    let key_hex = String::from_utf8(lyceum(&app, &["audit", "public-key"]).stdout)
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(
        app.get(&app.admin, "/v1/audit/public-key").await.body["public_key"],
        key_hex.as_str()
    );
    let key = public_key_from_hex(&key_hex).unwrap();

    // The erasure leaves every chain and checkpoint intact.
    let report = verify(&app.db, Some(key), &mut |_, _| {}).await.unwrap();
    assert_eq!(report.failure, None);
    let verified = lyceum(&app, &["verify", "--public-key", &key_hex]);
    assert!(verified.status.success(), "{verified:?}");

    // A complete export verifies offline, in Rust and in Python, and holds no plaintext of the
    // erased member (nor of the others: the log never held it).
    let file = temp_file("export.ndjson");
    let keys = temp_file("member-keys.ndjson");
    let exported = lyceum(&app, &["export", "--member-keys", keys.to_str().unwrap()]);
    assert!(exported.status.success(), "{exported:?}");
    std::fs::write(&file, &exported.stdout).unwrap();
    let summary = verify_file(key, &file).unwrap();
    assert!(summary.complete && summary.events as i64 == app.event_count().await);
    assert_eq!(summary.unsealed_events, 0, "{summary:?}");
    assert!(
        python(&key_hex, &file).is_ok(),
        "{:?}",
        python(&key_hex, &file)
    );
    let text = String::from_utf8_lossy(&exported.stdout);
    assert!(text.contains("MemberPersonalDataErased") || text.contains("Erased"));
    assert!(!text.contains("secret0@example.org") && !text.contains("Hidden Person0"));

    // An auditor takes away its own space's events, each proved in the last checkpoint.
    let auditor = app
        .post(
            &app.admin,
            "/v1/spaces/audited/keys",
            json!({"role": "auditor"}),
        )
        .await;
    let auditor = auditor.body["key"].as_str().unwrap().to_owned();
    let response = app
        .http
        .get(format!("{}/v1/audit/export", app.base))
        .bearer_auth(&auditor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let partial = temp_file("partial.ndjson");
    std::fs::write(&partial, response.bytes().await.unwrap()).unwrap();
    let summary = verify_file(key, &partial).unwrap();
    assert!(!summary.complete && summary.events > 0, "{summary:?}");
    assert!(
        !std::fs::read_to_string(&partial)
            .unwrap()
            .contains("Next door")
    );
    let refused = app.get(&auditor, "/v1/audit/export?from=9&to=3").await;
    assert_eq!(refused.status, 422, "{refused:?}");
    for path in [
        "/v1/audit/export?from=-9223372036854775808",
        "/v1/audit/export?to=0",
        "/v1/audit/export?from=x",
    ] {
        let bad = app.get(&auditor, path).await;
        assert_eq!(bad.status, 400, "{path}: {bad:?}");
    }

    // Restored into an empty store, the read models are those of the source.
    app.caught_up(app.event_count().await).await;
    let mut source = Vec::new();
    for projection in Projection::ALL {
        source.push(checksum(&app.db, projection).await.unwrap());
    }
    let (restored, url, dir) = empty_store(backend).await;
    let mut import = Command::new(env!("CARGO_BIN_EXE_lyceum"));
    import.arg("--data-dir").arg(&dir);
    if let Some(url) = &url {
        import.args(["--database-url", url]);
    }
    let imported = import
        .args(["import-log", "--public-key", &key_hex, "--member-keys"])
        .arg(&keys)
        .arg(&file)
        .output()
        .unwrap();
    assert!(imported.status.success(), "{imported:?}");
    for (projection, expected) in Projection::ALL.into_iter().zip(&source) {
        let restored_sum = checksum(&restored, projection).await.unwrap();
        assert_eq!(&restored_sum, expected, "{} differs", projection.name());
    }
    // A second import into the now full store is refused, and so is a tampered file.
    let again = import_into(&url, &dir, &key_hex, &file);
    assert!(!again.status.success());
    let (empty, empty_url, empty_dir) = empty_store(backend).await;
    let forged = temp_file("forged.ndjson");
    std::fs::write(&forged, text.replacen("Free", "Fr3e", 1)).unwrap();
    let refused = import_into(&empty_url, &empty_dir, &key_hex, &forged);
    assert!(!refused.status.success(), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("edited"));
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(empty.reader())
        .await
        .unwrap();
    assert_eq!(held, 0, "a refused import writes nothing");
    empty.close().await;
    restored.close().await;
    for (url, dir) in [(url, dir), (empty_url, empty_dir)] {
        drop_store(url.as_deref(), &dir).await;
    }

    attacks_are_found(&app, backend, &file, &key_hex).await;
    let keys_text = std::fs::read_to_string(&keys).unwrap();
    assert!(
        !keys_text.contains(&members[0]),
        "an erased member has no key"
    );
    assert!(keys_text.contains(&members[1]));
    for path in [file, partial, forged, keys] {
        let _ = std::fs::remove_file(path);
    }
    app.finish().await;
}

/// Signs every stored checkpoint again with an attacker's key, and stores that key with them.
async fn resign_checkpoints(db: &Db) {
    use lyceum_audit::checkpoint::{public_key, public_key_to_hex, signature_to_hex, signing_key};
    let attacker = signing_key(&[9; 32]);
    let mut conn = lyceum_store::chain::reader(db).await.unwrap();
    let stored = lyceum_store::chain::sealed::page(&mut conn, 0, 1_000)
        .await
        .unwrap();
    drop(conn);
    for checkpoint in stored {
        let signature = checkpoint.checkpoint().unwrap().sign(&attacker);
        sqlx::query(
            "UPDATE audit_checkpoints SET signature = $1, public_key = $2 WHERE tree_size = $3",
        )
        .bind(signature_to_hex(&signature))
        .bind(public_key_to_hex(&public_key(&attacker)))
        .bind(checkpoint.tree_size)
        .execute(db.writer())
        .await
        .unwrap();
    }
}

fn import_into(url: &Option<String>, dir: &Path, key: &str, file: &Path) -> std::process::Output {
    let mut import = Command::new(env!("CARGO_BIN_EXE_lyceum"));
    import.arg("--data-dir").arg(dir);
    if let Some(url) = url {
        import.args(["--database-url", url]);
    }
    import
        .args(["import-log", "--public-key", key])
        .arg(file)
        .output()
        .unwrap()
}

/// One attack on a copy of the source's log: the first bad position `verify` names, and the
/// offline and Python verifiers' verdicts on an export of the attacked store.
struct Found {
    online: Option<i64>,
    offline: Failure,
    python: String,
}

/// Restores `file` into an empty store sealed with the source's key, runs `attack` on it with
/// the immutability triggers dropped, and checks it with all three verifiers.
async fn attack(
    app: &TestApp,
    backend: Backend,
    file: &Path,
    key_hex: &str,
    sql: &str,
    resign: bool,
) -> Found {
    let key = public_key_from_hex(key_hex).unwrap();
    let (db, url, dir) = empty_store(backend).await;
    let open = || std::fs::File::open(file).map(std::io::BufReader::new);
    lyceum_store::chain::import::import(&db, open, key, &[])
        .await
        .unwrap();
    let secret = std::fs::read_to_string(app.config.audit_key_path()).unwrap();
    let signing = signing_key_from_hex(secret.trim()).unwrap();
    let sealer = Sealer::new(
        db.clone(),
        signing.clone(),
        Cadence::default(),
        Arc::new(SystemClock),
    );
    // Two checkpoints: one over the first half of the log, one over all of it.
    sealer.seal_now().await.unwrap();
    let unguard = match backend {
        Backend::Embedded => "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete",
        Backend::Production => "ALTER TABLE events DISABLE TRIGGER events_immutable",
    };
    sqlx::raw_sql(unguard).execute(db.writer()).await.unwrap();
    sqlx::raw_sql(sql).execute(db.writer()).await.unwrap();
    if resign {
        resign_checkpoints(&db).await;
    }
    let online = verify(&db, Some(key), &mut |_, _| {})
        .await
        .unwrap()
        .failure
        .map(|failure| failure.position);
    // The export names the key the (possibly replaced) key file holds: here, the one in the
    // database's latest checkpoint.
    let mut conn = lyceum_store::chain::reader(&db).await.unwrap();
    let named = lyceum_store::chain::sealed::latest(&mut conn)
        .await
        .unwrap()
        .and_then(|checkpoint| checkpoint.stored_key())
        .unwrap_or(key);
    drop(conn);
    let mut exporter = Exporter::new(&db, Range::default(), &named, "2026-12-06T00:00:00Z".into())
        .await
        .unwrap();
    let mut text = String::new();
    while let Some(lines) = exporter.next_lines().await.unwrap() {
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
    }
    let path = temp_file("attacked.ndjson");
    std::fs::write(&path, &text).unwrap();
    let offline = verify_file(key, &path).expect_err("the offline verifier finds the attack");
    let python = python(key_hex, &path).expect_err("the Python verifier finds the attack");
    let _ = std::fs::remove_file(path);
    db.close().await;
    drop_store(url.as_deref(), &dir).await;
    Found {
        online,
        offline,
        python,
    }
}

async fn attacks_are_found(app: &TestApp, backend: Backend, file: &Path, key_hex: &str) {
    let positions: Vec<i64> = sqlx::query_scalar("SELECT position FROM events ORDER BY position")
        .fetch_all(app.db.reader())
        .await
        .unwrap();
    let middle = positions[positions.len() / 2];

    // One payload byte.
    let edited = attack(
        app,
        backend,
        file,
        key_hex,
        &format!("UPDATE events SET payload = payload || ' ' WHERE position = {middle}"),
        false,
    )
    .await;
    assert_eq!(edited.online, Some(middle));
    assert_eq!(
        edited.offline.position,
        Some(middle),
        "{:?}",
        edited.offline
    );
    assert!(
        edited.python.contains(&format!("position {middle}")),
        "{}",
        edited.python
    );

    // One event deleted.
    let deleted = attack(
        app,
        backend,
        file,
        key_hex,
        &format!("DELETE FROM events WHERE position = {middle}"),
        false,
    )
    .await;
    assert_eq!(deleted.online, Some(middle));
    let next = positions[positions.len() / 2 + 1];
    assert!(
        matches!(deleted.offline.position, Some(p) if p == middle || p == next),
        "{:?}",
        deleted.offline
    );
    assert!(
        deleted.python.contains("FAILED at position"),
        "{}",
        deleted.python
    );

    // Two events' contents swapped (all but their positions).
    let (a, b) = (positions[2], positions[positions.len() - 2]);
    let columns = "event_id, aggregate_type, aggregate_id, version, event_type, event_version, \
                   payload, space_id, actor, correlation_id, causation_id, request_id, \
                   recorded_at, hash";
    let swap = format!(
        "CREATE TABLE swap AS SELECT * FROM events WHERE position IN ({a}, {b}); \
         DELETE FROM events WHERE position IN ({a}, {b}); \
         INSERT INTO events (position, {columns}) SELECT CASE position WHEN {a} THEN {b} ELSE {a} END, {columns} FROM swap;"
    );
    let swapped = attack(app, backend, file, key_hex, &swap, false).await;
    assert_eq!(swapped.online, Some(a));
    assert_eq!(swapped.offline.position, Some(a), "{:?}", swapped.offline);
    assert!(
        swapped.python.contains(&format!("position {a}")),
        "{}",
        swapped.python
    );

    // The tail cut off after the first checkpoint.
    let cut = attack(
        app,
        backend,
        file,
        key_hex,
        &format!("DELETE FROM events WHERE position > {middle}"),
        false,
    )
    .await;
    assert_eq!(cut.online, Some(next));
    assert!(
        matches!(cut.offline.breach, Breach::Truncated { .. }),
        "{:?}",
        cut.offline
    );
    assert!(cut.python.contains("truncated"), "{}", cut.python);

    // Every checkpoint re-signed with the attacker's key, which the key file now holds.
    let resigned = attack(app, backend, file, key_hex, "SELECT 1", true).await;
    assert!(resigned.online.is_some());
    assert!(
        matches!(
            resigned.offline.breach,
            Breach::KeyMismatch | Breach::BadSignature { .. }
        ),
        "{:?}",
        resigned.offline
    );
    assert!(
        resigned.python.contains("key-mismatch") || resigned.python.contains("bad-signature"),
        "{}",
        resigned.python
    );
}
