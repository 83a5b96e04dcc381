//! Content: the Content aggregate (a post, article, course, lesson or column, from draft through
//! publication, with its revisions, schedule, lessons, tags and topics), and the aggregates
//! around it: questions and their answers, and the topics of a space's knowledge graph.

mod access;
mod decide;
mod event;
pub mod question;
pub mod topic;

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Content {
    const NOUN: &'static str = "content";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|c| c.space_id)
    }
}

#[cfg(test)]
mod tests;

pub use access::{Access, Reader};
pub use event::{ContentEvent, PartChange};

use crate::external_id::ExternalId;
use crate::ids::{ContentId, SpaceId, TopicId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Post,
    Article,
    Course,
    Lesson,
    /// A series of articles.
    Column,
}

impl ContentKind {
    /// The kind of the parts this kind holds in order: lessons for a course, articles for a
    /// column, nothing for the others.
    pub fn part_kind(self) -> Option<ContentKind> {
        match self {
            ContentKind::Course => Some(ContentKind::Lesson),
            ContentKind::Column => Some(ContentKind::Article),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentStatus {
    Draft,
    Published,
    Unpublished,
    /// Retired for good: it leaves the catalog and takes no more changes.
    Archived,
}

impl ContentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentStatus::Draft => "draft",
            ContentStatus::Published => "published",
            ContentStatus::Unpublished => "unpublished",
            ContentStatus::Archived => "archived",
        }
    }
}

/// The most characters a title may have.
pub const MAX_TITLE: usize = 200;
/// The most characters an excerpt may have.
pub const MAX_EXCERPT: usize = 1000;
/// The most lessons a course (or articles a column) may hold.
pub const MAX_PARTS: usize = 500;
/// The most tags (and, separately, topics) an item may carry.
pub const MAX_TAGS: usize = 20;
/// The most characters a tag may have.
pub const MAX_TAG: usize = 40;

/// A draft's text, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: Access,
}

/// A lesson or article the caller looked up before adding it to a course or column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartRef {
    pub id: ContentId,
    pub space_id: SpaceId,
    pub kind: ContentKind,
    /// Whether it already belongs to another course or column (an item has at most one).
    pub elsewhere: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ContentCommand {
    Create {
        space_id: SpaceId,
        kind: ContentKind,
        draft: Draft,
        /// What the item is in the creator's other system, for imports and migrations.
        external_id: Option<ExternalId>,
    },
    Edit {
        title: Option<String>,
        body: Option<String>,
        excerpt: Option<String>,
        /// Tier ids the caller has checked exist in this space.
        access: Option<Access>,
    },
    Publish,
    Unpublish,
    /// Publish at `publish_at`, which must be after `now`.
    Schedule {
        publish_at: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    Unschedule,
    /// What the scheduled publisher issues: publishes only if a publication is due at `now`.
    PublishDue {
        now: DateTime<Utc>,
    },
    Archive,
    Feature,
    Unfeature,
    /// Appends a lesson to a course, or an article to a column.
    AddPart {
        part: PartRef,
    },
    RemovePart {
        part_id: ContentId,
    },
    /// The same parts in a new order.
    ReorderParts {
        part_ids: Vec<ContentId>,
    },
    /// Replaces the tags and topics. Topic ids the caller has checked exist in this space.
    Tag {
        tags: Vec<String>,
        topic_ids: Vec<TopicId>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Content {
    pub state: Option<ContentState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ContentState {
    pub space_id: SpaceId,
    pub kind: ContentKind,
    pub status: ContentStatus,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: Access,
    /// 1 for the draft, one more for every edit.
    pub revision: u32,
    /// When the scheduled publisher will publish it.
    pub scheduled_for: Option<DateTime<Utc>>,
    pub featured: bool,
    /// A course's lessons or a column's articles, in order.
    pub parts: Vec<ContentId>,
    pub tags: Vec<String>,
    pub topic_ids: Vec<TopicId>,
}
