//! The points read model: the space's points rules as seen so far in the log
//! (`rm_points_rules`), a ledger of every entry (`rm_points_ledger`: points earned by actions
//! and the creator's manual adjustments), each member's balance (`rm_points_balances`: manual,
//! earned and their sum, the one number levels and the all-time leaderboard use), weekly totals
//! (`rm_points_weekly`), and badges (`rm_badges`).
//!
//! Actions are read from events of any aggregate by type name and payload fields (see
//! [`lyceum_domain::gamification::credit`]), and must carry the space in their metadata. What
//! each earns is decided by [`lyceum_domain::gamification::award`] from the rules in force at
//! its position and what the member already earned that day (`rm_points_daily`), counted
//! (`rm_action_counts`) and was credited for (`rm_action_subjects`), so a replay earns exactly
//! what the live projection did.

mod book;
pub mod queries;

use book::Book;
use lyceum_domain::Aggregate;
use lyceum_domain::gamification::credit::{Credit, credit};
use lyceum_domain::gamification::points::Action;
use lyceum_domain::membership::member::{Member, MemberEvent};
use lyceum_domain::space::{Space, SpaceEvent};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

/// Where a ledger entry's points come from.
enum Source {
    /// The creator's adjustment (`PointsAdjusted`).
    Manual,
    /// An action under the space's points rules.
    Earned,
}

/// One ledger entry to write.
struct Entry<'a> {
    source: Source,
    space: &'a str,
    member: &'a str,
    action: &'a str,
    points: i64,
    day: chrono::NaiveDate,
    reason: Option<String>,
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    apply_batch(conn, &[event]).await
}

/// What an event is to this read model.
enum Step {
    Rules(String),
    Manual { delta: i64, reason: String },
    Action(Credit),
    Nothing,
}

fn step(event: &StoredEvent) -> Result<Step, StoreError> {
    Ok(match event.aggregate_type.as_str() {
        Space::TYPE => match event.decode::<SpaceEvent>()? {
            SpaceEvent::PointsRulesSet { rules } => Step::Rules(serde_json::to_string(&rules)?),
            _ => Step::Nothing,
        },
        Member::TYPE => match event.decode::<MemberEvent>()? {
            MemberEvent::PointsAdjusted { delta, reason, .. } => Step::Manual { delta, reason },
            _ => Step::Nothing,
        },
        _ => {
            if Action::for_event_type(&event.event_type).is_none() {
                return Ok(Step::Nothing);
            }
            match credit(&event.event_type, &event.payload, recorded_day(event)?) {
                Some(credit) => Step::Action(credit),
                None => Step::Nothing,
            }
        }
    })
}

/// Applies a batch's share in memory (see [`book`]) and writes each changed row once.
pub(crate) async fn apply_batch(
    conn: &mut AnyConnection,
    events: &[&StoredEvent],
) -> Result<(), StoreError> {
    let steps = events
        .iter()
        .map(|event| step(event))
        .collect::<Result<Vec<_>, _>>()?;
    let credits: Vec<&Credit> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Action(credit) => Some(credit),
            _ => None,
        })
        .collect();
    let mut book = Book::default();
    book.load(conn, &credits).await?;
    for (event, step) in events.iter().zip(&steps) {
        match step {
            Step::Rules(rules) => {
                let space = event.aggregate_id.to_string();
                sqlx::query(
                    "INSERT INTO rm_points_rules (space_id, rules, position) VALUES ($1, $2, $3) \
                     ON CONFLICT (space_id) DO UPDATE SET rules = excluded.rules, \
                     position = excluded.position",
                )
                .bind(&space)
                .bind(rules)
                .bind(event.position)
                .execute(&mut *conn)
                .await?;
                book.set_rules(space, rules)?;
            }
            Step::Manual { delta, reason } => {
                let Some(space) = event.space_id.map(|s| s.to_string()) else {
                    continue;
                };
                let member = event.aggregate_id.to_string();
                let entry = Entry {
                    source: Source::Manual,
                    space: &space,
                    member: &member,
                    action: "manual",
                    points: *delta,
                    day: recorded_day(event)?,
                    reason: Some(reason.clone()),
                };
                book.record(event, &entry);
            }
            Step::Action(credit) => {
                if let Some(space) = event.space_id.map(|s| s.to_string()) {
                    book.earn(conn, event, &space, credit).await?;
                }
            }
            Step::Nothing => {}
        }
    }
    book.write(conn).await
}

/// The UTC day the event was recorded.
fn recorded_day(event: &StoredEvent) -> Result<chrono::NaiveDate, StoreError> {
    Ok(lyceum_store::time::parse(&event.occurred_at)?.date_naive())
}
