//! Training features for the recommendation and churn models to come: the member × item
//! interaction table (views, like, shares, comments, completion and purchase, with times) and
//! each member's activity log, from which the per-member features (active days, days since the
//! last action, actions per week) are computed at read time. Times are the events' recorded
//! times, so a replay gives the same rows.

pub mod queries;

use crate::engagement::space_of;
use lyceum_domain::Aggregate;
use lyceum_domain::engagement::comment::{Comment, CommentEvent};
use lyceum_domain::engagement::interaction::{Interaction, InteractionEvent};
use lyceum_domain::engagement::progress::{CourseProgress, ProgressEvent};
use lyceum_domain::ids::{ContentId, MemberId};
use lyceum_domain::payment::order::{Order, OrderEvent, OrderItem};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

/// What one event adds to a member's row for an item.
#[derive(Debug, Clone, Copy)]
enum Change {
    Viewed,
    Liked,
    Unliked,
    Shared,
    Commented,
    Completed,
    Purchased,
}

impl Change {
    /// The action's name in the activity log.
    fn action(self) -> &'static str {
        match self {
            Change::Viewed => "viewed",
            Change::Liked => "liked",
            Change::Unliked => "unliked",
            Change::Shared => "shared",
            Change::Commented => "commented",
            Change::Completed => "completed",
            Change::Purchased => "purchased",
        }
    }

    /// The SET clause that records it.
    fn set(self) -> &'static str {
        match self {
            Change::Viewed => "views = views + 1",
            Change::Liked => "liked = 1, liked_at = $1",
            Change::Unliked => "liked = 0, liked_at = NULL",
            Change::Shared => "shares = shares + 1",
            Change::Commented => "comments = comments + 1",
            Change::Completed => "completed_at = COALESCE(completed_at, $1)",
            Change::Purchased => "purchased_at = COALESCE(purchased_at, $1)",
        }
    }
}

/// One interaction of `member` with `item`, and what it carries for the activity log.
struct Touch {
    member: MemberId,
    item: ContentId,
    change: Change,
    comment_id: Option<String>,
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    let touch = match event.aggregate_type.as_str() {
        Interaction::TYPE => {
            let (member, item, change) = match event.decode::<InteractionEvent>()? {
                InteractionEvent::ItemViewed {
                    member_id,
                    content_id,
                    ..
                } => (member_id, content_id, Change::Viewed),
                InteractionEvent::ItemLiked {
                    member_id,
                    content_id,
                } => (member_id, content_id, Change::Liked),
                InteractionEvent::ItemUnliked {
                    member_id,
                    content_id,
                } => (member_id, content_id, Change::Unliked),
                InteractionEvent::ItemShared {
                    member_id,
                    content_id,
                    ..
                } => (member_id, content_id, Change::Shared),
            };
            Touch {
                member,
                item,
                change,
                comment_id: None,
            }
        }
        Comment::TYPE => match event.decode::<CommentEvent>()? {
            CommentEvent::CommentPosted {
                member_id,
                content_id,
                comment_id,
                ..
            } => Touch {
                member: member_id,
                item: content_id,
                change: Change::Commented,
                comment_id: Some(comment_id.to_string()),
            },
            _ => return Ok(()),
        },
        CourseProgress::TYPE => {
            let (member, item) = match event.decode::<ProgressEvent>()? {
                ProgressEvent::LessonCompleted {
                    member_id,
                    lesson_id,
                    ..
                } => (member_id, lesson_id),
                ProgressEvent::CourseCompleted {
                    member_id,
                    course_id,
                } => (member_id, course_id),
            };
            Touch {
                member,
                item,
                change: Change::Completed,
                comment_id: None,
            }
        }
        Order::TYPE => match purchase(conn, event).await? {
            Some((member, item)) => Touch {
                member,
                item,
                change: Change::Purchased,
                comment_id: None,
            },
            None => return Ok(()),
        },
        _ => return Ok(()),
    };
    record(conn, event, touch).await
}

/// Remembers which member and item a content order is for; returns them when it is paid.
async fn purchase(
    conn: &mut AnyConnection,
    event: &StoredEvent,
) -> Result<Option<(MemberId, ContentId)>, StoreError> {
    let order = event.aggregate_id.to_string();
    match event.decode::<OrderEvent>()? {
        OrderEvent::OrderPlaced {
            member_id,
            item: OrderItem::Content { content_id },
            ..
        } => {
            sqlx::query(
                "INSERT INTO rm_interaction_orders (order_id, member_id, content_id) \
                 VALUES ($1, $2, $3)",
            )
            .bind(&order)
            .bind(member_id.to_string())
            .bind(content_id.to_string())
            .execute(conn)
            .await?;
            Ok(None)
        }
        OrderEvent::PaymentSucceeded { .. } => {
            let row: Option<(String, String)> = sqlx::query_as(
                "SELECT member_id, content_id FROM rm_interaction_orders WHERE order_id = $1",
            )
            .bind(&order)
            .fetch_optional(conn)
            .await?;
            Ok(row.and_then(|(m, c)| Some((m.parse().ok()?, c.parse().ok()?))))
        }
        _ => Ok(None),
    }
}

async fn record(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    touch: Touch,
) -> Result<(), StoreError> {
    let (member, item) = (touch.member.to_string(), touch.item.to_string());
    let at = &event.recorded_at;
    sqlx::query(
        "INSERT INTO rm_interactions (member_id, content_id, space_id, views, liked, liked_at, \
         shares, comments, completed_at, purchased_at, first_at, last_at) \
         VALUES ($1, $2, $3, 0, 0, NULL, 0, 0, NULL, NULL, $4, $4) \
         ON CONFLICT (member_id, content_id) DO NOTHING",
    )
    .bind(&member)
    .bind(&item)
    .bind(space_of(event))
    .bind(at)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "UPDATE rm_interactions SET {}, last_at = $1 WHERE member_id = $2 AND content_id = $3",
        touch.change.set()
    ))
    .bind(at)
    .bind(&member)
    .bind(&item)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO rm_member_activity (position, space_id, member_id, action, content_id, \
         comment_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event.position)
    .bind(space_of(event))
    .bind(&member)
    .bind(touch.change.action())
    .bind(&item)
    .bind(touch.comment_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}
