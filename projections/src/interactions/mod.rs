//! Training features for the recommendation and churn models to come: the member × item
//! interaction table (views, like, shares, comments, completion and purchase, with times) and
//! each member's activity log, from which the per-member features (active days, days since the
//! last action, actions per week) are computed at read time. Times are the events' business
//! times (`occurred_at`), so a replay gives the same rows.

pub mod queries;

use crate::bulk::{self, Value};
use crate::engagement::space_of;
use lyceum_domain::Aggregate;
use lyceum_domain::engagement::comment::{Comment, CommentEvent};
use lyceum_domain::engagement::interaction::{Interaction, InteractionEvent};
use lyceum_domain::engagement::progress::{CourseProgress, ProgressEvent};
use lyceum_domain::ids::{ContentId, MemberId};
use lyceum_domain::payment::order::{Order, OrderEvent, OrderItem};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// What one event adds to a member's row for an item.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// A day's view, with its clicks.
    Viewed(u32),
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
            Change::Viewed(_) => "viewed",
            Change::Liked => "liked",
            Change::Unliked => "unliked",
            Change::Shared => "shared",
            Change::Commented => "commented",
            Change::Completed => "completed",
            Change::Purchased => "purchased",
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

/// What an interaction, a comment or course progress records (orders need the read model to
/// know theirs, see [`purchase`]).
fn touch_of(event: &StoredEvent) -> Result<Option<Touch>, StoreError> {
    Ok(Some(match event.aggregate_type.as_str() {
        Interaction::TYPE => {
            let (member, item, change) = match event.decode::<InteractionEvent>()? {
                InteractionEvent::ItemViewed {
                    member_id,
                    content_id,
                    clicks,
                    ..
                } => (member_id, content_id, Change::Viewed(clicks)),
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
            _ => return Ok(None),
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
        _ => return Ok(None),
    }))
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    let mut touches = Touches::default();
    apply_one(conn, &mut touches, event).await?;
    touches.write(conn).await
}

/// Applies a batch's share: the rows of a run of touches are written together (see
/// [`Touches`]); an order, which reads the read model, first has what came before written.
pub(crate) async fn apply_batch(
    conn: &mut AnyConnection,
    events: &[&StoredEvent],
) -> Result<(), StoreError> {
    let mut touches = Touches::default();
    for event in events {
        apply_one(conn, &mut touches, event).await?;
    }
    touches.write(conn).await
}

async fn apply_one(
    conn: &mut AnyConnection,
    touches: &mut Touches,
    event: &StoredEvent,
) -> Result<(), StoreError> {
    let touch = if event.aggregate_type == Order::TYPE {
        touches.write(conn).await?;
        purchase(conn, event).await?.map(|(member, item)| Touch {
            member,
            item,
            change: Change::Purchased,
            comment_id: None,
        })
    } else {
        touch_of(event)?
    };
    if let Some(touch) = touch {
        touches.add(event, touch);
    }
    Ok(())
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

/// A member's row for an item as a run of touches leaves it: counts to add, the last like or
/// unlike, the first completion and purchase, the time of the first and last touch.
#[derive(Debug)]
struct Pair {
    member: String,
    item: String,
    space: String,
    views: i64,
    /// The views' clicks: what the recommendation models weigh a member's interest by.
    clicks: i64,
    shares: i64,
    comments: i64,
    /// `Some(Some(at))`: liked at `at`; `Some(None)`: unliked; `None`: neither.
    like: Option<Option<String>>,
    completed_at: Option<String>,
    purchased_at: Option<String>,
    first_at: String,
    last_at: String,
}

/// The rows a run of touches writes, applied as one by one would: each member's row for an
/// item once, and the activity log in one insert.
#[derive(Debug, Default)]
struct Touches {
    pairs: Vec<Pair>,
    index: HashMap<(String, String), usize>,
    activity: Vec<Vec<Value>>,
}

impl Touches {
    fn add(&mut self, event: &StoredEvent, touch: Touch) {
        let (member, item) = (touch.member.to_string(), touch.item.to_string());
        let at = &event.occurred_at;
        self.activity.push(vec![
            event.position.into(),
            space_of(event).into(),
            member.as_str().into(),
            touch.change.action().into(),
            item.as_str().into(),
            touch.comment_id.into(),
            at.as_str().into(),
        ]);
        let key = (member, item);
        let index = match self.index.get(&key) {
            Some(&index) => index,
            None => {
                self.index.insert(key.clone(), self.pairs.len());
                self.pairs.push(Pair {
                    member: key.0,
                    item: key.1,
                    space: space_of(event),
                    views: 0,
                    clicks: 0,
                    shares: 0,
                    comments: 0,
                    like: None,
                    completed_at: None,
                    purchased_at: None,
                    first_at: at.clone(),
                    last_at: String::new(),
                });
                self.pairs.len() - 1
            }
        };
        let Some(pair) = self.pairs.get_mut(index) else {
            return;
        };
        match touch.change {
            Change::Viewed(clicks) => {
                pair.views += 1;
                pair.clicks += i64::from(clicks);
            }
            Change::Liked => pair.like = Some(Some(at.clone())),
            Change::Unliked => pair.like = Some(None),
            Change::Shared => pair.shares += 1,
            Change::Commented => pair.comments += 1,
            Change::Completed => {
                pair.completed_at.get_or_insert_with(|| at.clone());
            }
            Change::Purchased => {
                pair.purchased_at.get_or_insert_with(|| at.clone());
            }
        }
        pair.last_at.clone_from(at);
    }

    /// Writes what was added and starts over.
    async fn write(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        self.index.clear();
        let (mut liking, mut other) = (Vec::new(), Vec::new());
        for pair in self.pairs.drain(..) {
            let (rows, liked, liked_at) = match pair.like {
                Some(Some(at)) => (&mut liking, 1, Some(at)),
                Some(None) => (&mut liking, 0, None),
                None => (&mut other, 0, None),
            };
            rows.push(vec![
                pair.member.into(),
                pair.item.into(),
                pair.space.into(),
                pair.views.into(),
                Value::Int(liked),
                liked_at.into(),
                pair.shares.into(),
                pair.comments.into(),
                pair.completed_at.into(),
                pair.purchased_at.into(),
                pair.first_at.into(),
                pair.last_at.into(),
                pair.clicks.into(),
            ]);
        }
        bulk::insert(conn, PAIR_HEAD, PAIR_TAIL, &other).await?;
        let tail = format!("{PAIR_TAIL}, liked = excluded.liked, liked_at = excluded.liked_at");
        bulk::insert(conn, PAIR_HEAD, &tail, &liking).await?;
        let activity = std::mem::take(&mut self.activity);
        bulk::insert(conn, ACTIVITY_HEAD, "", &activity).await
    }
}

const PAIR_HEAD: &str = "INSERT INTO rm_interactions (member_id, content_id, space_id, views, \
     liked, liked_at, shares, comments, completed_at, purchased_at, first_at, last_at, clicks)";
const PAIR_TAIL: &str = "ON CONFLICT (member_id, content_id) DO UPDATE SET \
     views = rm_interactions.views + excluded.views, \
     clicks = rm_interactions.clicks + excluded.clicks, \
     shares = rm_interactions.shares + excluded.shares, \
     comments = rm_interactions.comments + excluded.comments, \
     completed_at = COALESCE(rm_interactions.completed_at, excluded.completed_at), \
     purchased_at = COALESCE(rm_interactions.purchased_at, excluded.purchased_at), \
     last_at = excluded.last_at";
const ACTIVITY_HEAD: &str = "INSERT INTO rm_member_activity (position, space_id, member_id, \
     action, content_id, comment_id, occurred_at)";
