//! The engagement read model: counters per item (views, likes, comments, shares, completions)
//! that always equal what the events say, comment threads with bodies opened with their
//! authors' keys (erasure blanks them, live and on replay), the report queue, and course
//! progress. Also the queries the API serves from it.

pub mod batch;
mod comments;
mod courses;
pub mod queries;
mod reports;

use crate::bulk::{self, Value};
use lyceum_domain::Aggregate;
use lyceum_domain::engagement::comment::{Comment, CommentEvent};
use lyceum_domain::engagement::interaction::{Interaction, InteractionEvent};
use lyceum_domain::engagement::progress::{CourseProgress, ProgressEvent};
use lyceum_domain::engagement::report::{Report, ReportEvent};
use lyceum_domain::ids::ContentId;
use lyceum_domain::membership::member::Member;
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Changes to one item's counters.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Bump {
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub completions: i64,
}

/// The counter upsert, around its values.
const BUMP_HEAD: &str = "INSERT INTO rm_item_stats (content_id, space_id, views, likes, comments, \
     shares, completions, updated_at, position)";
const BUMP_TAIL: &str = "ON CONFLICT (content_id) DO UPDATE SET \
     views = rm_item_stats.views + excluded.views, likes = rm_item_stats.likes + excluded.likes, \
     comments = rm_item_stats.comments + excluded.comments, \
     shares = rm_item_stats.shares + excluded.shares, \
     completions = rm_item_stats.completions + excluded.completions, \
     updated_at = excluded.updated_at, position = excluded.position";

/// Adds `bump` to the counters of `content_id`, creating its row at zero first.
pub(crate) async fn bump(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    content_id: &str,
    bump: Bump,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "{BUMP_HEAD} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) {BUMP_TAIL}"
    ))
    .bind(content_id)
    .bind(space_of(event))
    .bind(bump.views)
    .bind(bump.likes)
    .bind(bump.comments)
    .bind(bump.shares)
    .bind(bump.completions)
    .bind(&event.occurred_at)
    .bind(event.position)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counter changes of a run of events, summed per item: written once per item, as applying
/// them one by one would leave it (the space of the first, the time and position of the last).
#[derive(Debug, Default)]
struct Bumps {
    items: Vec<Pending>,
    index: HashMap<String, usize>,
}

#[derive(Debug)]
struct Pending {
    content_id: String,
    space_id: String,
    bump: Bump,
    updated_at: String,
    position: i64,
}

impl Bumps {
    fn add(&mut self, event: &StoredEvent, content_id: String, change: Bump) {
        let at = match self.index.get(&content_id) {
            Some(&at) => at,
            None => {
                self.index.insert(content_id.clone(), self.items.len());
                self.items.push(Pending {
                    content_id,
                    space_id: space_of(event),
                    bump: Bump::default(),
                    updated_at: String::new(),
                    position: 0,
                });
                self.items.len() - 1
            }
        };
        if let Some(item) = self.items.get_mut(at) {
            item.bump.views += change.views;
            item.bump.likes += change.likes;
            item.bump.comments += change.comments;
            item.bump.shares += change.shares;
            item.bump.completions += change.completions;
            item.updated_at.clone_from(&event.occurred_at);
            item.position = event.position;
        }
    }

    /// Writes what was added, one row per item, and starts over.
    async fn write(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        self.index.clear();
        let rows: Vec<Vec<Value>> = self
            .items
            .drain(..)
            .map(|item| {
                vec![
                    item.content_id.into(),
                    item.space_id.into(),
                    item.bump.views.into(),
                    item.bump.likes.into(),
                    item.bump.comments.into(),
                    item.bump.shares.into(),
                    item.bump.completions.into(),
                    item.updated_at.into(),
                    item.position.into(),
                ]
            })
            .collect();
        bulk::insert(conn, BUMP_HEAD, BUMP_TAIL, &rows).await
    }
}

/// The space an event was recorded in, as read models store it.
pub(crate) fn space_of(event: &StoredEvent) -> String {
    event.space_id.map(|s| s.to_string()).unwrap_or_default()
}

/// What an interaction does to its item's counters.
fn interaction(decoded: InteractionEvent) -> (ContentId, Bump) {
    let one = Bump::default();
    match decoded {
        InteractionEvent::ItemViewed { content_id, .. } => (content_id, Bump { views: 1, ..one }),
        InteractionEvent::ItemLiked { content_id, .. } => (content_id, Bump { likes: 1, ..one }),
        InteractionEvent::ItemUnliked { content_id, .. } => (content_id, Bump { likes: -1, ..one }),
        InteractionEvent::ItemShared { content_id, .. } => (content_id, Bump { shares: 1, ..one }),
    }
}

/// Applies a batch's share: runs of interactions and top-level comments become one multi-row
/// counter upsert (see [`Bumps`]) and one insert of comments; anything else is applied on its
/// own, after what came before it is written.
pub(crate) async fn apply_batch(
    conn: &mut AnyConnection,
    events: &[&StoredEvent],
) -> Result<(), StoreError> {
    let mut bumps = Bumps::default();
    let mut posts = Vec::new();
    for event in events {
        if event.aggregate_type == Interaction::TYPE {
            let (content_id, change) = interaction(event.decode::<InteractionEvent>()?);
            bumps.add(event, content_id.to_string(), change);
        } else if let Some(post) = comments::top_level_post(event)? {
            bumps.add(event, post.content_id.clone(), comments::comments(1));
            posts.push(post);
        } else {
            comments::post_all(conn, std::mem::take(&mut posts)).await?;
            bumps.write(conn).await?;
            apply(conn, event).await?;
        }
    }
    comments::post_all(conn, posts).await?;
    bumps.write(conn).await
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    match event.aggregate_type.as_str() {
        Interaction::TYPE => {
            let (content_id, change) = interaction(event.decode::<InteractionEvent>()?);
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
