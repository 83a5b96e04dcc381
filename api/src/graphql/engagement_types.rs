//! GraphQL types for engagement and moderation, converted from the REST bodies so both
//! surfaces show the same data.

use crate::dto;
use async_graphql::{Enum, ID, SimpleObject};
use uuid::Uuid;

fn id(uuid: Uuid) -> ID {
    ID(uuid.to_string())
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ShareChannel {
    Link,
    Email,
    Social,
    Other,
}

impl From<ShareChannel> for dto::ShareChannelDto {
    fn from(c: ShareChannel) -> Self {
        match c {
            ShareChannel::Link => dto::ShareChannelDto::Link,
            ShareChannel::Email => dto::ShareChannelDto::Email,
            ShareChannel::Social => dto::ShareChannelDto::Social,
            ShareChannel::Other => dto::ShareChannelDto::Other,
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ReportReason {
    Spam,
    Harassment,
    Inappropriate,
    Misinformation,
    Other,
}

impl From<ReportReason> for dto::ReportReasonDto {
    fn from(r: ReportReason) -> Self {
        match r {
            ReportReason::Spam => dto::ReportReasonDto::Spam,
            ReportReason::Harassment => dto::ReportReasonDto::Harassment,
            ReportReason::Inappropriate => dto::ReportReasonDto::Inappropriate,
            ReportReason::Misinformation => dto::ReportReasonDto::Misinformation,
            ReportReason::Other => dto::ReportReasonDto::Other,
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutcome {
    Dismissed,
    Actioned,
}

impl From<ReportOutcome> for dto::ReportOutcomeDto {
    fn from(o: ReportOutcome) -> Self {
        match o {
            ReportOutcome::Dismissed => dto::ReportOutcomeDto::Dismissed,
            ReportOutcome::Actioned => dto::ReportOutcomeDto::Actioned,
        }
    }
}

/// What a view, like, unlike or share did.
#[derive(SimpleObject, Clone)]
pub struct InteractionResult {
    pub content_id: ID,
    pub member_id: ID,
    /// `view`, `like`, `unlike` or `share`.
    pub action: String,
    /// Whether anything was recorded (not for a second view the same day, a like of a liked
    /// item, or an unlike of one not liked).
    pub recorded: bool,
    /// Whether the member likes the item now.
    pub liked: bool,
}

impl From<dto::InteractionResult> for InteractionResult {
    fn from(r: dto::InteractionResult) -> Self {
        Self {
            content_id: id(r.content_id),
            member_id: id(r.member_id),
            action: r.action,
            recorded: r.recorded,
            liked: r.liked,
        }
    }
}

/// An item's engagement counters.
#[derive(SimpleObject, Clone)]
pub struct ItemEngagement {
    pub content_id: ID,
    /// Views, once per member and day.
    pub views: i64,
    pub likes: i64,
    /// Visible comments and replies.
    pub comments: i64,
    pub shares: i64,
    pub completions: i64,
    /// For a member session: whether it likes the item. Null for a key.
    pub liked_by_viewer: Option<bool>,
}

impl From<dto::ItemEngagement> for ItemEngagement {
    fn from(e: dto::ItemEngagement) -> Self {
        Self {
            content_id: id(e.content_id),
            views: e.views,
            likes: e.likes,
            comments: e.comments,
            shares: e.shares,
            completions: e.completions,
            liked_by_viewer: e.liked_by_viewer,
        }
    }
}

/// A comment or reply.
#[derive(SimpleObject, Clone)]
pub struct Comment {
    pub id: ID,
    pub content_id: ID,
    pub parent_id: Option<ID>,
    pub member_id: ID,
    /// Null once erased.
    pub author_name: Option<String>,
    /// Null once deleted, removed or erased.
    pub body: Option<String>,
    pub erased: bool,
    /// `visible`, `hidden`, `removed` or `deleted`.
    pub status: String,
    /// Visible replies.
    pub replies: i64,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub updated_at: String,
    pub moderation_reason: Option<String>,
}

impl From<dto::Comment> for Comment {
    fn from(c: dto::Comment) -> Self {
        Self {
            id: id(c.id),
            content_id: id(c.content_id),
            parent_id: c.parent_id.map(id),
            member_id: id(c.member_id),
            author_name: c.author_name,
            body: c.body,
            erased: c.erased,
            status: c.status,
            replies: c.replies,
            created_at: c.created_at,
            edited_at: c.edited_at,
            updated_at: c.updated_at,
            moderation_reason: c.moderation_reason,
        }
    }
}

/// Where a member stands with the moderators.
#[derive(SimpleObject, Clone)]
pub struct MemberStanding {
    pub member_id: ID,
    pub banned: bool,
    /// Null when not muted.
    pub muted_until: Option<String>,
}

impl From<dto::MemberStanding> for MemberStanding {
    fn from(s: dto::MemberStanding) -> Self {
        Self {
            member_id: id(s.member_id),
            banned: s.banned,
            muted_until: s.muted_until,
        }
    }
}

/// A report in the moderation queue.
#[derive(SimpleObject, Clone)]
pub struct Report {
    pub id: ID,
    pub reporter_id: ID,
    pub content_id: ID,
    pub comment_id: Option<ID>,
    pub reason: String,
    pub details: Option<String>,
    /// `open` or `resolved`.
    pub status: String,
    pub outcome: Option<String>,
    pub note: Option<String>,
    pub resolved_by: Option<String>,
    pub created_at: String,
    pub resolved_at: Option<String>,
}

impl From<dto::Report> for Report {
    fn from(r: dto::Report) -> Self {
        Self {
            id: id(r.id),
            reporter_id: id(r.reporter_id),
            content_id: id(r.content_id),
            comment_id: r.comment_id.map(id),
            reason: r.reason,
            details: r.details,
            status: r.status,
            outcome: r.outcome,
            note: r.note,
            resolved_by: r.resolved_by,
            created_at: r.created_at,
            resolved_at: r.resolved_at,
        }
    }
}

/// A member's progress through a course.
#[derive(SimpleObject, Clone)]
pub struct CourseProgress {
    pub course_id: ID,
    pub member_id: ID,
    pub lesson_ids: Vec<ID>,
    pub completed_lesson_ids: Vec<ID>,
    pub completed: bool,
    pub completed_at: Option<String>,
}

impl From<dto::CourseProgress> for CourseProgress {
    fn from(p: dto::CourseProgress) -> Self {
        Self {
            course_id: id(p.course_id),
            member_id: id(p.member_id),
            lesson_ids: p.lesson_ids.into_iter().map(id).collect(),
            completed_lesson_ids: p.completed_lesson_ids.into_iter().map(id).collect(),
            completed: p.completed,
            completed_at: p.completed_at,
        }
    }
}

/// One thing a member did.
#[derive(SimpleObject, Clone)]
pub struct Activity {
    pub position: i64,
    pub action: String,
    pub content_id: Option<ID>,
    pub comment_id: Option<ID>,
    pub occurred_at: String,
}

impl From<dto::Activity> for Activity {
    fn from(a: dto::Activity) -> Self {
        Self {
            position: a.position,
            action: a.action,
            content_id: a.content_id.map(id),
            comment_id: a.comment_id.map(id),
            occurred_at: a.occurred_at,
        }
    }
}

/// A member's activity features now.
#[derive(SimpleObject, Clone)]
pub struct ActivityFeatures {
    pub member_id: ID,
    pub actions: i64,
    pub active_days: i64,
    pub first_action_at: Option<String>,
    pub last_action_at: Option<String>,
    pub days_since_last_action: Option<i64>,
    pub actions_per_week: f64,
    pub items_viewed: i64,
    pub items_liked: i64,
    pub items_commented: i64,
    pub items_completed: i64,
    pub items_purchased: i64,
}

impl From<dto::ActivityFeatures> for ActivityFeatures {
    fn from(f: dto::ActivityFeatures) -> Self {
        Self {
            member_id: id(f.member_id),
            actions: f.actions,
            active_days: f.active_days,
            first_action_at: f.first_action_at,
            last_action_at: f.last_action_at,
            days_since_last_action: f.days_since_last_action,
            actions_per_week: f.actions_per_week,
            items_viewed: f.items_viewed,
            items_liked: f.items_liked,
            items_commented: f.items_commented,
            items_completed: f.items_completed,
            items_purchased: f.items_purchased,
        }
    }
}

/// A row of the member × item interaction matrix.
#[derive(SimpleObject, Clone)]
pub struct Interaction {
    pub member_id: ID,
    pub content_id: ID,
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

impl From<dto::Interaction> for Interaction {
    fn from(i: dto::Interaction) -> Self {
        Self {
            member_id: id(i.member_id),
            content_id: id(i.content_id),
            views: i.views,
            liked: i.liked,
            liked_at: i.liked_at,
            shares: i.shares,
            comments: i.comments,
            completed_at: i.completed_at,
            purchased_at: i.purchased_at,
            first_at: i.first_at,
            last_at: i.last_at,
        }
    }
}

/// What an engagement or moderation mutation changed, and the global position to pass as
/// `min_position` to reads.
#[derive(SimpleObject)]
#[graphql(concrete(name = "InteractionPayload", params(InteractionResult)))]
#[graphql(concrete(name = "CommentPayload", params(Comment)))]
#[graphql(concrete(name = "MemberStandingPayload", params(MemberStanding)))]
#[graphql(concrete(name = "ReportPayload", params(Report)))]
#[graphql(concrete(name = "CourseProgressPayload", params(CourseProgress)))]
pub struct EngagementPayload<T: async_graphql::OutputType> {
    pub node: T,
    pub position: Option<i64>,
}
