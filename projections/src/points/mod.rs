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

pub mod queries;

use lyceum_domain::Aggregate;
use lyceum_domain::gamification::award::{Tally, award};
use lyceum_domain::gamification::credit::{Credit, credit};
use lyceum_domain::gamification::points::{Action, PointsRules};
use lyceum_domain::gamification::week::week_start;
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
    match event.aggregate_type.as_str() {
        Space::TYPE => {
            if let SpaceEvent::PointsRulesSet { rules } = event.decode::<SpaceEvent>()? {
                sqlx::query(
                    "INSERT INTO rm_points_rules (space_id, rules, position) VALUES ($1, $2, $3) \
                     ON CONFLICT (space_id) DO UPDATE SET rules = excluded.rules, \
                     position = excluded.position",
                )
                .bind(event.aggregate_id.to_string())
                .bind(serde_json::to_string(&rules)?)
                .bind(event.position)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }
        Member::TYPE => {
            if let MemberEvent::PointsAdjusted { delta, reason, .. } =
                event.decode::<MemberEvent>()?
            {
                let Some(space) = event.space_id.map(|s| s.to_string()) else {
                    return Ok(());
                };
                let member = event.aggregate_id.to_string();
                let entry = Entry {
                    source: Source::Manual,
                    space: &space,
                    member: &member,
                    action: "manual",
                    points: delta,
                    day: recorded_day(event)?,
                    reason: Some(reason),
                };
                record(conn, event, &entry).await?;
            }
            Ok(())
        }
        _ => {
            if Action::for_event_type(&event.event_type).is_none() {
                return Ok(());
            }
            let Some(credit) = credit(&event.event_type, &event.payload, recorded_day(event)?)
            else {
                return Ok(());
            };
            match event.space_id.map(|s| s.to_string()) {
                Some(space) => earn(conn, event, &space, &credit).await,
                None => Ok(()),
            }
        }
    }
}

/// The UTC day the event was recorded.
fn recorded_day(event: &StoredEvent) -> Result<chrono::NaiveDate, StoreError> {
    Ok(lyceum_store::time::parse(&event.recorded_at)?.date_naive())
}

async fn rules(conn: &mut AnyConnection, space: &str) -> Result<PointsRules, StoreError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT rules FROM rm_points_rules WHERE space_id = $1")
            .bind(space)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(json
        .map(|j| serde_json::from_str(&j))
        .transpose()?
        .unwrap_or_default())
}

async fn scalar(
    conn: &mut AnyConnection,
    sql: &str,
    binds: &[&str],
) -> Result<Option<i64>, StoreError> {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    Ok(query.fetch_optional(&mut *conn).await?)
}

async fn earn(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    space: &str,
    credit: &Credit,
) -> Result<(), StoreError> {
    let member = credit.member_id.to_string();
    let action = credit.action.as_str();
    let day = credit.day.to_string();
    let subject = credit.subject.clone().unwrap_or_default();
    let seen = credit.subject.is_some()
        && scalar(
            conn,
            "SELECT 1 FROM rm_action_subjects WHERE member_id = $1 AND action = $2 AND subject = $3",
            &[&member, action, &subject],
        )
        .await?
        .is_some();
    let count = scalar(
        conn,
        "SELECT count FROM rm_action_counts WHERE member_id = $1 AND action = $2",
        &[&member, action],
    )
    .await?;
    let earned_today = scalar(
        conn,
        "SELECT points FROM rm_points_daily WHERE member_id = $1 AND action = $2 AND day = $3",
        &[&member, action, &day],
    )
    .await?;
    let tally = Tally {
        subject_seen: seen,
        count: count.and_then(|c| u64::try_from(c).ok()).unwrap_or(0),
        earned_today: earned_today
            .and_then(|c| u64::try_from(c).ok())
            .unwrap_or(0),
    };
    let award = award(&rules(conn, space).await?, credit, tally);
    if !award.counted {
        return Ok(());
    }
    if credit.subject.is_some() {
        sqlx::query(
            "INSERT INTO rm_action_subjects (member_id, action, subject) VALUES ($1, $2, $3)",
        )
        .bind(&member)
        .bind(action)
        .bind(&subject)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO rm_action_counts (member_id, action, count) VALUES ($1, $2, 1) \
         ON CONFLICT (member_id, action) DO UPDATE SET count = rm_action_counts.count + 1",
    )
    .bind(&member)
    .bind(action)
    .execute(&mut *conn)
    .await?;
    if award.points > 0 {
        let points = i64::try_from(award.points).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO rm_points_daily (member_id, action, day, points) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (member_id, action, day) DO UPDATE SET \
             points = rm_points_daily.points + excluded.points",
        )
        .bind(&member)
        .bind(action)
        .bind(&day)
        .bind(points)
        .execute(&mut *conn)
        .await?;
        let entry = Entry {
            source: Source::Earned,
            space,
            member: &member,
            action,
            points,
            day: credit.day,
            reason: None,
        };
        record(conn, event, &entry).await?;
    }
    if let Some(badge) = award.badge {
        sqlx::query(
            "INSERT INTO rm_badges (member_id, badge, space_id, day, awarded_at, position) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (member_id, badge) DO NOTHING",
        )
        .bind(&member)
        .bind(badge.as_str())
        .bind(space)
        .bind(&day)
        .bind(&event.recorded_at)
        .bind(event.position)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Writes a ledger entry and moves the member's balance and weekly total by its points.
async fn record(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    entry: &Entry<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rm_points_ledger (position, space_id, member_id, action, points, day, \
         reason, event_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.position)
    .bind(entry.space)
    .bind(entry.member)
    .bind(entry.action)
    .bind(entry.points)
    .bind(entry.day.to_string())
    .bind(entry.reason.clone())
    .bind(event.event_id.to_string())
    .bind(&event.recorded_at)
    .execute(&mut *conn)
    .await?;
    let (manual, earned) = match entry.source {
        Source::Manual => (entry.points, 0),
        Source::Earned => (0, entry.points),
    };
    sqlx::query(
        "INSERT INTO rm_points_balances (member_id, space_id, manual, earned, points, position) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (member_id) DO UPDATE SET \
         manual = rm_points_balances.manual + excluded.manual, \
         earned = rm_points_balances.earned + excluded.earned, \
         points = rm_points_balances.points + excluded.points, position = excluded.position",
    )
    .bind(entry.member)
    .bind(entry.space)
    .bind(manual)
    .bind(earned)
    .bind(entry.points)
    .bind(event.position)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO rm_points_weekly (space_id, week, member_id, points) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (space_id, week, member_id) DO UPDATE SET \
         points = rm_points_weekly.points + excluded.points",
    )
    .bind(entry.space)
    .bind(week_start(entry.day).to_string())
    .bind(entry.member)
    .bind(entry.points)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
