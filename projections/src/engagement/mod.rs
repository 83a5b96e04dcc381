//! The engagement read model: counters per item (views, likes, comments, shares, completions)
//! that always equal what the events say, comment threads with bodies opened with their
//! authors' keys (erasure blanks them, live and on replay), the report queue, and course
//! progress. Also the queries the API serves from it.

pub mod batch;
mod comments;
mod courses;
pub mod queries;
mod reports;

use lyceum_domain::Aggregate;
use lyceum_domain::engagement::comment::{Comment, CommentEvent};
use lyceum_domain::engagement::interaction::{Interaction, InteractionEvent};
use lyceum_domain::engagement::progress::{CourseProgress, ProgressEvent};
use lyceum_domain::engagement::report::{Report, ReportEvent};
use lyceum_domain::membership::member::Member;
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

/// Changes to one item's counters.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Bump {
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub completions: i64,
}

/// Adds `bump` to the counters of `content_id`, creating its row at zero first.
pub(crate) async fn bump(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    content_id: &str,
    bump: Bump,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rm_item_stats (content_id, space_id, views, likes, comments, shares, \
         completions, updated_at, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (content_id) DO UPDATE SET views = rm_item_stats.views + excluded.views, \
         likes = rm_item_stats.likes + excluded.likes, \
         comments = rm_item_stats.comments + excluded.comments, \
         shares = rm_item_stats.shares + excluded.shares, \
         completions = rm_item_stats.completions + excluded.completions, \
         updated_at = excluded.updated_at, position = excluded.position",
    )
    .bind(content_id)
    .bind(space_of(event))
    .bind(bump.views)
    .bind(bump.likes)
    .bind(bump.comments)
    .bind(bump.shares)
    .bind(bump.completions)
    .bind(&event.recorded_at)
    .bind(event.position)
    .execute(conn)
    .await?;
    Ok(())
}

/// The space an event was recorded in, as read models store it.
pub(crate) fn space_of(event: &StoredEvent) -> String {
    event.space_id.map(|s| s.to_string()).unwrap_or_default()
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    match event.aggregate_type.as_str() {
        Interaction::TYPE => {
            let (content_id, change) = match event.decode::<InteractionEvent>()? {
                InteractionEvent::ItemViewed { content_id, .. } => (
                    content_id,
                    Bump {
                        views: 1,
                        ..Bump::default()
                    },
                ),
                InteractionEvent::ItemLiked { content_id, .. } => (
                    content_id,
                    Bump {
                        likes: 1,
                        ..Bump::default()
                    },
                ),
                InteractionEvent::ItemUnliked { content_id, .. } => (
                    content_id,
                    Bump {
                        likes: -1,
                        ..Bump::default()
                    },
                ),
                InteractionEvent::ItemShared { content_id, .. } => (
                    content_id,
                    Bump {
                        shares: 1,
                        ..Bump::default()
                    },
                ),
            };
            bump(conn, event, &content_id.to_string(), change).await
        }
        Comment::TYPE => comments::apply(conn, event, event.decode::<CommentEvent>()?).await,
        Report::TYPE => reports::apply(conn, event, event.decode::<ReportEvent>()?).await,
        CourseProgress::TYPE => {
            courses::complete(conn, event, event.decode::<ProgressEvent>()?).await
        }
        Member::TYPE if event.event_type == "MemberPersonalDataErased" => {
            comments::erase(conn, event).await?;
            reports::erase(conn, event).await
        }
        _ => Ok(()),
    }
}
