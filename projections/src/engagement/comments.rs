//! Comment threads. A body is opened with its author's key while the event is applied; once
//! the key is erased the same events give no body and `erased`, live or on replay. Deleted and
//! removed comments keep their place in the thread without a body. `comments` on an item and
//! `replies` on a comment count what is visible.

use super::{Bump, bump, space_of};
use lyceum_domain::engagement::comment::CommentEvent;
use lyceum_domain::values::Sealed;
use lyceum_store::{StoreError, StoredEvent, vault};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

/// Opens a sealed body with its author's key: `None` once the key is erased.
async fn open(
    conn: &mut AnyConnection,
    member_id: Uuid,
    body: &Sealed,
) -> Result<Option<String>, StoreError> {
    let secret = vault::secret_for(conn, member_id).await?;
    Ok(secret.and_then(|s| vault::open(&s, member_id, body)))
}

pub(super) async fn apply(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    decoded: CommentEvent,
) -> Result<(), StoreError> {
    let id = event.aggregate_id.to_string();
    match decoded {
        CommentEvent::CommentPosted {
            content_id,
            parent_id,
            member_id,
            body,
            ..
        } => {
            let text = open(conn, member_id.0, &body).await?;
            sqlx::query(
                "INSERT INTO rm_comments (id, space_id, content_id, parent_id, member_id, body, \
                 erased, status, replies, created_at, edited_at, updated_at, moderated_by, \
                 moderation_reason, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'visible', 0, $8, NULL, $8, NULL, NULL, $9)",
            )
            .bind(&id)
            .bind(space_of(event))
            .bind(content_id.to_string())
            .bind(parent_id.map(|p| p.to_string()))
            .bind(member_id.to_string())
            .bind(text.as_deref())
            .bind(i64::from(text.is_none()))
            .bind(&event.recorded_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
            if let Some(parent) = parent_id {
                replies(conn, &parent.to_string(), 1).await?;
            }
            bump(conn, event, &content_id.to_string(), comments(1)).await
        }
        CommentEvent::CommentEdited {
            member_id, body, ..
        } => {
            let text = open(conn, member_id.0, &body).await?;
            sqlx::query(
                "UPDATE rm_comments SET body = $1, erased = $2, edited_at = $3, updated_at = $3, \
                 position = $4 WHERE id = $5",
            )
            .bind(text.as_deref())
            .bind(i64::from(text.is_none()))
            .bind(&event.recorded_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }
        CommentEvent::CommentDeleted { .. } => change_status(conn, event, "deleted", None).await,
        CommentEvent::CommentHidden { reason, .. } => {
            change_status(conn, event, "hidden", Some(reason)).await
        }
        CommentEvent::CommentRemoved { reason, .. } => {
            change_status(conn, event, "removed", Some(reason)).await
        }
    }
}

fn comments(n: i64) -> Bump {
    Bump {
        comments: n,
        ..Bump::default()
    }
}

async fn replies(conn: &mut AnyConnection, parent_id: &str, n: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE rm_comments SET replies = replies + $1 WHERE id = $2")
        .bind(n)
        .bind(parent_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a comment out of `visible`: the counters lose it (once), a deleted or removed comment
/// loses its body, and a moderator's action records who did it and why.
async fn change_status(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    status: &str,
    moderation: Option<Option<String>>,
) -> Result<(), StoreError> {
    let id = event.aggregate_id.to_string();
    let Some(row) =
        sqlx::query("SELECT content_id, parent_id, status FROM rm_comments WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(());
    };
    let content_id: String = row.try_get("content_id")?;
    let parent_id: Option<String> = row.try_get("parent_id")?;
    let was_visible = row.try_get::<String, _>("status")? == "visible";
    let keeps_body = status == "hidden";
    sqlx::query(
        "UPDATE rm_comments SET status = $1, body = CASE WHEN $2 = 1 THEN body ELSE NULL END, \
         moderated_by = CASE WHEN $3 = 1 THEN $4 ELSE moderated_by END, \
         moderation_reason = CASE WHEN $3 = 1 THEN $5 ELSE moderation_reason END, \
         updated_at = $6, position = $7 WHERE id = $8",
    )
    .bind(status)
    .bind(i64::from(keeps_body))
    .bind(i64::from(moderation.is_some()))
    .bind(&event.actor)
    .bind(moderation.flatten())
    .bind(&event.recorded_at)
    .bind(event.position)
    .bind(&id)
    .execute(&mut *conn)
    .await?;
    if was_visible {
        if let Some(parent) = parent_id {
            replies(conn, &parent, -1).await?;
        }
        bump(conn, event, &content_id, comments(-1)).await?;
    }
    Ok(())
}

/// A member's personal data was erased: their comments lose their bodies.
pub(super) async fn erase(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    sqlx::query("UPDATE rm_comments SET body = NULL, erased = 1 WHERE member_id = $1")
        .bind(event.aggregate_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
