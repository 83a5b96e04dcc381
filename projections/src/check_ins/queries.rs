//! Reads of the check-ins read model: projects, a day's check-ins, members' streaks, and the
//! active members who have not checked in on a day.

use crate::decode::uuid;
use crate::page::{Arg, Keyset, Page, Start};
use lyceum_domain::gamification::streak::Streak;
use lyceum_store::{Db, StoreError};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub title: String,
    pub description: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub utc_offset_minutes: i64,
    pub min_text_chars: i64,
    pub created_at: String,
}

const PROJECT_COLUMNS: &str = "id, space_id, title, description, starts_on, ends_on, \
     utc_offset_minutes, min_text_chars, created_at";

fn project_row(row: &AnyRow) -> Result<ProjectRow, sqlx::Error> {
    Ok(ProjectRow {
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        utc_offset_minutes: row.try_get("utc_offset_minutes")?,
        min_text_chars: row.try_get("min_text_chars")?,
        created_at: row.try_get("created_at")?,
    })
}

/// A space's check-in projects, oldest first.
pub async fn projects(
    db: &Db,
    space_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<ProjectRow>, StoreError> {
    Keyset {
        select: &format!("{PROJECT_COLUMNS} FROM rm_check_in_projects"),
        filter: "space_id = $1",
        args: &[Arg::Text(space_id)],
        key: "id",
    }
    .page(db, Start::After(after), limit, project_row, |p| {
        p.id.to_string()
    })
    .await
}

/// One check-in project of a space.
pub async fn project(db: &Db, space_id: &str, id: &str) -> Result<Option<ProjectRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {PROJECT_COLUMNS} FROM rm_check_in_projects WHERE space_id = $1 AND id = $2"
    ))
    .bind(space_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.as_ref().map(project_row).transpose()?)
}

/// A member's record in one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreakRow {
    pub project_id: Uuid,
    pub member_id: Uuid,
    /// Null once erased.
    pub display_name: Option<String>,
    pub streak: Streak,
}

fn count(row: &AnyRow, name: &str) -> Result<u32, sqlx::Error> {
    Ok(row
        .try_get::<Option<i64>, _>(name)?
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0))
}

fn streak_row(row: &AnyRow) -> Result<StreakRow, StoreError> {
    let last_day: Option<String> = row.try_get("last_day")?;
    let last_day = last_day
        .map(|d| {
            d.parse()
                .map_err(|e| StoreError::Corrupt(format!("bad day {d:?}: {e}")))
        })
        .transpose()?;
    Ok(StreakRow {
        project_id: uuid(row, "project_id")?,
        member_id: uuid(row, "member_id")?,
        display_name: row.try_get("display_name")?,
        streak: Streak {
            last_day,
            run: count(row, "run")?,
            longest: count(row, "longest")?,
            total: count(row, "total")?,
        },
    })
}

const STREAK_COLUMNS: &str =
    "s.project_id, s.member_id, m.display_name, s.last_day, s.run, s.longest, s.total";
const STREAK_FROM: &str = "rm_check_in_streaks s LEFT JOIN rm_members m ON m.id = s.member_id";

/// The members who checked in to a project, with their streaks, in member order.
pub async fn streaks(
    db: &Db,
    project_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<StreakRow>, StoreError> {
    Keyset {
        select: &format!("{STREAK_COLUMNS} FROM {STREAK_FROM}"),
        filter: "s.project_id = $1",
        args: &[Arg::Text(project_id)],
        key: "s.member_id",
    }
    .page(db, Start::After(after), limit, streak_row, |s| {
        s.member_id.to_string()
    })
    .await
}

/// One member's record in a project; `None` before their first check-in.
pub async fn streak(
    db: &Db,
    project_id: &str,
    member_id: &str,
) -> Result<Option<StreakRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {STREAK_COLUMNS} FROM {STREAK_FROM} WHERE s.project_id = $1 AND s.member_id = $2"
    ))
    .bind(project_id)
    .bind(member_id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(streak_row).transpose()
}

/// A member's records in every project of their space (at most `limit`), in project order.
pub async fn member_streaks(
    db: &Db,
    member_id: &str,
    limit: i64,
) -> Result<Vec<StreakRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {STREAK_COLUMNS} FROM {STREAK_FROM} WHERE s.member_id = $1 \
         ORDER BY s.project_id LIMIT $2"
    ))
    .bind(member_id)
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(streak_row).collect()
}

/// The space's active members without a check-in to the project on `day`, in member order,
/// each with their record so far (an empty one if they never checked in).
pub async fn not_checked_in(
    db: &Db,
    space_id: &str,
    project_id: &str,
    day: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<StreakRow>, StoreError> {
    Keyset {
        select: "CAST($2 AS TEXT) AS project_id, m.id AS member_id, m.display_name, s.last_day, \
                 s.run, s.longest, s.total FROM rm_members m \
                 LEFT JOIN rm_check_in_streaks s ON s.project_id = $2 AND s.member_id = m.id",
        filter: "m.space_id = $1 AND m.status = 'active' \
                 AND (s.last_day IS NULL OR s.last_day <> $3)",
        args: &[Arg::Text(space_id), Arg::Text(project_id), Arg::Text(day)],
        key: "m.id",
    }
    .page(db, Start::After(after), limit, streak_row, |s| {
        s.member_id.to_string()
    })
    .await
}

/// How many members ever checked in to the project, and how many did on `day`.
pub async fn participation(db: &Db, project_id: &str, day: &str) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS members, \
         CAST(COALESCE(SUM(CASE WHEN last_day = $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS today \
         FROM rm_check_in_streaks WHERE project_id = $1",
    )
    .bind(project_id)
    .bind(day)
    .fetch_one(db.reader())
    .await?;
    Ok((row.try_get("members")?, row.try_get("today")?))
}

/// One check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInRow {
    pub member_id: Uuid,
    /// Null once erased.
    pub display_name: Option<String>,
    pub day: String,
    /// Null once the member's personal data is erased.
    pub text: Option<String>,
    pub streak: i64,
    pub recorded_at: String,
}

/// A project's check-ins on `day`, in member order.
pub async fn check_ins(
    db: &Db,
    project_id: &str,
    day: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<CheckInRow>, StoreError> {
    Keyset {
        select: "c.member_id, m.display_name, c.day, c.text, c.streak, c.recorded_at \
                 FROM rm_check_ins c LEFT JOIN rm_members m ON m.id = c.member_id",
        filter: "c.project_id = $1 AND c.day = $2",
        args: &[Arg::Text(project_id), Arg::Text(day)],
        key: "c.member_id",
    }
    .page(db, Start::After(after), limit, check_in_row, |c| {
        c.member_id.to_string()
    })
    .await
}

fn check_in_row(row: &AnyRow) -> Result<CheckInRow, sqlx::Error> {
    Ok(CheckInRow {
        member_id: uuid(row, "member_id")?,
        display_name: row.try_get("display_name")?,
        day: row.try_get("day")?,
        text: row.try_get("text")?,
        streak: row.try_get("streak")?,
        recorded_at: row.try_get("recorded_at")?,
    })
}
