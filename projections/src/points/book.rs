//! A batch of the points read model in memory: what its events need to know (rules, subjects
//! already credited, counts, points earned per day) is read in a few queries up front, each
//! event is decided in order against it exactly as the rows would say, and what they change is
//! written at the end, each row once.

use super::{Entry, Source};
use crate::bulk::{self, Placeholders, Value, tuples};
use lyceum_domain::gamification::award::{Tally, award};
use lyceum_domain::gamification::credit::Credit;
use lyceum_domain::gamification::points::PointsRules;
use lyceum_domain::gamification::week::week_start;
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// Most keys one lookup query carries.
const LOOKUP: usize = 300;

type Subject = (String, String, String);
type Counted = (String, String);
type Daily = (String, String, String);

/// The state a batch reads and the rows it will write.
#[derive(Default)]
pub(super) struct Book {
    rules: HashMap<String, PointsRules>,
    subjects: HashSet<Subject>,
    new_subjects: Vec<Subject>,
    counts: HashMap<Counted, i64>,
    count_deltas: HashMap<Counted, i64>,
    daily: HashMap<Daily, i64>,
    daily_deltas: HashMap<Daily, i64>,
    ledger: Vec<Vec<Value>>,
    /// Per member: space of the first entry, manual, earned, points, position of the last.
    balances: HashMap<String, (String, i64, i64, i64, i64)>,
    weekly: HashMap<(String, String, String), i64>,
    badges: Vec<Vec<Value>>,
    badged: HashSet<(String, String)>,
}

/// The keys of a credit: its subject, its count, its day's points.
fn keys(credit: &Credit) -> (Option<Subject>, Counted, Daily) {
    let member = credit.member_id.to_string();
    let action = credit.action.as_str().to_owned();
    let subject = credit
        .subject
        .clone()
        .map(|subject| (member.clone(), action.clone(), subject));
    let daily = (member.clone(), action.clone(), credit.day.to_string());
    (subject, (member, action), daily)
}

impl Book {
    /// Reads what `credits` will ask about.
    pub(super) async fn load(
        &mut self,
        conn: &mut AnyConnection,
        credits: &[&Credit],
    ) -> Result<(), StoreError> {
        let mut subjects = HashSet::new();
        let mut counts = HashSet::new();
        let mut daily = HashSet::new();
        for credit in credits {
            let (subject, counted, day) = keys(credit);
            subjects.extend(subject);
            counts.insert(counted);
            daily.insert(day);
        }
        let subjects: Vec<Vec<String>> = subjects
            .into_iter()
            .map(|(m, a, s)| vec![m, a, s])
            .collect();
        for row in lookup(conn, "SELECT member_id, action, subject, CAST(0 AS BIGINT) FROM rm_action_subjects WHERE (member_id, action, subject)", &subjects).await? {
            let [m, a, s] = row.0;
            self.subjects.insert((m, a, s));
        }
        let counts: Vec<Vec<String>> = counts.into_iter().map(|(m, a)| vec![m, a]).collect();
        for (keys, count) in lookup_pairs(conn, &counts).await? {
            self.counts.insert(keys, count);
        }
        let daily: Vec<Vec<String>> = daily.into_iter().map(|(m, a, d)| vec![m, a, d]).collect();
        for row in lookup(conn, "SELECT member_id, action, day, points FROM rm_points_daily WHERE (member_id, action, day)", &daily).await? {
            let [m, a, d] = row.0;
            self.daily.insert((m, a, d), row.1);
        }
        Ok(())
    }

    /// The rules in force in `space`, read once per batch.
    async fn rules(
        &mut self,
        conn: &mut AnyConnection,
        space: &str,
    ) -> Result<&PointsRules, StoreError> {
        if !self.rules.contains_key(space) {
            let json: Option<String> =
                sqlx::query_scalar("SELECT rules FROM rm_points_rules WHERE space_id = $1")
                    .bind(space)
                    .fetch_optional(&mut *conn)
                    .await?;
            let rules = json
                .map(|j| serde_json::from_str(&j))
                .transpose()?
                .unwrap_or_default();
            self.rules.insert(space.to_owned(), rules);
        }
        self.rules
            .get(space)
            .ok_or_else(|| StoreError::Corrupt(format!("no rules for {space}")))
    }

    /// Rules set at `event`: in force for what follows it in the batch.
    pub(super) fn set_rules(&mut self, space: String, stored: &str) -> Result<(), StoreError> {
        self.rules.insert(space, serde_json::from_str(stored)?);
        Ok(())
    }

    /// Decides what `credit` earns, as the rows stand after the events before it.
    pub(super) async fn earn(
        &mut self,
        conn: &mut AnyConnection,
        event: &StoredEvent,
        space: &str,
        credit: &Credit,
    ) -> Result<(), StoreError> {
        let (subject, counted, day) = keys(credit);
        let seen = subject
            .as_ref()
            .is_some_and(|subject| self.subjects.contains(subject));
        let count = self.counts.get(&counted).copied().unwrap_or(0);
        let earned_today = self.daily.get(&day).copied().unwrap_or(0);
        let tally = Tally {
            subject_seen: seen,
            count: u64::try_from(count).unwrap_or(0),
            earned_today: u64::try_from(earned_today).unwrap_or(0),
        };
        let award = award(self.rules(conn, space).await?, credit, tally);
        if !award.counted {
            return Ok(());
        }
        if let Some(subject) = subject {
            self.subjects.insert(subject.clone());
            self.new_subjects.push(subject);
        }
        *self.counts.entry(counted.clone()).or_insert(0) += 1;
        *self.count_deltas.entry(counted).or_insert(0) += 1;
        if award.points > 0 {
            let points = i64::try_from(award.points).unwrap_or(i64::MAX);
            *self.daily.entry(day.clone()).or_insert(0) += points;
            *self.daily_deltas.entry(day).or_insert(0) += points;
            let member = credit.member_id.to_string();
            self.record(
                event,
                &Entry {
                    source: Source::Earned,
                    space,
                    member: &member,
                    action: credit.action.as_str(),
                    points,
                    day: credit.day,
                    reason: None,
                },
            );
        }
        if let Some(badge) = award.badge {
            let member = credit.member_id.to_string();
            if self
                .badged
                .insert((member.clone(), badge.as_str().to_owned()))
            {
                self.badges.push(vec![
                    member.into(),
                    badge.as_str().into(),
                    space.into(),
                    credit.day.to_string().into(),
                    event.occurred_at.as_str().into(),
                    event.position.into(),
                ]);
            }
        }
        Ok(())
    }

    /// A ledger entry, and what it adds to the member's balance and weekly total.
    pub(super) fn record(&mut self, event: &StoredEvent, entry: &Entry<'_>) {
        self.ledger.push(vec![
            event.position.into(),
            entry.space.into(),
            entry.member.into(),
            entry.action.into(),
            entry.points.into(),
            entry.day.to_string().into(),
            entry.reason.clone().into(),
            event.event_id.to_string().into(),
            event.occurred_at.as_str().into(),
        ]);
        let (manual, earned) = match entry.source {
            Source::Manual => (entry.points, 0),
            Source::Earned => (0, entry.points),
        };
        let balance = self
            .balances
            .entry(entry.member.to_owned())
            .or_insert_with(|| (entry.space.to_owned(), 0, 0, 0, 0));
        balance.1 += manual;
        balance.2 += earned;
        balance.3 += entry.points;
        balance.4 = event.position;
        *self
            .weekly
            .entry((
                entry.space.to_owned(),
                week_start(entry.day).to_string(),
                entry.member.to_owned(),
            ))
            .or_insert(0) += entry.points;
    }

    /// Writes every row the batch changed, each once.
    pub(super) async fn write(self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        let subjects: Vec<Vec<Value>> = self
            .new_subjects
            .into_iter()
            .map(|(m, a, s)| vec![m.into(), a.into(), s.into()])
            .collect();
        bulk::insert(
            conn,
            "INSERT INTO rm_action_subjects (member_id, action, subject)",
            "",
            &subjects,
        )
        .await?;
        let counts: Vec<Vec<Value>> = self
            .count_deltas
            .into_iter()
            .map(|((m, a), n)| vec![m.into(), a.into(), n.into()])
            .collect();
        bulk::insert(
            conn,
            "INSERT INTO rm_action_counts (member_id, action, count)",
            "ON CONFLICT (member_id, action) DO UPDATE SET \
             count = rm_action_counts.count + excluded.count",
            &counts,
        )
        .await?;
        let daily: Vec<Vec<Value>> = self
            .daily_deltas
            .into_iter()
            .map(|((m, a, d), n)| vec![m.into(), a.into(), d.into(), n.into()])
            .collect();
        bulk::insert(
            conn,
            "INSERT INTO rm_points_daily (member_id, action, day, points)",
            "ON CONFLICT (member_id, action, day) DO UPDATE SET \
             points = rm_points_daily.points + excluded.points",
            &daily,
        )
        .await?;
        bulk::insert(
            conn,
            "INSERT INTO rm_points_ledger (position, space_id, member_id, action, points, day, \
             reason, event_id, recorded_at)",
            "",
            &self.ledger,
        )
        .await?;
        let balances: Vec<Vec<Value>> = self
            .balances
            .into_iter()
            .map(|(member, (space, manual, earned, points, position))| {
                vec![
                    member.into(),
                    space.into(),
                    manual.into(),
                    earned.into(),
                    points.into(),
                    position.into(),
                ]
            })
            .collect();
        bulk::insert(
            conn,
            "INSERT INTO rm_points_balances (member_id, space_id, manual, earned, points, position)",
            "ON CONFLICT (member_id) DO UPDATE SET \
             manual = rm_points_balances.manual + excluded.manual, \
             earned = rm_points_balances.earned + excluded.earned, \
             points = rm_points_balances.points + excluded.points, position = excluded.position",
            &balances,
        )
        .await?;
        let weekly: Vec<Vec<Value>> = self
            .weekly
            .into_iter()
            .map(|((space, week, member), points)| {
                vec![space.into(), week.into(), member.into(), points.into()]
            })
            .collect();
        bulk::insert(
            conn,
            "INSERT INTO rm_points_weekly (space_id, week, member_id, points)",
            "ON CONFLICT (space_id, week, member_id) DO UPDATE SET \
             points = rm_points_weekly.points + excluded.points",
            &weekly,
        )
        .await?;
        bulk::insert(
            conn,
            "INSERT INTO rm_badges (member_id, badge, space_id, day, awarded_at, position)",
            "ON CONFLICT (member_id, badge) DO NOTHING",
            &self.badges,
        )
        .await
    }
}

/// Rows of `{select} IN (VALUES …)` for each key (of three text columns), with the integer
/// the select gives fourth.
async fn lookup(
    conn: &mut AnyConnection,
    select: &str,
    keys: &[Vec<String>],
) -> Result<Vec<([String; 3], i64)>, StoreError> {
    let mut found = Vec::new();
    for chunk in keys.chunks(LOOKUP) {
        let sql = format!(
            "{select} IN (VALUES {})",
            tuples(Placeholders::of(conn), chunk.len(), 3)
        );
        let mut query = sqlx::query_as::<_, (String, String, String, i64)>(&sql);
        for key in chunk {
            for value in key {
                query = query.bind(value.clone());
            }
        }
        for (a, b, c, n) in query.fetch_all(&mut *conn).await? {
            found.push(([a, b, c], n));
        }
    }
    Ok(found)
}

/// The counts of each (member, action) in `keys`.
async fn lookup_pairs(
    conn: &mut AnyConnection,
    keys: &[Vec<String>],
) -> Result<Vec<(Counted, i64)>, StoreError> {
    let mut found = Vec::new();
    for chunk in keys.chunks(LOOKUP) {
        let sql = format!(
            "SELECT member_id, action, count FROM rm_action_counts \
             WHERE (member_id, action) IN (VALUES {})",
            tuples(Placeholders::of(conn), chunk.len(), 2)
        );
        let mut query = sqlx::query_as::<_, (String, String, i64)>(&sql);
        for key in chunk {
            for value in key {
                query = query.bind(value.clone());
            }
        }
        for (m, a, n) in query.fetch_all(&mut *conn).await? {
            found.push(((m, a), n));
        }
    }
    Ok(found)
}
