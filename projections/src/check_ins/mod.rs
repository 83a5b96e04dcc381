//! The check-ins read model: projects (`rm_check_in_projects`), every check-in with its text
//! opened with the member's key (`rm_check_ins`; null once the member's personal data is erased,
//! live or on replay), and each member's streak per project (`rm_check_in_streaks`).

pub mod queries;

use crate::bulk::{self, Placeholders, tuples};
use lyceum_domain::Aggregate;
use lyceum_domain::gamification::check_in::{CheckInEvent, CheckInLog};
use lyceum_domain::gamification::project::{CheckInProject, CheckInProjectEvent};
use lyceum_domain::gamification::streak::Streak;
use lyceum_domain::membership::member::{Member, MemberEvent};
use lyceum_store::{StoreError, StoredEvent, vault};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use uuid::Uuid;

/// Most pairs one streak lookup carries.
const LOOKUP: usize = 300;

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    match event.aggregate_type.as_str() {
        CheckInProject::TYPE => project(conn, event).await,
        CheckInLog::TYPE => check_ins(conn, &[event]).await,
        Member::TYPE if event.event_type == "MemberPersonalDataErased" => {
            if let MemberEvent::MemberPersonalDataErased {} = event.decode::<MemberEvent>()? {
                sqlx::query("UPDATE rm_check_ins SET text = NULL WHERE member_id = $1")
                    .bind(event.aggregate_id.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

async fn project(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    let CheckInProjectEvent::CheckInProjectCreated {
        space_id,
        title,
        description,
        starts_on,
        ends_on,
        utc_offset_minutes,
        min_text_chars,
    } = event.decode::<CheckInProjectEvent>()?;
    sqlx::query(
        "INSERT INTO rm_check_in_projects (id, space_id, title, description, starts_on, ends_on, \
         utc_offset_minutes, min_text_chars, created_at, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(event.aggregate_id.to_string())
    .bind(space_id.to_string())
    .bind(title)
    .bind(description)
    .bind(starts_on.to_string())
    .bind(ends_on.map(|d| d.to_string()))
    .bind(i64::from(utc_offset_minutes))
    .bind(i64::from(min_text_chars))
    .bind(&event.occurred_at)
    .bind(event.position)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The streaks of the given (project, member) pairs as the read model holds them (absent:
/// none yet).
async fn streaks(
    conn: &mut AnyConnection,
    keys: &[(String, String)],
) -> Result<HashMap<(String, String), Streak>, StoreError> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(LOOKUP) {
        let sql = format!(
            "SELECT project_id, member_id, last_day, run, longest, total FROM rm_check_in_streaks \
             WHERE (project_id, member_id) IN (VALUES {})",
            tuples(Placeholders::of(conn), chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for (project, member) in chunk {
            query = query.bind(project).bind(member);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let count = |name: &str| -> Result<u32, StoreError> {
                Ok(u32::try_from(row.try_get::<i64, _>(name)?).unwrap_or(u32::MAX))
            };
            let last_day: String = row.try_get("last_day")?;
            let streak = Streak {
                last_day: Some(
                    last_day
                        .parse()
                        .map_err(|e| StoreError::Corrupt(format!("bad day {last_day:?}: {e}")))?,
                ),
                run: count("run")?,
                longest: count("longest")?,
                total: count("total")?,
            };
            found.insert(
                (row.try_get("project_id")?, row.try_get("member_id")?),
                streak,
            );
        }
    }
    Ok(found)
}

/// Applies a batch's share: each run of check-ins is applied by [`check_ins`], anything else
/// on its own.
pub(crate) async fn apply_batch(
    conn: &mut AnyConnection,
    events: &[&StoredEvent],
) -> Result<(), StoreError> {
    let mut run: Vec<&StoredEvent> = Vec::new();
    for event in events {
        if event.aggregate_type == CheckInLog::TYPE {
            run.push(event);
        } else {
            check_ins(conn, &std::mem::take(&mut run)).await?;
            apply(conn, event).await?;
        }
    }
    check_ins(conn, &run).await
}

/// A run of check-ins: their texts opened with the members' keys, their streaks followed in
/// order from the rows, then every check-in written in one insert and each streak once.
async fn check_ins(conn: &mut AnyConnection, events: &[&StoredEvent]) -> Result<(), StoreError> {
    let mut decoded = Vec::with_capacity(events.len());
    for event in events {
        let CheckInEvent::CheckedIn {
            project_id,
            member_id,
            day,
            text,
            ..
        } = event.decode::<CheckInEvent>()?;
        decoded.push((event, project_id, member_id, day, text));
    }
    if decoded.is_empty() {
        return Ok(());
    }
    let members: Vec<Uuid> = decoded.iter().map(|d| d.2.0).collect();
    let secrets = vault::secrets_for(conn, &members).await?;
    let mut keys: Vec<(String, String)> = decoded
        .iter()
        .map(|d| (d.1.to_string(), d.2.to_string()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut current = streaks(conn, &keys).await?;
    let mut rows = Vec::with_capacity(decoded.len());
    // Per pair: the space of its first check-in here, its last position.
    let mut touched: Vec<((String, String), String, i64)> = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (event, project_id, member_id, day, text) in decoded {
        let key = (project_id.to_string(), member_id.to_string());
        let space = event.space_id.map(|s| s.to_string()).unwrap_or_default();
        let text = secrets
            .get(&member_id.0)
            .and_then(|secret| vault::open(secret, member_id.0, &text));
        let after = current.get(&key).copied().unwrap_or_default().after(day);
        current.insert(key.clone(), after);
        rows.push(vec![
            key.0.as_str().into(),
            key.1.as_str().into(),
            day.to_string().into(),
            space.as_str().into(),
            text.into(),
            i64::from(after.run).into(),
            event.occurred_at.as_str().into(),
            event.position.into(),
        ]);
        match seen.get(&key) {
            Some(&at) => {
                if let Some(entry) = touched.get_mut(at) {
                    entry.2 = event.position;
                }
            }
            None => {
                seen.insert(key.clone(), touched.len());
                touched.push((key, space, event.position));
            }
        }
    }
    bulk::insert(
        conn,
        "INSERT INTO rm_check_ins (project_id, member_id, day, space_id, text, streak, \
         recorded_at, position)",
        "",
        &rows,
    )
    .await?;
    let mut streak_rows = Vec::with_capacity(touched.len());
    for (key, space, position) in touched {
        let streak = current.get(&key).copied().unwrap_or_default();
        let day = streak.last_day.map(|d| d.to_string()).unwrap_or_default();
        streak_rows.push(vec![
            key.0.into(),
            key.1.into(),
            space.into(),
            day.into(),
            i64::from(streak.run).into(),
            i64::from(streak.longest).into(),
            i64::from(streak.total).into(),
            position.into(),
        ]);
    }
    bulk::insert(
        conn,
        "INSERT INTO rm_check_in_streaks (project_id, member_id, space_id, last_day, run, \
         longest, total, position)",
        "ON CONFLICT (project_id, member_id) DO UPDATE SET last_day = excluded.last_day, \
         run = excluded.run, longest = excluded.longest, total = excluded.total, \
         position = excluded.position",
        &streak_rows,
    )
    .await
}
