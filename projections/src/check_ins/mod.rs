//! The check-ins read model: projects (`rm_check_in_projects`), every check-in with its text
//! opened with the member's key (`rm_check_ins`; null once the member's personal data is erased,
//! live or on replay), and each member's streak per project (`rm_check_in_streaks`).

pub mod queries;

use lyceum_domain::Aggregate;
use lyceum_domain::gamification::check_in::{CheckInEvent, CheckInLog};
use lyceum_domain::gamification::project::{CheckInProject, CheckInProjectEvent};
use lyceum_domain::gamification::streak::Streak;
use lyceum_domain::membership::member::{Member, MemberEvent};
use lyceum_store::{StoreError, StoredEvent, vault};
use sqlx::{AnyConnection, Row};

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    match event.aggregate_type.as_str() {
        CheckInProject::TYPE => project(conn, event).await,
        CheckInLog::TYPE => check_in(conn, event).await,
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
    .bind(&event.recorded_at)
    .bind(event.position)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A member's streak in a project as the read model holds it.
async fn streak(
    conn: &mut AnyConnection,
    project_id: &str,
    member_id: &str,
) -> Result<Streak, StoreError> {
    let row = sqlx::query(
        "SELECT last_day, run, longest, total FROM rm_check_in_streaks \
         WHERE project_id = $1 AND member_id = $2",
    )
    .bind(project_id)
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(Streak::default());
    };
    let count = |name: &str| -> Result<u32, StoreError> {
        Ok(u32::try_from(row.try_get::<i64, _>(name)?).unwrap_or(u32::MAX))
    };
    let last_day: String = row.try_get("last_day")?;
    Ok(Streak {
        last_day: Some(
            last_day
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("bad day {last_day:?}: {e}")))?,
        ),
        run: count("run")?,
        longest: count("longest")?,
        total: count("total")?,
    })
}

async fn check_in(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    let CheckInEvent::CheckedIn {
        project_id,
        member_id,
        day,
        text,
        ..
    } = event.decode::<CheckInEvent>()?;
    let (project, member) = (project_id.to_string(), member_id.to_string());
    let space = event.space_id.map(|s| s.to_string()).unwrap_or_default();
    let secret = vault::secret_for(conn, member_id.0).await?;
    let text = secret
        .as_deref()
        .and_then(|s| vault::open(s, member_id.0, &text));
    let after = streak(conn, &project, &member).await?.after(day);
    sqlx::query(
        "INSERT INTO rm_check_ins (project_id, member_id, day, space_id, text, streak, \
         recorded_at, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&project)
    .bind(&member)
    .bind(day.to_string())
    .bind(&space)
    .bind(text)
    .bind(i64::from(after.run))
    .bind(&event.recorded_at)
    .bind(event.position)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO rm_check_in_streaks (project_id, member_id, space_id, last_day, run, \
         longest, total, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (project_id, member_id) DO UPDATE SET last_day = excluded.last_day, \
         run = excluded.run, longest = excluded.longest, total = excluded.total, \
         position = excluded.position",
    )
    .bind(&project)
    .bind(&member)
    .bind(&space)
    .bind(day.to_string())
    .bind(i64::from(after.run))
    .bind(i64::from(after.longest))
    .bind(i64::from(after.total))
    .bind(event.position)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
