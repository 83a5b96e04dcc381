//! Comment threads. A body is opened with its author's key while the event is applied; once
//! the key is erased the same events give no body and `erased`, live or on replay. Deleted and
//! removed comments keep their place in the thread without a body. `comments` on an item and
//! `replies` on a comment count what is visible.

use super::{Bump, bump, space_of};
use crate::bulk::{self, Value};
use lyceum_domain::Aggregate;
use lyceum_domain::engagement::comment::{Comment, CommentEvent};
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
            .bind(&event.occurred_at)
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
            .bind(&event.occurred_at)
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

/// A top-level comment posted: what a batch needs to write its row with others.
pub(super) struct Post<'a> {
    event: &'a StoredEvent,
    pub content_id: String,
    member_id: Uuid,
    body: Sealed,
}

/// The comment `event` posts, if it is a top-level one (a reply also counts on its parent, so
/// it is applied on its own).
pub(super) fn top_level_post(event: &StoredEvent) -> Result<Option<Post<'_>>, StoreError> {
    if event.aggregate_type != Comment::TYPE || event.event_type != "CommentPosted" {
        return Ok(None);
    }
    Ok(match event.decode::<CommentEvent>()? {
        CommentEvent::CommentPosted {
            content_id,
            parent_id: None,
            member_id,
            body,
            ..
        } => Some(Post {
            event,
            content_id: content_id.to_string(),
            member_id: member_id.0,
            body,
        }),
        _ => None,
    })
}

/// Writes the rows of top-level comments, their bodies opened with their authors' keys (read
/// together), in one insert. Their counters are the caller's.
pub(super) async fn post_all(
    conn: &mut AnyConnection,
    posts: Vec<Post<'_>>,
) -> Result<(), StoreError> {
    if posts.is_empty() {
        return Ok(());
    }
    let members: Vec<Uuid> = posts.iter().map(|post| post.member_id).collect();
    let secrets = vault::secrets_for(conn, &members).await?;
    let mut rows = Vec::with_capacity(posts.len());
    for post in posts {
        let text = secrets
            .get(&post.member_id)
            .and_then(|secret| vault::open(secret, post.member_id, &post.body));
        let event = post.event;
        rows.push(vec![
            event.aggregate_id.to_string().into(),
            space_of(event).into(),
            post.content_id.into(),
            Value::Nullable(None),
            post.member_id.to_string().into(),
            Value::Int(i64::from(text.is_none())),
            text.into(),
            "visible".into(),
            Value::Int(0),
            event.occurred_at.as_str().into(),
            Value::Nullable(None),
            event.occurred_at.as_str().into(),
            Value::Nullable(None),
            Value::Nullable(None),
            event.position.into(),
        ]);
    }
    bulk::insert(
        conn,
        "INSERT INTO rm_comments (id, space_id, content_id, parent_id, member_id, erased, body, \
         status, replies, created_at, edited_at, updated_at, moderated_by, moderation_reason, \
         position)",
        "",
        &rows,
    )
    .await
}

pub(super) fn comments(n: i64) -> Bump {
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
    .bind(&event.occurred_at)
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
