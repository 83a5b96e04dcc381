//! Reads of the training features: the member × item table, a member's activity log (newest
//! first), and per-member activity features computed at `now`.

use crate::decode::{opt_uuid, uuid};
use crate::page::{Arg, Conditions, Keyset, Page, Start, bind, page};
use chrono::{DateTime, Utc};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

/// What one member did with one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InteractionRow {
    pub member_id: Uuid,
    pub content_id: Uuid,
    pub views: i64,
    pub liked: bool,
    pub liked_at: Option<String>,
    pub shares: i64,
    pub comments: i64,
    pub completed_at: Option<String>,
    pub purchased_at: Option<String>,
    pub first_at: String,
    pub last_at: String,
}

const INTERACTION_COLUMNS: &str = "member_id, content_id, views, liked, liked_at, shares, \
     comments, completed_at, purchased_at, first_at, last_at FROM rm_interactions";

fn interaction_row(row: &AnyRow) -> Result<InteractionRow, StoreError> {
    Ok(InteractionRow {
        member_id: uuid(row, "member_id")?,
        content_id: uuid(row, "content_id")?,
        views: row.try_get("views")?,
        liked: row.try_get::<i64, _>("liked")? != 0,
        liked_at: row.try_get("liked_at")?,
        shares: row.try_get("shares")?,
        comments: row.try_get("comments")?,
        completed_at: row.try_get("completed_at")?,
        purchased_at: row.try_get("purchased_at")?,
        first_at: row.try_get("first_at")?,
        last_at: row.try_get("last_at")?,
    })
}

/// The cursor key of an interaction of `member_id` with `content_id`: both ids without dashes
/// (64 characters).
pub fn cursor(member_id: Uuid, content_id: Uuid) -> String {
    format!("{}{}", member_id.simple(), content_id.simple())
}

fn split_key(key: &str) -> Result<(String, String), StoreError> {
    let bad = || StoreError::Corrupt("interaction cursor is not valid".into());
    let (m, c) = (
        key.get(..32).ok_or_else(bad)?,
        key.get(32..).ok_or_else(bad)?,
    );
    let parse = |s: &str| Uuid::parse_str(s).map(|u| u.to_string()).map_err(|_| bad());
    Ok((parse(m)?, parse(c)?))
}

/// A space's interactions (of one member, if given), by member then item, a page at a time.
/// `after` is the cursor of the previous page; a cursor that does not parse is `None`.
pub async fn interactions(
    db: &Db,
    space_id: &str,
    member_id: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<InteractionRow>, StoreError> {
    let after = after.map(split_key).transpose()?;
    // The `(space_id, member_id, content_id)` index in its order: the cursor's member bounds
    // the range, and the item breaks the tie within that member.
    let conditions = Conditions::default()
        .and("space_id = ?", Arg::Text(space_id))
        .and_some("member_id = ?", member_id.map(Arg::Text));
    let conditions = match &after {
        Some((member, item)) => conditions
            .and("member_id >= ?", Arg::Text(member))
            .and_each(
                "(member_id > ? OR content_id > ?)",
                &[Arg::Text(member), Arg::Text(item)],
            ),
        None => conditions,
    };
    let rows = bind(
        sqlx::query(&format!(
            "SELECT {INTERACTION_COLUMNS} WHERE {} ORDER BY member_id, content_id LIMIT ${}",
            conditions.sql(),
            conditions.args().len() + 1
        )),
        conditions.args(),
    )
    .bind(limit + 1)
    .fetch_all(db.reader())
    .await?;
    let items = rows.iter().map(interaction_row).collect::<Result<_, _>>()?;
    Ok(page(items, limit, |i: &InteractionRow| {
        cursor(i.member_id, i.content_id)
    }))
}

/// Whether a cursor of [`interactions`] is well-formed.
pub fn valid_cursor(key: &str) -> bool {
    key.len() == 64 && split_key(key).is_ok()
}

/// The interaction of one member with one item, if there was any.
pub async fn interaction(
    db: &Db,
    member_id: &str,
    content_id: &str,
) -> Result<Option<InteractionRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {INTERACTION_COLUMNS} WHERE member_id = $1 AND content_id = $2"
    ))
    .bind(member_id)
    .bind(content_id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(interaction_row).transpose()
}

/// One entry of a member's activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityRow {
    /// The global position of the event: unique, and the order of the log.
    pub position: i64,
    /// `viewed`, `liked`, `unliked`, `shared`, `commented`, `completed` or `purchased`.
    pub action: String,
    pub content_id: Option<Uuid>,
    pub comment_id: Option<Uuid>,
    pub occurred_at: String,
}

/// A member's activity, newest first; `before` is a position (the previous page's cursor).
pub async fn activity(
    db: &Db,
    space_id: &str,
    member_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<ActivityRow>, StoreError> {
    Keyset {
        select: "position, action, content_id, comment_id, occurred_at FROM rm_member_activity",
        filter: "space_id = $1 AND member_id = $2",
        args: &[Arg::Text(space_id), Arg::Text(member_id)],
        key: "position",
    }
    .page(db, Start::BeforeNumber(before), limit, activity_row, |a| {
        a.position.to_string()
    })
    .await
}

fn activity_row(row: &AnyRow) -> Result<ActivityRow, StoreError> {
    Ok(ActivityRow {
        position: row.try_get("position")?,
        action: row.try_get("action")?,
        content_id: opt_uuid(row, "content_id")?,
        comment_id: opt_uuid(row, "comment_id")?,
        occurred_at: row.try_get("occurred_at")?,
    })
}

/// A member's activity features at a moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberFeatures {
    /// Every recorded action.
    pub actions: i64,
    /// Distinct UTC days with at least one action.
    pub active_days: i64,
    pub first_action_at: Option<String>,
    pub last_action_at: Option<String>,
    /// Whole days from the last action to now; null without any action.
    pub days_since_last_action: Option<i64>,
    /// Actions in the 28 days before now, divided by 4.
    pub actions_per_week: f64,
    /// Items viewed, liked (now), commented on, completed and bought.
    pub items_viewed: i64,
    pub items_liked: i64,
    pub items_commented: i64,
    pub items_completed: i64,
    pub items_purchased: i64,
}

/// The features of one member of a space at `now`.
pub async fn member_features(
    db: &Db,
    space_id: &str,
    member_id: &str,
    now: DateTime<Utc>,
) -> Result<MemberFeatures, StoreError> {
    let since = lyceum_store::time::format(now - chrono::Duration::days(28));
    let activity = sqlx::query(
        "SELECT COUNT(*) AS actions, COUNT(DISTINCT substr(occurred_at, 1, 10)) AS days, \
         MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at, \
         CAST(SUM(CASE WHEN occurred_at >= $3 THEN 1 ELSE 0 END) AS BIGINT) AS recent \
         FROM rm_member_activity WHERE space_id = $1 AND member_id = $2",
    )
    .bind(space_id)
    .bind(member_id)
    .bind(&since)
    .fetch_one(db.reader())
    .await?;
    let items = sqlx::query(
        "SELECT CAST(SUM(CASE WHEN views > 0 THEN 1 ELSE 0 END) AS BIGINT) AS viewed, \
         CAST(SUM(liked) AS BIGINT) AS liked, \
         CAST(SUM(CASE WHEN comments > 0 THEN 1 ELSE 0 END) AS BIGINT) AS commented, \
         CAST(SUM(CASE WHEN completed_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS completed, \
         CAST(SUM(CASE WHEN purchased_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS purchased \
         FROM rm_interactions WHERE space_id = $1 AND member_id = $2",
    )
    .bind(space_id)
    .bind(member_id)
    .fetch_one(db.reader())
    .await?;
    let last_action_at: Option<String> = activity.try_get("last_at")?;
    let days_since_last_action = last_action_at
        .as_deref()
        .map(lyceum_store::time::parse)
        .transpose()?
        .map(|last| (now - last).num_days().max(0));
    let count = |row: &AnyRow, name: &str| -> Result<i64, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(name)?.unwrap_or(0))
    };
    let recent = count(&activity, "recent")?;
    Ok(MemberFeatures {
        actions: count(&activity, "actions")?,
        active_days: count(&activity, "days")?,
        first_action_at: activity.try_get("first_at")?,
        last_action_at,
        days_since_last_action,
        actions_per_week: recent as f64 / 4.0,
        items_viewed: count(&items, "viewed")?,
        items_liked: count(&items, "liked")?,
        items_commented: count(&items, "commented")?,
        items_completed: count(&items, "completed")?,
        items_purchased: count(&items, "purchased")?,
    })
}

/// The implicit feedback a space's recommendation models train on: each member's clicks on
/// each item they viewed, in member then item order.
pub async fn clicks(db: &Db, space_id: &str) -> Result<Vec<(Uuid, Uuid, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT member_id, content_id, clicks FROM rm_interactions \
         WHERE space_id = $1 AND clicks > 0 ORDER BY member_id, content_id",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                uuid(row, "member_id")?,
                uuid(row, "content_id")?,
                row.try_get("clicks")?,
            ))
        })
        .collect()
}

/// The spaces whose members viewed something, in id order.
pub async fn spaces_with_clicks(db: &Db) -> Result<Vec<Uuid>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT space_id FROM rm_interactions WHERE clicks > 0 ORDER BY space_id",
    )
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(|row| Ok(uuid(row, "space_id")?)).collect()
}
