//! The hash chain written with the append, on both backends: every event appended stores the
//! hash of its canonical encoding chained to its stream's previous event, Postgres (in SQL) and
//! SQLite (in Rust) agree with `lyceum_audit`'s definition byte for byte, and a stream begun
//! before the chain existed (its events without a stored hash) goes on from the hash its old
//! events fold to.

use lyceum_domain::space::{Space, SpaceEvent};
use lyceum_domain::values::{Currency, Slug};
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
    let created = lyceum_domain::event::encode(&SpaceEvent::SpaceCreated {
        slug: Slug::parse("legacy-chain").unwrap(),
        name: "Legacy".into(),
        currency: Currency::parse("EUR").unwrap(),
    })
    .unwrap();
    sqlx::query(
        "INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, \
         event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
         recorded_at) VALUES ($1, 'space', $2, 1, $3, $4, $5, $2, 'system', $6, NULL, 'old', \
         '2026-01-01T00:00:00.000000Z')",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(space.to_string())
    .bind(&created.event_type)
    .bind(i64::from(created.event_version))
    .bind(created.payload.to_string())
    .bind(Uuid::new_v4().to_string())
    .execute(db.writer())
    .await
    .unwrap();
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
