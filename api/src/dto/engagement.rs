//! Bodies for members' engagement with an item: views, likes, shares, counters and course
//! progress.

use super::ids;
use async_graphql::{Enum, ID, SimpleObject};
use lyceum_domain::engagement::interaction::ShareChannel;
use lyceum_projections::engagement::queries::{CourseProgressRow, ItemStats};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Where an item was shared.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Enum, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "ShareChannel")]
pub enum ShareChannelDto {
    Link,
    Email,
    Social,
    Other,
}

impl From<ShareChannelDto> for ShareChannel {
    fn from(dto: ShareChannelDto) -> Self {
        match dto {
            ShareChannelDto::Link => ShareChannel::Link,
            ShareChannelDto::Email => ShareChannel::Email,
            ShareChannelDto::Social => ShareChannel::Social,
            ShareChannelDto::Other => ShareChannel::Other,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"channel": "link"}))]
pub struct ShareItem {
    pub channel: ShareChannelDto,
}

/// What a view, like, unlike or share did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq, Eq)]
#[schema(example = json!({"content_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d",
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "action": "view", "recorded": true,
    "liked": false}))]
pub struct InteractionResult {
    #[graphql(skip, derived(owned, name = "content_id", into = "ID"))]
    pub content_id: Uuid,
    #[graphql(skip, derived(owned, name = "member_id", into = "ID"))]
    pub member_id: Uuid,
    /// `view`, `like`, `unlike` or `share`.
    pub action: String,
    /// Whether this request recorded anything: false for a second view on the same day, a like
    /// of an item already liked, or an unlike of one that was not.
    pub recorded: bool,
    /// Whether the member likes the item now.
    pub liked: bool,
}

/// An item's engagement counters, as the read model has them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq, Eq)]
#[schema(example = json!({"content_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d", "views": 42,
    "likes": 7, "comments": 3, "shares": 2, "completions": 0, "liked_by_viewer": true}))]
pub struct ItemEngagement {
    #[graphql(skip, derived(owned, name = "content_id", into = "ID"))]
    pub content_id: Uuid,
    /// Views, counted once per member and day.
    pub views: i64,
    /// Members who like it now.
    pub likes: i64,
    /// Visible comments and replies.
    pub comments: i64,
    pub shares: i64,
    /// Members who completed it (a lesson or a course).
    pub completions: i64,
    /// For a member session: whether this member likes it. Null for a key.
    pub liked_by_viewer: Option<bool>,
}

impl ItemEngagement {
    pub fn new(content_id: Uuid, stats: ItemStats, liked_by_viewer: Option<bool>) -> Self {
        Self {
            content_id,
            views: stats.views,
            likes: stats.likes,
            comments: stats.comments,
            shares: stats.shares,
            completions: stats.completions,
            liked_by_viewer,
        }
    }
}

/// A member's progress through a course.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq, Eq)]
#[schema(example = json!({"course_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d",
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
    "lesson_ids": ["0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4e", "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4f"],
    "completed_lesson_ids": ["0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4e"], "completed": false,
    "completed_at": null}))]
pub struct CourseProgress {
    #[graphql(skip, derived(owned, name = "course_id", into = "ID"))]
    pub course_id: Uuid,
    #[graphql(skip, derived(owned, name = "member_id", into = "ID"))]
    pub member_id: Uuid,
    /// The course's lessons, in order.
    #[graphql(
        skip,
        derived(owned, name = "lesson_ids", into = "Vec<ID>", with = "ids::list")
    )]
    pub lesson_ids: Vec<Uuid>,
    /// The lessons this member completed.
    #[graphql(
        skip,
        derived(
            owned,
            name = "completed_lesson_ids",
            into = "Vec<ID>",
            with = "ids::list"
        )
    )]
    pub completed_lesson_ids: Vec<Uuid>,
    /// Whether the member completed the whole course.
    pub completed: bool,
    /// When, as the read model has it (null right after the completing write, until it
    /// catches up).
    pub completed_at: Option<String>,
}

impl CourseProgress {
    pub fn from_row(course_id: Uuid, member_id: Uuid, row: CourseProgressRow) -> Self {
        Self {
            course_id,
            member_id,
            lesson_ids: row.lesson_ids,
            completed_lesson_ids: row.completed_lesson_ids,
            completed: row.completed_at.is_some(),
            completed_at: row.completed_at,
        }
    }
}
