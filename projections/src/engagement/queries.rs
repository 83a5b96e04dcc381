//! Reads of the engagement read model: an item's counters, comment threads a page at a time,
//! the report queue, and a member's progress through a course.

use crate::decode::{opt_uuid, uuid};
use crate::page::{Arg, Conditions, Keyset, Page, Start};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

/// An item's counters: what the events say, as of the last one applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ItemStats {
    pub views: i64,
    /// Members who like the item now.
    pub likes: i64,
    /// Visible comments and replies.
    pub comments: i64,
    pub shares: i64,
    /// Members who completed the lesson or course.
    pub completions: i64,
}

/// The counters of one item (zeros before anything happened to it).
pub async fn item_stats(db: &Db, content_id: &str) -> Result<ItemStats, StoreError> {
    let row = sqlx::query(
        "SELECT views, likes, comments, shares, completions FROM rm_item_stats \
         WHERE content_id = $1",
    )
    .bind(content_id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref()
        .map_or_else(|| Ok(ItemStats::default()), stats_row)
}

pub(super) fn stats_row(row: &AnyRow) -> Result<ItemStats, StoreError> {
    Ok(ItemStats {
        views: row.try_get("views")?,
        likes: row.try_get("likes")?,
        comments: row.try_get("comments")?,
        shares: row.try_get("shares")?,
        completions: row.try_get("completions")?,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub content_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub member_id: Uuid,
    /// The author's display name (from the members read model); null once erased.
    pub author_name: Option<String>,
    /// Null once deleted, removed, or erased with its author's personal data.
    pub body: Option<String>,
    pub erased: bool,
    pub status: String,
    pub replies: i64,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub updated_at: String,
    /// The actor who hid or removed it (`key:<id>`).
    pub moderated_by: Option<String>,
    pub moderation_reason: Option<String>,
}

/// The columns of a comment and its author's name, from `rm_comments c` joined with
/// `rm_members m`.
pub(super) const COMMENT_COLUMNS: &str = "c.id, c.space_id, c.content_id, c.parent_id, c.member_id, \
     m.display_name AS author_name, c.body, c.erased, c.status, c.replies, c.created_at, \
     c.edited_at, c.updated_at, c.moderated_by, c.moderation_reason \
     FROM rm_comments c LEFT JOIN rm_members m ON m.id = c.member_id";

pub(super) fn comment_row(row: &AnyRow) -> Result<CommentRow, StoreError> {
    Ok(CommentRow {
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
        content_id: uuid(row, "content_id")?,
        parent_id: opt_uuid(row, "parent_id")?,
        member_id: uuid(row, "member_id")?,
        author_name: row.try_get("author_name")?,
        body: row.try_get("body")?,
        erased: row.try_get::<i64, _>("erased")? != 0,
        status: row.try_get("status")?,
        replies: row.try_get("replies")?,
        created_at: row.try_get("created_at")?,
        edited_at: row.try_get("edited_at")?,
        updated_at: row.try_get("updated_at")?,
        moderated_by: row.try_get("moderated_by")?,
        moderation_reason: row.try_get("moderation_reason")?,
    })
}

/// Which comments of a thread to list.
#[derive(Debug, Clone, Copy)]
pub struct Thread<'a> {
    pub space_id: &'a str,
    pub content_id: &'a str,
    /// The comment whose replies to list; `None` for the top-level comments.
    pub parent_id: Option<&'a str>,
    /// A member sees hidden comments only if they wrote them; `None` (a key) sees all.
    pub viewer: Option<&'a str>,
}

/// One level of a thread, oldest first, a page at a time, read from the `(content_id,
/// parent_id, id)` index.
pub async fn comments(
    db: &Db,
    thread: Thread<'_>,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<CommentRow>, StoreError> {
    let conditions = Conditions::default()
        .and("c.content_id = ?", Arg::Text(thread.content_id))
        .and_if(thread.parent_id.is_none(), "c.parent_id IS NULL")
        .and_some("c.parent_id = ?", thread.parent_id.map(Arg::Text))
        .and("c.space_id = ?", Arg::Text(thread.space_id))
        .and_some(
            "(c.status <> 'hidden' OR c.member_id = ?)",
            thread.viewer.map(Arg::Text),
        );
    Keyset {
        select: COMMENT_COLUMNS,
        filter: &conditions.sql(),
        args: conditions.args(),
        key: "c.id",
    }
    .page(db, Start::After(after), limit, comment_row, |c| {
        c.id.to_string()
    })
    .await
}

/// One comment of a space.
pub async fn comment(db: &Db, space_id: &str, id: &str) -> Result<Option<CommentRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COMMENT_COLUMNS} WHERE c.space_id = $1 AND c.id = $2"
    ))
    .bind(space_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(comment_row).transpose()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub reporter_id: Uuid,
    pub content_id: Uuid,
    pub comment_id: Option<Uuid>,
    pub reason: String,
    /// Null when none were given, or once the reporter's personal data was erased.
    pub details: Option<String>,
    pub status: String,
    pub outcome: Option<String>,
    pub note: Option<String>,
    /// The actor who resolved it (`key:<id>`).
    pub resolved_by: Option<String>,
    pub created_at: String,
    pub resolved_at: Option<String>,
}

fn report_row(row: &AnyRow) -> Result<ReportRow, StoreError> {
    Ok(ReportRow {
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
        reporter_id: uuid(row, "reporter_id")?,
        content_id: uuid(row, "content_id")?,
        comment_id: opt_uuid(row, "comment_id")?,
        reason: row.try_get("reason")?,
        details: row.try_get("details")?,
        status: row.try_get("status")?,
        outcome: row.try_get("outcome")?,
        note: row.try_get("note")?,
        resolved_by: row.try_get("resolved_by")?,
        created_at: row.try_get("created_at")?,
        resolved_at: row.try_get("resolved_at")?,
    })
}

const REPORT_COLUMNS: &str = "id, space_id, reporter_id, content_id, comment_id, reason, details, \
     status, outcome, note, resolved_by, created_at, resolved_at";

/// A space's reports, oldest first, optionally of one status (`open` or `resolved`).
pub async fn reports(
    db: &Db,
    space_id: &str,
    status: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<ReportRow>, StoreError> {
    let conditions = Conditions::default()
        .and("space_id = ?", Arg::Text(space_id))
        .and_some("status = ?", status.map(Arg::Text));
    Keyset {
        select: &format!("{REPORT_COLUMNS} FROM rm_reports"),
        filter: &conditions.sql(),
        args: conditions.args(),
        key: "id",
    }
    .page(db, Start::After(after), limit, report_row, |r| {
        r.id.to_string()
    })
    .await
}

/// The open report `reporter_id` already filed on this item (or this comment of it), if any.
pub async fn open_report_by(
    db: &Db,
    reporter_id: &str,
    content_id: &str,
    comment_id: Option<&str>,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM rm_reports WHERE reporter_id = $1 AND content_id = $2 \
         AND COALESCE(comment_id, '') = $3 AND status = 'open' LIMIT 1",
    )
    .bind(reporter_id)
    .bind(content_id)
    .bind(comment_id.unwrap_or(""))
    .fetch_optional(db.reader())
    .await?)
}

/// One report of a space.
pub async fn report(db: &Db, space_id: &str, id: &str) -> Result<Option<ReportRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {REPORT_COLUMNS} FROM rm_reports WHERE space_id = $1 AND id = $2"
    ))
    .bind(space_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(report_row).transpose()
}

/// A course's lessons in order, from the content catalog.
pub async fn course_lessons(db: &Db, course_id: &str) -> Result<Vec<Uuid>, StoreError> {
    ids(
        db,
        "SELECT id FROM rm_content WHERE parent_id = $1 AND kind = 'lesson' ORDER BY part_no, id",
        &[course_id],
    )
    .await
}

/// The ids in the one column (`id`, or named so) that `sql` selects.
async fn ids(db: &Db, sql: &str, args: &[&str]) -> Result<Vec<Uuid>, StoreError> {
    let mut query = sqlx::query(sql);
    for arg in args {
        query = query.bind(*arg);
    }
    let rows = query.fetch_all(db.reader()).await?;
    Ok(rows
        .iter()
        .map(|row| uuid(row, "id"))
        .collect::<Result<_, _>>()?)
}

/// A member's progress through a course.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CourseProgressRow {
    /// The course's lessons in order.
    pub lesson_ids: Vec<Uuid>,
    /// The lessons the member completed, in the course's order (and any since taken out of the
    /// course, last).
    pub completed_lesson_ids: Vec<Uuid>,
    /// When the member completed the course, if they did.
    pub completed_at: Option<String>,
}

pub async fn course_progress(
    db: &Db,
    member_id: &str,
    course_id: &str,
) -> Result<CourseProgressRow, StoreError> {
    let lesson_ids = course_lessons(db, course_id).await?;
    let mut done = ids(
        db,
        "SELECT lesson_id AS id FROM rm_lesson_completions WHERE member_id = $1 \
         AND course_id = $2 ORDER BY lesson_id",
        &[member_id, course_id],
    )
    .await?;
    let mut completed_lesson_ids: Vec<Uuid> = lesson_ids
        .iter()
        .filter(|l| done.contains(l))
        .copied()
        .collect();
    done.retain(|l| !lesson_ids.contains(l));
    completed_lesson_ids.extend(done);
    let completed_at = sqlx::query_scalar(
        "SELECT completed_at FROM rm_course_completions WHERE member_id = $1 AND course_id = $2",
    )
    .bind(member_id)
    .bind(course_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(CourseProgressRow {
        lesson_ids,
        completed_lesson_ids,
        completed_at,
    })
}
