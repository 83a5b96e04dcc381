//! The gap race on Postgres: an append that holds its transaction open after taking its
//! position must not be skipped by readers, the relay or the projections when later appends
//! commit first.

use crate::support::{AMQP_URL, unique};
use lyceum_projections::Projection;
use lyceum_store::append::{append, prepare};
use lyceum_store::read::{Filter, high_water_mark, read_after};
use lyceum_store::{Append, Db};
use lyceum_workers::{ProjectionConsumer, Relay, Topology};
use std::time::Duration;

fn space(slug: &str) -> Append {
    lyceum_store::testing::space_created(slug).unwrap()
}

async fn spaces(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT slug FROM rm_spaces ORDER BY slug")
        .fetch_all(db.reader())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_commit_with_a_lower_position_is_never_skipped() {
    let url = lyceum_store::testing::fresh_postgres_url().await.unwrap();
    let db = Db::connect(&url).await.unwrap();
    lyceum_store::migrate::run(
        &db,
        &[
            lyceum_store::migrate::migrations(),
            lyceum_projections::migrations(),
        ],
    )
    .await
    .unwrap();
    let broker = lyceum_workers::amqp::connect(AMQP_URL).await.unwrap();
    let topology = Topology::new(unique("gap"));
    let relay = Relay::new(
        db.clone(),
        broker.create_channel().await.unwrap(),
        topology.clone(),
        100,
    )
    .await
    .unwrap();
    let mut consumer = ProjectionConsumer::new(
        db.clone(),
        broker.create_channel().await.unwrap(),
        &topology,
        Projection::Spaces,
        64,
    )
    .await
    .unwrap();

    let early = prepare(&db, &space("early"), None).await.unwrap();
    let early_position = early.position().unwrap();
    let later = append(&db, &space("later"), None).await.unwrap().unwrap();
    let last = append(&db, &space("last"), None).await.unwrap().unwrap();
    assert!(early_position < later && later < last);

    // While the early append is open, nothing at or above its position is final.
    assert_eq!(high_water_mark(&db).await.unwrap(), early_position - 1);
    assert!(
        read_after(&db, 0, 100, &Filter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        relay.step().await.unwrap(),
        0,
        "the relay waits for the gap to close"
    );
    assert_eq!(consumer.drain(Duration::from_millis(300)).await.unwrap(), 0);
    assert!(spaces(&db).await.is_empty());

    early.commit().await.unwrap();
    assert_eq!(high_water_mark(&db).await.unwrap(), last);
    assert_eq!(relay.step().await.unwrap(), 3);
    assert_eq!(relay.step().await.unwrap(), 0, "nothing is published twice");
    assert_eq!(consumer.drain(Duration::from_millis(300)).await.unwrap(), 3);
    assert_eq!(spaces(&db).await, ["early", "last", "later"]);
    assert_eq!(
        lyceum_projections::checkpoint_of(&db, Projection::Spaces)
            .await
            .unwrap(),
        last
    );

    // An append that is abandoned leaves a gap that closes at once.
    drop(prepare(&db, &space("abandoned"), None).await.unwrap());
    let after = append(&db, &space("after"), None).await.unwrap().unwrap();
    assert_eq!(high_water_mark(&db).await.unwrap(), after);
    assert_eq!(relay.step().await.unwrap(), 1);
    consumer.drain(Duration::from_millis(300)).await.unwrap();
    assert_eq!(spaces(&db).await, ["after", "early", "last", "later"]);

    let channel = broker.create_channel().await.unwrap();
    topology.delete(&channel).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_conflict_is_refused_and_writes_nothing() {
    let url = lyceum_store::testing::fresh_postgres_url().await.unwrap();
    let db = Db::connect(&url).await.unwrap();
    lyceum_store::migrate::run(&db, &[lyceum_store::migrate::migrations()])
        .await
        .unwrap();
    let first = space("first");
    append(&db, &first, None).await.unwrap();
    let err = append(&db, &first, None).await.unwrap_err();
    assert!(matches!(err, lyceum_store::StoreError::Conflict), "{err:?}");
    // The refused append released its locks: the next one and the reader proceed.
    let next = append(&db, &space("next"), None).await.unwrap().unwrap();
    assert_eq!(high_water_mark(&db).await.unwrap(), next);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_racing_concurrent_writers_sees_every_event_once_in_order() {
    let url = lyceum_store::testing::fresh_postgres_url().await.unwrap();
    let db = Db::connect(&url).await.unwrap();
    lyceum_store::migrate::run(&db, &[lyceum_store::migrate::migrations()])
        .await
        .unwrap();
    let writers: Vec<_> = (0..6)
        .map(|w| {
            let db = db.clone();
            tokio::spawn(async move {
                for n in 0..150 {
                    append(&db, &space(&format!("w{w}-{n}")), None)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    let mut seen = Vec::new();
    let mut after = 0;
    let mut done = false;
    while !done {
        done = writers.iter().all(|w| w.is_finished());
        loop {
            let page = read_after(&db, after, 100, &Filter::default())
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = last.position;
            seen.extend(page.iter().map(|e| e.position));
        }
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let all: Vec<i64> = sqlx::query_scalar("SELECT position FROM events ORDER BY position")
        .fetch_all(db.reader())
        .await
        .unwrap();
    assert_eq!(all.len(), 900);
    assert_eq!(
        seen, all,
        "the reader saw every event exactly once, in position order"
    );
}
