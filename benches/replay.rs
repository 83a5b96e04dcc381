//! Replay at speed: writes a log of `LYCEUM_BENCH_EVENTS` events (1,000,000 by default) with
//! the mix of a busy community (spaces, tiers, members, subscriptions, content drafted and
//! published, views, likes, comments, check-ins, points), straight into the store, then
//! rebuilds every read model in one pass over it, on SQLite and on Postgres, and prints events
//! per second, the time taken and the peak memory of the process. As a baseline from the same
//! run it rebuilds a smaller log (`LYCEUM_BENCH_BASELINE_EVENTS`, 20,000 by default) both ways:
//! one projection at a time, event by event, as replays used to, and in one pass, and checks
//! that both give the same read models.

// A benchmark stops at the first failure and reports on stdout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use chrono::{Duration as Days, NaiveDate, TimeZone, Utc};
use lyceum_domain::DomainEvent;
use lyceum_domain::content::{Access, ContentEvent, ContentKind};
use lyceum_domain::engagement::comment::CommentEvent;
use lyceum_domain::engagement::interaction::{InteractionEvent, ShareChannel};
use lyceum_domain::event::encode;
use lyceum_domain::gamification::check_in::CheckInEvent;
use lyceum_domain::gamification::points::{Action, ActionRule, PointsRules};
use lyceum_domain::gamification::project::CheckInProjectEvent;
use lyceum_domain::ids::{CheckInProjectId, CommentId, ContentId, MemberId, SpaceId, TierId};
use lyceum_domain::membership::member::MemberEvent;
use lyceum_domain::membership::subscription::{
    BillingInterval, DunningSchedule, SubscriptionEvent,
};
use lyceum_domain::membership::tier::{TierEvent, TierKind};
use lyceum_domain::money::Money;
use lyceum_domain::space::SpaceEvent;
use lyceum_domain::values::{Currency, Sealed, Slug};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::{Pace, rebuild_paced};
use lyceum_store::{Backend, Db};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Rows per generating transaction, and per INSERT.
const WRITE_TX: usize = 5_000;
const WRITE_ROWS: usize = 500;

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// One event to write.
struct Row {
    aggregate_type: &'static str,
    aggregate_id: Uuid,
    version: i64,
    space_id: Uuid,
    event_type: String,
    event_version: i64,
    payload: String,
    recorded_at: String,
}

fn row<E: DomainEvent>(
    aggregate_type: &'static str,
    aggregate_id: Uuid,
    version: i64,
    space_id: Uuid,
    at: chrono::DateTime<Utc>,
    event: &E,
) -> Row {
    let envelope = encode(event).expect("an event encodes");
    Row {
        aggregate_type,
        aggregate_id,
        version,
        space_id,
        event_type: envelope.event_type,
        event_version: i64::from(envelope.event_version),
        payload: envelope.payload.to_string(),
        recorded_at: lyceum_store::time::format(at),
    }
}

/// A small deterministic generator, so both backends get the same log.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A space and what its later events refer to.
struct Space {
    id: Uuid,
    tier: TierId,
    project: CheckInProjectId,
    /// Each member with the version its stream has reached.
    members: Vec<(MemberId, i64)>,
    content: Vec<ContentId>,
}

/// Writes about `total` events with a community's mix. Of every 100 draws, about: 8 members
/// added, 2 subscriptions (started and activated: 4 events), 5 items (drafted and published:
/// 10 events), 51 views, 10 likes, 6 shares, 7 comments, 10 check-ins (one per member and day)
/// and 1 points adjustment, in a few dozen spaces. Returns how many it wrote.
async fn generate(db: &Db, total: usize) -> usize {
    let mut rng = Rng(0x5eed_1234_abcd);
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
    let eur = Currency::parse("EUR").unwrap();
    let spaces_wanted = (total / 50_000).clamp(2, 40);
    let mut spaces = Vec::new();
    let mut rows = Vec::new();
    let mut written = 0;
    let mut n = 0usize;
    let mut at = start;
    // One check-in per member and day.
    let mut checked = HashSet::new();
    for s in 0..spaces_wanted {
        let id = Uuid::now_v7();
        let tier = TierId::new();
        let project = CheckInProjectId::new();
        let rules = PointsRules::new(Action::ALL.into_iter().map(|action| {
            (
                action,
                ActionRule {
                    points: 5,
                    daily_cap: Some(50),
                },
            )
        }))
        .unwrap();
        rows.push(row(
            "space",
            id,
            1,
            id,
            at,
            &SpaceEvent::SpaceCreated {
                slug: Slug::parse(&format!("space-{s}")).unwrap(),
                name: format!("Space {s}"),
                currency: eur,
            },
        ));
        rows.push(row(
            "space",
            id,
            2,
            id,
            at,
            &SpaceEvent::PointsRulesSet { rules },
        ));
        rows.push(row(
            "tier",
            tier.0,
            1,
            id,
            at,
            &TierEvent::TierDefined {
                space_id: SpaceId(id),
                name: "Pro".into(),
                kind: TierKind::Paid,
                currency: eur,
                monthly_price_minor: Some(900),
                yearly_price_minor: Some(9_000),
                trial_days: 0,
            },
        ));
        rows.push(row(
            "check_in_project",
            project.0,
            1,
            id,
            at,
            &CheckInProjectEvent::CheckInProjectCreated {
                space_id: SpaceId(id),
                title: "Daily practice".into(),
                description: "One line a day".into(),
                starts_on: start.date_naive(),
                ends_on: None,
                utc_offset_minutes: 0,
                min_text_chars: 1,
            },
        ));
        spaces.push(Space {
            id,
            tier,
            project,
            members: Vec::new(),
            content: Vec::new(),
        });
    }
    while n + rows.len() < total {
        at += Days::seconds(7);
        let day: NaiveDate = at.date_naive();
        let space = &mut spaces[rng.below(spaces_wanted)];
        let sid = space.id;
        let roll = rng.below(100);
        // Every space starts with a member and an item, so the mix below always has both.
        let roll = if space.members.is_empty() {
            0
        } else if space.content.is_empty() {
            10
        } else {
            roll
        };
        let picked = rng.below(space.members.len());
        let member = space.members.get(picked).map(|(member, _)| *member);
        let item = space.content.get(rng.below(space.content.len())).copied();
        match (roll, member, item) {
            (0..=7, _, _) => {
                let member = MemberId::new();
                rows.push(row(
                    "member",
                    member.0,
                    1,
                    sid,
                    at,
                    &MemberEvent::MemberAdded {
                        space_id: SpaceId(sid),
                        email: Sealed("sealed-email".into()),
                        display_name: Sealed("sealed-name".into()),
                    },
                ));
                space.members.push((member, 1));
            }
            (8..=9, Some(member), _) => {
                let id = Uuid::now_v7();
                let price = Money::new(900, eur);
                rows.push(row(
                    "subscription",
                    id,
                    1,
                    sid,
                    at,
                    &SubscriptionEvent::SubscriptionStarted {
                        space_id: SpaceId(sid),
                        member_id: member,
                        tier_id: space.tier,
                        price,
                        interval: BillingInterval::Monthly,
                        trial_end: None,
                        offer: None,
                        referral_code: None,
                        referred_by: None,
                        dunning: DunningSchedule::default(),
                        started_at: at,
                    },
                ));
                rows.push(row(
                    "subscription",
                    id,
                    2,
                    sid,
                    at,
                    &SubscriptionEvent::SubscriptionActivated {
                        period_start: at,
                        period_end: at + Days::days(30),
                        amount: price,
                        provider_payment_id: format!("pay-{n}"),
                        activated_at: at,
                    },
                ));
            }
            (10..=14, _, _) => {
                let id = ContentId::new();
                rows.push(row(
                    "content",
                    id.0,
                    1,
                    sid,
                    at,
                    &ContentEvent::ContentDrafted {
                        space_id: SpaceId(sid),
                        kind: ContentKind::Post,
                        title: format!("Post {n}"),
                        body: "A few paragraphs of text about deliberate practice.".into(),
                        excerpt: Some("A few paragraphs".into()),
                        access: Access::Members,
                    },
                ));
                rows.push(row(
                    "content",
                    id.0,
                    2,
                    sid,
                    at,
                    &ContentEvent::ContentPublished {},
                ));
                space.content.push(id);
            }
            (15..=59 | 93..=98, Some(member), Some(item)) => rows.push(row(
                "interaction",
                Uuid::now_v7(),
                1,
                sid,
                at,
                &InteractionEvent::ItemViewed {
                    member_id: member,
                    content_id: item,
                    day,
                },
            )),
            (60..=69, Some(member), Some(item)) => rows.push(row(
                "interaction",
                Uuid::now_v7(),
                1,
                sid,
                at,
                &InteractionEvent::ItemLiked {
                    member_id: member,
                    content_id: item,
                },
            )),
            (70..=76, Some(member), Some(item)) => {
                let id = CommentId::new();
                rows.push(row(
                    "comment",
                    id.0,
                    1,
                    sid,
                    at,
                    &CommentEvent::CommentPosted {
                        comment_id: id,
                        space_id: SpaceId(sid),
                        content_id: item,
                        parent_id: None,
                        member_id: member,
                        body: Sealed("sealed-body".into()),
                    },
                ));
            }
            (87..=92, Some(member), Some(item)) => rows.push(row(
                "interaction",
                Uuid::now_v7(),
                1,
                sid,
                at,
                &InteractionEvent::ItemShared {
                    member_id: member,
                    content_id: item,
                    channel: ShareChannel::Link,
                },
            )),
            (77..=86, Some(member), _) if checked.insert((member, day)) => rows.push(row(
                "check_in_log",
                Uuid::now_v7(),
                1,
                sid,
                at,
                &CheckInEvent::CheckedIn {
                    project_id: space.project,
                    member_id: member,
                    day,
                    text: Sealed("sealed-text".into()),
                    streak: 1,
                },
            )),
            (99, Some(member), _) => rows.push(row(
                "member",
                member.0,
                {
                    let version = &mut space.members[picked].1;
                    *version += 1;
                    *version
                },
                sid,
                at,
                &MemberEvent::PointsAdjusted {
                    delta: 10,
                    reason: "bonus".into(),
                    balance: 10,
                },
            )),
            _ => {}
        }
        if rows.len() >= WRITE_TX {
            n += rows.len();
            written += write(db, std::mem::take(&mut rows)).await;
        }
    }
    written + write(db, rows).await
}

/// Inserts `rows` into the log in one transaction.
async fn write(db: &Db, rows: Vec<Row>) -> usize {
    let count = rows.len();
    let mut tx = db.writer().begin().await.unwrap();
    for chunk in rows.chunks(WRITE_ROWS) {
        let mut sql = String::from(
            "INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, \
             event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
             recorded_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 10;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, 'system', ${}, NULL, 'bench', ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10
            ));
        }
        let mut query = sqlx::query(&sql);
        for r in chunk {
            query = query
                .bind(Uuid::now_v7().to_string())
                .bind(r.aggregate_type)
                .bind(r.aggregate_id.to_string())
                .bind(r.version)
                .bind(r.event_type.clone())
                .bind(r.event_version)
                .bind(r.payload.clone())
                .bind(r.space_id.to_string())
                .bind(Uuid::new_v4().to_string())
                .bind(r.recorded_at.clone());
        }
        query.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    count
}

/// The process's peak resident memory since the last [`reset_peak`], in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Starts measuring the peak resident memory afresh (Linux: `5` to `clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A fresh, migrated database and its URL (to remove it afterwards).
async fn fresh(backend: Backend) -> (Db, String) {
    let url = match backend {
        Backend::Postgres => lyceum_store::testing::fresh_postgres_url().await.unwrap(),
        Backend::Sqlite => lyceum_store::testing::fresh_sqlite_url(),
    };
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
    (db, url)
}

/// Closes `db` and removes its database.
async fn remove(db: Db, url: &str) {
    use sqlx::{Connection, Executor};
    db.close().await;
    if let Some(dir) = url.strip_prefix("sqlite://") {
        let _ = std::fs::remove_dir_all(dir);
    } else if let Some((server, name)) = url.rsplit_once('/')
        && let Ok(mut admin) = sqlx::AnyConnection::connect(&format!("{server}/postgres")).await
    {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
        let _ = admin.close().await;
    }
}

/// Rebuilds `projections` at `pace`, each alone or all together; returns the time taken.
async fn replay(db: &Db, pace: Pace, one_at_a_time: bool) -> Duration {
    let began = Instant::now();
    if one_at_a_time {
        for projection in Projection::ALL {
            rebuild_paced(db, &[projection], pace, &mut |_, _| {})
                .await
                .unwrap();
        }
    } else {
        rebuild_paced(db, &Projection::ALL, pace, &mut |_, _| {})
            .await
            .unwrap();
    }
    began.elapsed()
}

/// Every read model's checksum.
async fn checksums(db: &Db) -> Vec<String> {
    let mut sums = Vec::new();
    for projection in Projection::ALL {
        sums.push(checksum(db, projection).await.unwrap());
    }
    sums
}

fn report(name: &str, events: usize, elapsed: Duration, rss: Option<f64>) {
    let rate = events as f64 / elapsed.as_secs_f64();
    let rss = rss.map_or(String::new(), |mib| format!("   peak RSS {mib:>6.1} MiB"));
    println!(
        "{name:<52} {events:>9} events {:>8.2} s {rate:>9.0} events/s{rss}",
        elapsed.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let total = env_count("LYCEUM_BENCH_EVENTS", 1_000_000);
    let small = env_count("LYCEUM_BENCH_BASELINE_EVENTS", 20_000).min(total);
    for (name, backend) in [("sqlite", Backend::Sqlite), ("postgres", Backend::Postgres)] {
        let (db, url) = fresh(backend).await;
        let generated = Instant::now();
        let events = generate(&db, small).await;
        println!(
            "{name}: baseline log of {events} events written in {:.1} s",
            generated.elapsed().as_secs_f64()
        );
        let old = replay(&db, Pace::EVENT_BY_EVENT, true).await;
        report(
            &format!("{name}: per projection, event by event"),
            events,
            old,
            None,
        );
        let before = checksums(&db).await;
        let new = replay(&db, Pace::BATCHED, false).await;
        report(&format!("{name}: one pass, batched"), events, new, None);
        assert_eq!(
            checksums(&db).await,
            before,
            "{name}: batched and event-by-event rebuilds give the same rows"
        );
        println!(
            "{name}: one pass is {:.1}x the old path",
            old.as_secs_f64() / new.as_secs_f64()
        );
        remove(db, &url).await;

        let (db, url) = fresh(backend).await;
        let generated = Instant::now();
        let events = generate(&db, total).await;
        println!(
            "{name}: log of {events} events written in {:.1} s",
            generated.elapsed().as_secs_f64()
        );
        reset_peak();
        let elapsed = replay(&db, Pace::BATCHED, false).await;
        report(
            &format!("{name}: one pass, batched"),
            events,
            elapsed,
            Some(peak_rss_mib()),
        );
        remove(db, &url).await;
    }
}
