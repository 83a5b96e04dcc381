//! The RabbitMQ bus against a real broker and Postgres: the relay, projection consumers with
//! crashes and gaps, relay leadership, dead letters, and the embedded bus on SQLite.

mod support;

use futures::StreamExt;
use lapin::BasicProperties;
use lapin::options::{
    BasicConsumeOptions, BasicGetOptions, BasicQosOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lyceum_projections::{Delivery, Part, Projection, apply_deliveries};
use lyceum_store::Db;
use lyceum_workers::leases::Leases;
use lyceum_workers::message::{Message, decode, decode_for};
use lyceum_workers::{
    BrokerFeed, LiveFeed, LogTail, Nudge, Relay, Stop, WorkerError, acquire_leadership, amqp,
    embedded,
};
use std::time::Duration;
use support::*;

/// Publishes everything the relay has to publish, one step at a time.
async fn relay_all(relay: &Relay) -> TestResult<usize> {
    let mut total = 0;
    loop {
        match relay.step().await? {
            0 => return Ok(total),
            published => total += published,
        }
    }
}

async fn relay(bus: &TestBus, batch: i64) -> TestResult<Relay> {
    Ok(Relay::new(
        bus.db.clone(),
        bus.channel().await?,
        bus.topology.clone(),
        batch,
    )
    .await?)
}

#[tokio::test]
async fn relay_publishes_each_event_once_in_a_chain_and_the_consumer_applies_it() -> TestResult {
    let bus = TestBus::new().await?;
    let spaces = create_spaces(&bus.db, 5).await?;
    let last = spaces[4].1;

    let relay = relay(&bus, 2).await?;
    assert_eq!(relay_all(&relay).await?, 5);
    assert_eq!(relay.step().await?, 0, "nothing is published twice");
    assert_eq!(
        bus.checkpoint(&bus.topology.relay_checkpoint()).await?,
        last
    );

    // The queue of a projection that handles no space event took none of them.
    let channel = bus.channel().await?;
    assert_eq!(
        message_count(&channel, &bus.queue(Projection::Tiers)).await?,
        0
    );
    channel.close(200, "OK".into()).await?;

    let mut consumer = bus.consumer(Projection::Spaces).await?;
    consume_until(&mut consumer, &bus.db, Projection::Spaces, last).await?;
    assert_eq!(space_rows(&bus.db).await?, sorted_ids(&spaces));
    assert_eq!(bus.projection_checkpoint(Projection::Spaces).await?, last);

    // Everything was acknowledged: a fresh consumer gets nothing again.
    consumer.close().await?;
    let mut fresh = bus.consumer(Projection::Spaces).await?;
    assert_eq!(fresh.drain(Duration::from_millis(300)).await?, 0);
    fresh.close().await?;
    bus.cleanup().await
}

#[tokio::test]
async fn running_relay_and_consumer_keep_the_read_model_current_until_shutdown() -> TestResult {
    let bus = TestBus::new().await?;
    // Events appended before anything runs are caught up as well.
    let mut spaces = create_spaces(&bus.db, 3).await?;
    let nudge = Nudge::default();
    let (stop_relay, relay_stopped) = tokio::sync::oneshot::channel::<()>();
    let (stop_consumer, consumer_stopped) = tokio::sync::oneshot::channel::<()>();
    let relay_task = tokio::spawn(relay(&bus, 100).await?.run(nudge.clone(), relay_stopped));
    let consumer = bus.consumer(Projection::Spaces).await?;
    let consumer_task = tokio::spawn(consumer.run(consumer_stopped));

    spaces.extend(create_spaces(&bus.db, 3).await?);
    nudge.nudge();
    let last = spaces[5].1;
    eventually("the running consumer to apply everything", || async {
        Ok(bus.projection_checkpoint(Projection::Spaces).await? == last)
    })
    .await?;
    assert_eq!(space_rows(&bus.db).await?, sorted_ids(&spaces));

    let _ = stop_relay.send(());
    let _ = stop_consumer.send(());
    relay_task.await??;
    consumer_task.await??;
    bus.cleanup().await
}

#[tokio::test]
async fn the_relay_keeps_its_checkpoint_until_the_broker_accepts_a_batch() -> TestResult {
    let bus = TestBus::new().await?;
    let relay = relay(&bus, 100).await?;
    let channel = bus.channel().await?;
    // No queue to take the events: the broker returns them.
    for projection in Projection::ALL {
        let queue = bus.queue(projection);
        channel
            .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
            .await?;
    }
    let spaces = create_spaces(&bus.db, 2).await?;
    let refused = relay.step().await;
    assert!(
        matches!(refused, Err(WorkerError::NotConfirmed { .. })),
        "{refused:?}"
    );
    assert_eq!(bus.checkpoint(&bus.topology.relay_checkpoint()).await?, 0);

    bus.topology.declare(&channel).await?;
    assert_eq!(relay_all(&relay).await?, 2);
    assert_eq!(
        bus.checkpoint(&bus.topology.relay_checkpoint()).await?,
        spaces[1].1
    );
    bus.cleanup().await
}

/// How many ready messages `queue` holds.
async fn message_count(channel: &lapin::Channel, queue: &str) -> TestResult<u32> {
    let passive = QueueDeclareOptions {
        passive: true,
        ..QueueDeclareOptions::default()
    };
    Ok(channel
        .queue_declare(queue.into(), passive, FieldTable::default())
        .await?
        .message_count())
}

/// Takes `n` deliveries from the spaces queue on a connection of its own.
async fn take_on_own_connection(
    bus: &TestBus,
    n: usize,
) -> TestResult<(lapin::Connection, Vec<Delivery>)> {
    let connection = amqp::connect(&amqp_url()).await?;
    let channel = connection.create_channel().await?;
    channel
        .basic_qos(u16::try_from(n)?, BasicQosOptions::default())
        .await?;
    let mut consumer = channel
        .basic_consume(
            bus.queue(Projection::Spaces).as_str().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut deliveries = Vec::new();
    while deliveries.len() < n {
        let message = tokio::time::timeout(DEADLINE, consumer.next())
            .await?
            .ok_or("consumer cancelled")??;
        deliveries.push(decode(&message.properties, &message.data)?);
    }
    Ok((connection, deliveries))
}

#[tokio::test]
async fn a_consumer_that_crashes_before_or_after_its_commit_applies_nothing_twice() -> TestResult {
    let bus = TestBus::new().await?;
    let relay = relay(&bus, 100).await?;

    // Crash between commit and ack: half the batch is applied, then the connection dies.
    let mut spaces = create_spaces(&bus.db, 6).await?;
    relay_all(&relay).await?;
    let (crashed, deliveries) = take_on_own_connection(&bus, 3).await?;
    assert_eq!(
        apply_deliveries(&bus.db, only_part(Projection::Spaces), &deliveries).await?,
        spaces[2].1
    );
    crashed.close(320, "simulated crash".into()).await?;

    let mut consumer = bus.consumer(Projection::Spaces).await?;
    let settled = consume_until(&mut consumer, &bus.db, Projection::Spaces, spaces[5].1).await?
        + consumer.drain(Duration::from_millis(300)).await?;
    assert_eq!(settled, 6, "three redelivered and skipped, three new");
    assert_eq!(space_rows(&bus.db).await?, sorted_ids(&spaces));
    drop(consumer);

    // Crash before commit: deliveries received, nothing applied.
    spaces.extend(create_spaces(&bus.db, 4).await?);
    relay_all(&relay).await?;
    let (crashed, _) = take_on_own_connection(&bus, 4).await?;
    crashed.close(320, "simulated crash".into()).await?;

    let mut consumer = bus.consumer(Projection::Spaces).await?;
    let last = spaces[9].1;
    let settled = consume_until(&mut consumer, &bus.db, Projection::Spaces, last).await?
        + consumer.drain(Duration::from_millis(300)).await?;
    assert_eq!(settled, 4, "every redelivered message applied once");
    assert_eq!(space_rows(&bus.db).await?, sorted_ids(&spaces));
    assert_eq!(bus.projection_checkpoint(Projection::Spaces).await?, last);
    drop(consumer);
    bus.cleanup().await
}

#[tokio::test]
async fn a_gap_or_disorder_in_deliveries_is_filled_from_the_log() -> TestResult {
    let bus = TestBus::new().await?;
    let spaces = create_spaces(&bus.db, 5).await?;
    let p: Vec<i64> = spaces.iter().map(|(_, position)| *position).collect();
    let events = lyceum_store::read::read_after(&bus.db, 0, 100, &Default::default()).await?;
    let message = |i: usize, previous: i64| Message::new(&events[i], previous, 0);

    // p2 never arrives in order, p5 comes before p4, and duplicates follow.
    bus.publish(&message(0, 0)?).await?;
    bus.publish(&message(2, p[1])?).await?;
    bus.publish(&message(4, p[3])?).await?;
    bus.publish(&message(3, p[2])?).await?;
    bus.publish(&message(1, p[0])?).await?;
    bus.publish(&message(2, p[1])?).await?;

    let mut consumer = bus.consumer(Projection::Spaces).await?;
    let settled = consume_until(&mut consumer, &bus.db, Projection::Spaces, p[4]).await?
        + consumer.drain(Duration::from_millis(300)).await?;
    assert_eq!(settled, 6, "every message settled, duplicates included");
    assert_eq!(space_rows(&bus.db).await?, sorted_ids(&spaces));
    assert_eq!(bus.projection_checkpoint(Projection::Spaces).await?, p[4]);
    drop(consumer);
    bus.cleanup().await
}

#[tokio::test]
async fn only_one_relay_leads_at_a_time() -> TestResult {
    let bus = TestBus::new().await?;
    // A second process: its own pool on the same database.
    let other = Db::connect(&bus.url).await?;

    let first = acquire_leadership(&bus.db)
        .await?
        .ok_or("the first relay should lead")?;
    assert!(acquire_leadership(&other).await?.is_none());
    assert!(
        acquire_leadership(&bus.db).await?.is_none(),
        "not even from the leader's pool"
    );

    first.release().await?;
    let second = acquire_leadership(&other)
        .await?
        .ok_or("the lock was released")?;
    assert!(acquire_leadership(&bus.db).await?.is_none());

    // A leader that dies without releasing (its connection drops) frees the lock too.
    drop(second);
    eventually("the dropped leader's lock to be freed", || async {
        Ok(match acquire_leadership(&bus.db).await? {
            Some(leader) => {
                leader.release().await?;
                true
            }
            None => false,
        })
    })
    .await?;
    other.close().await;
    bus.cleanup().await
}

#[tokio::test]
async fn a_standby_relay_takes_over_when_the_leader_stops() -> TestResult {
    let bus = TestBus::new().await?;
    let other = Db::connect(&bus.url).await?;
    let nudge = Nudge::default();
    let (stop_first, first_stopped) = tokio::sync::oneshot::channel::<()>();
    let (stop_second, second_stopped) = tokio::sync::oneshot::channel::<()>();
    let first = tokio::spawn(relay(&bus, 100).await?.run(nudge.clone(), first_stopped));
    let checkpoint = bus.topology.relay_checkpoint();
    let first_batch = create_spaces(&bus.db, 2).await?;
    eventually("the first relay to publish", || async {
        Ok(bus.checkpoint(&checkpoint).await? == first_batch[1].1)
    })
    .await?;

    let standby = Relay::new(
        other.clone(),
        bus.channel().await?,
        bus.topology.clone(),
        100,
    )
    .await?;
    let second = tokio::spawn(standby.run(nudge.clone(), second_stopped));
    let _ = stop_first.send(());
    first.await??;

    let second_batch = create_spaces(&bus.db, 2).await?;
    nudge.nudge();
    eventually("the standby relay to take over", || async {
        Ok(bus.checkpoint(&checkpoint).await? == second_batch[1].1)
    })
    .await?;
    let _ = stop_second.send(());
    second.await??;

    let taken = bus.take_all(&bus.queue(Projection::Spaces)).await?;
    let positions: Vec<i64> = taken.iter().map(|d| d.event.position).collect();
    let expected: Vec<i64> = first_batch
        .iter()
        .chain(&second_batch)
        .map(|(_, p)| *p)
        .collect();
    assert_eq!(positions, expected, "each event published once, in order");
    other.close().await;
    bus.cleanup().await
}

#[tokio::test]
async fn a_poison_message_is_dead_lettered_without_blocking_the_queue() -> TestResult {
    let bus = TestBus::new().await?;
    bus.publish_raw(
        "space.SpaceCreated.0",
        b"{not json",
        BasicProperties::default(),
    )
    .await?;
    let spaces = create_spaces(&bus.db, 1).await?;
    relay_all(&relay(&bus, 100).await?).await?;

    let mut consumer = bus.consumer(Projection::Spaces).await?;
    consume_until(&mut consumer, &bus.db, Projection::Spaces, spaces[0].1).await?;
    assert_eq!(space_rows(&bus.db).await?, sorted_ids(&spaces));

    let channel = bus.channel().await?;
    let dead_queue = bus.topology.dead_queue();
    eventually("the poison message in the dead-letter queue", || async {
        Ok(message_count(&channel, &dead_queue).await? > 0)
    })
    .await?;
    let dead = channel
        .basic_get(dead_queue.as_str().into(), BasicGetOptions { no_ack: true })
        .await?;
    let dead = dead.ok_or("no dead letter")?;
    assert_eq!(dead.data, b"{not json");
    // Rejected by the consumer at once, not retried until the delivery limit.
    let headers = dead.properties.headers().clone().unwrap_or_default();
    let text = |name: &str| {
        headers
            .inner()
            .get(name)
            .and_then(|value| value.as_long_string())
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
    };
    assert_eq!(text("x-first-death-reason").as_deref(), Some("rejected"));
    assert_eq!(
        text("x-first-death-queue"),
        Some(bus.queue(Projection::Spaces))
    );
    drop(consumer);
    bus.cleanup().await
}

#[tokio::test]
async fn the_broker_feed_publishes_relayed_events_to_the_live_feed() -> TestResult {
    let bus = TestBus::new().await?;
    let feed = LiveFeed::default();
    let mut listener = feed.subscribe();
    let broker_feed =
        BrokerFeed::new(bus.db.clone(), bus.channel().await?, &bus.topology, feed).await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(broker_feed.run(stopped));

    let spaces = create_spaces(&bus.db, 2).await?;
    relay_all(&relay(&bus, 100).await?).await?;
    for (id, position) in &spaces {
        let event = tokio::time::timeout(DEADLINE, listener.recv()).await??;
        assert_eq!((event.aggregate_id, event.position), (*id, *position));
    }
    let _ = stop.send(());
    task.await??;
    bus.cleanup().await
}

#[tokio::test]
async fn a_listener_that_falls_behind_reads_what_it_missed_from_the_log() -> TestResult {
    let bus = TestBus::new().await?;
    let feed = LiveFeed::new(2);
    let start = lyceum_store::read::high_water_mark(&bus.db).await?;
    feed.resume_from(start);
    let mut listener = Box::pin(feed.listen(bus.db.clone()));
    let spaces = create_spaces(&bus.db, 5).await?;
    let end = spaces.last().map_or(start, |(_, position)| *position);
    let filter = lyceum_store::read::Filter::default();
    for event in lyceum_store::read::read_between(&bus.db, start, end, 100, &filter).await? {
        feed.publish(std::sync::Arc::new(event));
    }
    // The feed holds 2 of the 5: the listener reads the other 3 back, in order, each once.
    for (id, position) in &spaces {
        let event = tokio::time::timeout(DEADLINE, listener.next())
            .await?
            .unwrap();
        assert_eq!((event.aggregate_id, event.position), (*id, *position));
    }
    feed.publish(std::sync::Arc::new(
        lyceum_store::read::read_between(&bus.db, start, end, 1, &filter).await?[0].clone(),
    ));
    let later = create_spaces(&bus.db, 1).await?;
    let event = lyceum_store::read::read_between(&bus.db, end, later[0].1, 1, &filter).await?;
    feed.publish(std::sync::Arc::new(event[0].clone()));
    let next = tokio::time::timeout(DEADLINE, listener.next())
        .await?
        .unwrap();
    assert_eq!(
        next.position, later[0].1,
        "an event seen already is not handed out again"
    );
    bus.cleanup().await
}

#[tokio::test]
async fn a_new_broker_feed_reads_what_the_feed_missed_from_the_log() -> TestResult {
    let bus = TestBus::new().await?;
    let feed = LiveFeed::default();
    let mut listener = feed.subscribe();
    let relay = relay(&bus, 100).await?;
    let start_feed = || async {
        let broker_feed = BrokerFeed::new(
            bus.db.clone(),
            bus.channel().await?,
            &bus.topology,
            feed.clone(),
        )
        .await?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        TestResult::Ok((stop, tokio::spawn(broker_feed.run(stopped))))
    };

    let (stop, task) = start_feed().await?;
    let seen = create_spaces(&bus.db, 1).await?;
    relay_all(&relay).await?;
    let event = tokio::time::timeout(DEADLINE, listener.recv()).await??;
    assert_eq!(event.position, seen[0].1);
    let _ = stop.send(());
    task.await??;

    // Relayed while no feed listened, as during a lost connection: no live queue gets them.
    let missed = create_spaces(&bus.db, 2).await?;
    relay_all(&relay).await?;
    // The next event a new feed receives names its predecessor; the rest comes from the log.
    let (stop, task) = start_feed().await?;
    let later = create_spaces(&bus.db, 1).await?;
    relay_all(&relay).await?;
    for (id, position) in missed.iter().chain(&later) {
        let event = tokio::time::timeout(DEADLINE, listener.recv()).await??;
        assert_eq!((event.aggregate_id, event.position), (*id, *position));
    }
    // Nothing was published twice.
    assert!(listener.try_recv().is_err());
    let _ = stop.send(());
    task.await??;
    bus.cleanup().await
}

#[tokio::test]
async fn the_embedded_bus_applies_the_log_and_feeds_live_updates() -> TestResult {
    let db = lyceum_store::testing::fresh(lyceum_store::Backend::Sqlite).await?;
    lyceum_store::migrate::run(
        &db,
        &[
            lyceum_store::migrate::migrations(),
            lyceum_projections::migrations(),
        ],
    )
    .await?;
    let before = create_spaces(&db, 2).await?;
    let feed = LiveFeed::default();
    let mut listener = feed.subscribe();
    let mut tail = LogTail::new(db.clone(), feed).await?;

    let after = create_spaces(&db, 3).await?;
    assert_eq!(
        tail.step().await?,
        3,
        "only events after the start reach the feed"
    );
    for (id, _) in &after {
        assert_eq!(listener.try_recv()?.aggregate_id, *id);
    }
    assert_eq!(tail.step().await?, 0);

    assert_eq!(
        embedded::step(&db, &[Projection::Spaces]).await?,
        after[2].1
    );
    assert_eq!(
        embedded::step(&db, &[Projection::Spaces]).await?,
        after[2].1
    );
    let all: Vec<_> = before.into_iter().chain(after).collect();
    assert_eq!(space_rows(&db).await?, sorted_ids(&all));

    // The running tasks react to a nudge.
    let nudge = Nudge::default();
    let feed = LiveFeed::default();
    let mut listener = feed.subscribe();
    let (stop_projection, projection_stopped) = tokio::sync::oneshot::channel::<()>();
    let (stop_tail, tail_stopped) = tokio::sync::oneshot::channel::<()>();
    let projection = tokio::spawn(embedded::run(
        db.clone(),
        vec![Projection::Spaces],
        nudge.clone(),
        projection_stopped,
    ));
    let tail = LogTail::new(db.clone(), feed).await?;
    let tail = tokio::spawn(tail.run(nudge.clone(), tail_stopped));
    let (id, last) = create_space(&db).await?;
    nudge.nudge();
    eventually("the embedded projection to apply the new space", || async {
        Ok(lyceum_projections::checkpoint_of(&db, Projection::Spaces).await? == last)
    })
    .await?;
    let live = tokio::time::timeout(DEADLINE, listener.recv()).await??;
    assert_eq!(live.aggregate_id, id);
    let _ = stop_projection.send(());
    let _ = stop_tail.send(());
    projection.await??;
    tail.await??;
    db.close().await;
    Ok(())
}

#[tokio::test]
async fn each_partition_queue_takes_its_spaces_events_chained_within_the_partition() -> TestResult {
    let mut bus = TestBus::new().await?;
    bus.topology = bus.topology.clone().with_partitions(4);
    bus.topology.declare(&bus.channel().await?).await?;
    let spaces = create_spaces(&bus.db, 12).await?;
    let relay = relay(&bus, 5).await?;
    assert_eq!(relay_all(&relay).await?, 12);

    let mut seen = Vec::new();
    for index in 0..4 {
        let part = Part {
            projection: Projection::Spaces,
            index,
            count: 4,
        };
        let channel = bus.channel().await?;
        let queue = bus.topology.projection_queue(Projection::Spaces, index);
        let mut previous = 0;
        while let Some(message) = channel
            .basic_get(queue.as_str().into(), BasicGetOptions { no_ack: true })
            .await?
        {
            let delivery = decode_for(&message.properties, &message.data, Projection::Spaces)?;
            assert!(part.takes(&delivery.event), "only this partition's events");
            // Where the relay started a batch it may say less precisely where the previous
            // one of the partition was, never more than the batch's start.
            assert!(delivery.previous >= previous && delivery.previous < delivery.event.position);
            previous = delivery.event.position;
            seen.push(delivery.event.position);
        }
        channel.close(200, "OK".into()).await?;
    }
    seen.sort_unstable();
    assert_eq!(seen, spaces.iter().map(|(_, p)| *p).collect::<Vec<_>>());
    // Events no projection handles in that partition reach no other queue: the tiers queues
    // take no space events.
    assert_eq!(
        message_count(
            &bus.channel().await?,
            &bus.topology.projection_queue(Projection::Tiers, 0)
        )
        .await?,
        0
    );
    bus.cleanup().await
}

#[tokio::test]
async fn partitions_applied_by_separate_consumers_add_up_to_the_whole() -> TestResult {
    let mut bus = TestBus::new().await?;
    bus.topology = bus.topology.clone().with_partitions(3);
    bus.topology.declare(&bus.channel().await?).await?;
    let spaces = create_spaces(&bus.db, 9).await?;
    relay_all(&relay(&bus, 4).await?).await?;
    let last = spaces[8].1;
    for index in 0..3 {
        let part = Part {
            projection: Projection::Spaces,
            index,
            count: 3,
        };
        let mut consumer = bus.consumer_of(part).await?;
        consumer.drain(Duration::from_millis(300)).await?;
        consumer.close().await?;
    }
    assert_eq!(space_rows(&bus.db).await?, sorted_ids(&spaces));
    // Each partition stands at the last event it took, and catching up from the log takes
    // every one to the end without applying anything again.
    for index in 0..3 {
        let part = Part {
            projection: Projection::Spaces,
            index,
            count: 3,
        };
        assert_eq!(lyceum_projections::catch_up(&bus.db, part).await?, last);
    }
    assert_eq!(bus.checkpoint(Projection::Spaces.name()).await?, last);
    assert_eq!(space_rows(&bus.db).await?, sorted_ids(&spaces));
    bus.cleanup().await
}

#[tokio::test]
async fn workers_share_partition_leases_and_take_over_a_stopped_ones() -> TestResult {
    let bus = TestBus::new().await?;
    let parts: Vec<Part> = (0..4)
        .flat_map(|index| {
            [Projection::Spaces, Projection::Tiers].map(|projection| Part {
                projection,
                index,
                count: 4,
            })
        })
        .collect();
    let (first, first_owned) = Leases::new(bus.db.clone(), parts.clone());
    let (second, second_owned) = Leases::new(bus.db.clone(), parts.clone());
    let (first_stop, second_stop) = (Stop::new(), Stop::new());
    let first_run = tokio::spawn({
        let stop = first_stop.clone();
        async move { first.run(stop).await }
    });
    eventually("the first worker to own everything", || async {
        Ok(first_owned.count() == 8)
    })
    .await?;
    let second_run = tokio::spawn({
        let stop = second_stop.clone();
        async move { second.run(stop).await }
    });
    eventually("the two workers to share the partitions", || async {
        Ok(first_owned.count() == 4 && second_owned.count() == 4)
    })
    .await?;
    first_stop.stop();
    first_run.await??;
    eventually("the second worker to take over every partition", || async {
        Ok(second_owned.count() == 8 && first_owned.count() == 0)
    })
    .await?;
    second_stop.stop();
    second_run.await??;
    bus.cleanup().await
}
