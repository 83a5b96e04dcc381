//! The hash chain written with the append, on both backends: every event appended stores the
//! hash of its canonical encoding chained to its stream's previous event, Postgres (in SQL) and
//! SQLite (in Rust) agree with `lyceum_audit`'s definition byte for byte, and a stream begun
//! before the chain existed (its events without a stored hash) goes on from the hash its old
//! events fold to. `verify` (and `lyceum verify`) name the first event an attacker with
//! database access edited, removed or moved.

use lyceum_domain::space::{Space, SpaceEvent};
use lyceum_domain::values::{Currency, Slug};
use lyceum_store::chain::verify::{Breach, verify};
use lyceum_store::chain::{HASHED_COLUMNS, HashedRow};
use lyceum_store::command::append_for;
use lyceum_store::{Backend, Db, Metadata, append::append};
use std::collections::HashMap;
use uuid::Uuid;

fn metadata(space: Uuid, causation: Option<Uuid>) -> Metadata {
    Metadata {
        space_id: Some(space),
        actor: "key:ünïcode".into(),
        correlation_id: Uuid::new_v4(),
        causation_id: causation,
        request_id: "chain-test".into(),
    }
}

fn renamed(name: &str) -> SpaceEvent {
    SpaceEvent::SpaceSettingsChanged {
        name: Some(name.into()),
        description: Some("Ein Raum, 一个空间".into()),
    }
}

/// Writes an event the way a version before the chain did: no hash.
async fn legacy_event(db: &Db, space: Uuid) {
    let created = SpaceEvent::SpaceCreated {
        slug: Slug::parse("legacy-chain").unwrap(),
        name: "Legacy".into(),
        currency: Currency::parse("EUR").unwrap(),
    };
    legacy_event_at(db, space, 1, &created).await;
}

/// Writes `event` as version `version` of the space's stream, with no hash.
async fn legacy_event_at(db: &Db, space: Uuid, version: i64, event: &SpaceEvent) {
    let encoded = lyceum_domain::event::encode(event).unwrap();
    sqlx::query(
        "INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, \
         event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
         recorded_at) VALUES ($1, 'space', $2, $3, $4, $5, $6, $2, 'system', $7, NULL, 'old', \
         '2026-01-01T00:00:00.000000Z')",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(space.to_string())
    .bind(version)
    .bind(&encoded.event_type)
    .bind(i64::from(encoded.event_version))
    .bind(encoded.payload.to_string())
    .bind(Uuid::new_v4().to_string())
    .execute(db.writer())
    .await
    .unwrap();
}

/// A store written before the chain: its stream of legacy events is sealed (each hash computed
/// from the one before it), and the whole log verifies against the signed checkpoint.
#[tokio::test]
async fn a_log_begun_before_the_chain_is_sealed_and_verifies() {
    use lyceum_audit::checkpoint::{public_key, signing_key};
    use lyceum_workers::{Cadence, Sealer};
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let db = lyceum_store::testing::fresh(backend).await.unwrap();
        lyceum_store::migrate::run(&db, &[lyceum_store::migrate::migrations()])
            .await
            .unwrap();
        let old = Uuid::now_v7();
        legacy_event(&db, old).await;
        for version in 2..=4 {
            legacy_event_at(&db, old, version, &renamed(&format!("Old {version}"))).await;
        }
        let next = append_for::<Space>(old, 4, &[renamed("Chained")], metadata(old, None), vec![]);
        append(&db, &next.unwrap(), None).await.unwrap();
        let key = signing_key(&[3; 32]);
        let clock = std::sync::Arc::new(lyceum_store::clock::SystemClock);
        let sealer = Sealer::new(db.clone(), key.clone(), Cadence::default(), clock);
        assert_eq!(sealer.seal_now().await.unwrap(), 5);
        let report = verify(&db, Some(public_key(&key)), &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!(report.failure, None, "{backend:?}");
        assert_eq!((report.legacy, report.checkpoints_checked), (4, 1));
        // Another key does not sign on after this one.
        let clock = std::sync::Arc::new(lyceum_store::clock::SystemClock);
        let other = Sealer::new(db.clone(), signing_key(&[4; 32]), Cadence::default(), clock);
        let refused = other.seal_now().await;
        assert!(
            matches!(refused, Err(lyceum_workers::WorkerError::AuditKey(_))),
            "{refused:?}"
        );
        db.close().await;
    }
}

async fn chain_holds(backend: Backend) {
    let db = lyceum_store::testing::fresh(backend).await.unwrap();
    lyceum_store::migrate::run(&db, &[lyceum_store::migrate::migrations()])
        .await
        .unwrap();
    let old = Uuid::now_v7();
    legacy_event(&db, old).await;
    // The old stream goes on; a new stream takes three events in one append, then one more.
    append(
        &db,
        &append_for::<Space>(
            old,
            1,
            &[renamed("Old, renamed")],
            metadata(old, None),
            vec![],
        )
        .unwrap(),
        None,
    )
    .await
    .unwrap();
    let new = Uuid::now_v7();
    let created = SpaceEvent::SpaceCreated {
        slug: Slug::parse("new-chain").unwrap(),
        name: "New".into(),
        currency: Currency::parse("EUR").unwrap(),
    };
    let events = [created, renamed("Second"), renamed("Third")];
    append(
        &db,
        &append_for::<Space>(new, 0, &events, metadata(new, None), vec![]).unwrap(),
        None,
    )
    .await
    .unwrap();
    append(
        &db,
        &append_for::<Space>(
            new,
            3,
            &[renamed("Fourth")],
            metadata(new, Some(Uuid::new_v4())),
            vec![],
        )
        .unwrap(),
        None,
    )
    .await
    .unwrap();

    let rows = sqlx::query(&format!(
        "SELECT {HASHED_COLUMNS} FROM events ORDER BY position"
    ))
    .fetch_all(db.reader())
    .await
    .unwrap();
    let mut heads: HashMap<String, lyceum_audit::Hash> = HashMap::new();
    let mut stored = 0;
    for row in &rows {
        let event = HashedRow::from_row(row).unwrap();
        let previous = heads
            .get(&event.aggregate_id)
            .copied()
            .unwrap_or(lyceum_audit::Hash::ZERO);
        let computed = event.computed(&previous);
        match &event.hash {
            Some(hash) => {
                assert_eq!(
                    hash,
                    &computed.to_hex(),
                    "version {} of {}",
                    event.version,
                    event.aggregate_id
                );
                stored += 1;
            }
            None => assert_eq!(event.request_id, "old", "only the legacy event has no hash"),
        }
        heads.insert(event.aggregate_id.clone(), computed);
    }
    assert_eq!(stored, 5, "every appended event stores its hash");
    db.close().await;
}

#[tokio::test]
async fn the_chain_holds_on_postgres() {
    chain_holds(Backend::Postgres).await;
}

#[tokio::test]
async fn the_chain_holds_on_sqlite() {
    chain_holds(Backend::Sqlite).await;
}

/// A log of two streams: positions 1 to 3 are the first stream's versions 1 to 3, positions 4
/// and 5 the second's versions 1 and 2.
async fn small_log(backend: Backend) -> (Db, String) {
    let url = match backend {
        Backend::Postgres => lyceum_store::testing::fresh_postgres_url().await.unwrap(),
        Backend::Sqlite => lyceum_store::testing::fresh_sqlite_url(),
    };
    let db = Db::connect(&url).await.unwrap();
    lyceum_store::migrate::run(&db, &[lyceum_store::migrate::migrations()])
        .await
        .unwrap();
    for (slug, names) in [
        ("first", &["Second", "Third"][..]),
        ("other", &["Fifth"][..]),
    ] {
        let id = Uuid::now_v7();
        let mut events = vec![SpaceEvent::SpaceCreated {
            slug: Slug::parse(slug).unwrap(),
            name: slug.into(),
            currency: Currency::parse("EUR").unwrap(),
        }];
        events.extend(names.iter().map(|name| renamed(name)));
        for (version, event) in events.iter().enumerate() {
            let write = append_for::<Space>(
                id,
                version as i64,
                std::slice::from_ref(event),
                metadata(id, None),
                vec![],
            )
            .unwrap();
            append(&db, &write, None).await.unwrap();
        }
    }
    (db, url)
}

/// Runs `sql` as an attacker would: with the immutability triggers out of the way.
async fn tamper(db: &Db, backend: Backend, sql: &str) {
    let unguard = match backend {
        Backend::Postgres => "ALTER TABLE events DISABLE TRIGGER events_immutable",
        Backend::Sqlite => "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete",
    };
    sqlx::raw_sql(unguard).execute(db.writer()).await.unwrap();
    sqlx::raw_sql(sql).execute(db.writer()).await.unwrap();
}

async fn first_failure(db: &Db) -> Option<(i64, Breach)> {
    let report = verify(db, None, &mut |_, _| {}).await.unwrap();
    report
        .failure
        .map(|failure| (failure.position, failure.breach))
}

async fn tampering_is_found(backend: Backend) {
    let (db, _) = small_log(backend).await;
    let report = verify(&db, None, &mut |_, _| {}).await.unwrap();
    assert_eq!(
        (report.checked, report.streams, report.failure),
        (5, 2, None)
    );
    db.close().await;

    let cases: [(&str, i64, Breach); 5] = [
        (
            "UPDATE events SET payload = replace(payload, 'Second', 'Secund') WHERE position = 2",
            2,
            Breach::Edited,
        ),
        (
            "DELETE FROM events WHERE position = 2",
            3,
            Breach::Missing { after: 1 },
        ),
        (
            "UPDATE events SET payload = CASE position WHEN 2 THEN \
             (SELECT payload FROM events WHERE position = 3) ELSE \
             (SELECT payload FROM events WHERE position = 2) END WHERE position IN (2, 3)",
            2,
            Breach::Edited,
        ),
        (
            "UPDATE events SET hash = NULL WHERE position = 4",
            4,
            Breach::HashRemoved,
        ),
        (
            "UPDATE events SET version = 4 WHERE position = 2; \
             UPDATE events SET version = 2 WHERE position = 3",
            2,
            Breach::Missing { after: 1 },
        ),
    ];
    for (sql, position, breach) in cases {
        let (db, _) = small_log(backend).await;
        tamper(&db, backend, sql).await;
        assert_eq!(first_failure(&db).await, Some((position, breach)), "{sql}");
        db.close().await;
    }
}

#[tokio::test]
async fn tampering_is_found_on_postgres() {
    tampering_is_found(Backend::Postgres).await;
}

#[tokio::test]
async fn tampering_is_found_on_sqlite() {
    tampering_is_found(Backend::Sqlite).await;
}

#[tokio::test]
async fn lyceum_verify_fails_naming_the_first_bad_position() {
    let (db, url) = small_log(Backend::Postgres).await;
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_lyceum"))
            .args(["--database-url", &url, "verify"])
            .output()
            .unwrap()
    };
    let good = run();
    assert!(good.status.success(), "{good:?}");
    assert!(String::from_utf8_lossy(&good.stdout).contains("verified 5 events in 2 streams"));
    tamper(
        &db,
        Backend::Postgres,
        "UPDATE events SET payload = replace(payload, 'Third', 'Thyrd') WHERE position = 3",
    )
    .await;
    let bad = run();
    assert!(!bad.status.success(), "{bad:?}");
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(
        said.contains("position 3") && said.contains("edited"),
        "{said}"
    );
    db.close().await;
}
