//! The Content aggregate's events: what the log stores for every item.

use super::{Access, ContentKind};
use crate::event::DomainEvent;
use crate::external_id::ExternalId;
use crate::ids::{ContentId, SpaceId, TopicId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ContentEvent {
    ContentDrafted {
        space_id: SpaceId,
        kind: ContentKind,
        title: String,
        body: String,
        excerpt: Option<String>,
        access: Access,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_id: Option<ExternalId>,
    },
    /// A new revision: the fields that changed. The draft is revision 1.
    ContentEdited {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        excerpt: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access: Option<Access>,
        /// The revision this edit makes. 0 in version-1 payloads, written before edits were
        /// numbered: readers count the edits instead, which gives the same number.
        #[serde(default)]
        revision: u32,
    },
    ContentPublished {},
    ContentUnpublished {},
    ContentScheduled {
        publish_at: DateTime<Utc>,
    },
    ContentUnscheduled {},
    ContentArchived {},
    ContentFeatured {},
    ContentUnfeatured {},
    /// A lesson appended to this course.
    LessonAdded {
        lesson_id: ContentId,
    },
    LessonRemoved {
        lesson_id: ContentId,
    },
    /// This course's lessons, all of them, in their new order.
    LessonsReordered {
        lesson_ids: Vec<ContentId>,
    },
    /// An article appended to this column.
    ArticleAddedToColumn {
        article_id: ContentId,
    },
    ArticleRemovedFromColumn {
        article_id: ContentId,
    },
    /// This column's articles, all of them, in their new order.
    ColumnArticlesReordered {
        article_ids: Vec<ContentId>,
    },
    /// The item's tags and topics now (replacing the previous ones).
    ContentTagged {
        tags: Vec<String>,
        topic_ids: Vec<TopicId>,
    },
}

impl DomainEvent for ContentEvent {
    fn event_type(&self) -> &'static str {
        match self {
            ContentEvent::ContentDrafted { .. } => "ContentDrafted",
            ContentEvent::ContentEdited { .. } => "ContentEdited",
            ContentEvent::ContentPublished {} => "ContentPublished",
            ContentEvent::ContentUnpublished {} => "ContentUnpublished",
            ContentEvent::ContentScheduled { .. } => "ContentScheduled",
            ContentEvent::ContentUnscheduled {} => "ContentUnscheduled",
            ContentEvent::ContentArchived {} => "ContentArchived",
            ContentEvent::ContentFeatured {} => "ContentFeatured",
            ContentEvent::ContentUnfeatured {} => "ContentUnfeatured",
            ContentEvent::LessonAdded { .. } => "LessonAdded",
            ContentEvent::LessonRemoved { .. } => "LessonRemoved",
            ContentEvent::LessonsReordered { .. } => "LessonsReordered",
            ContentEvent::ArticleAddedToColumn { .. } => "ArticleAddedToColumn",
            ContentEvent::ArticleRemovedFromColumn { .. } => "ArticleRemovedFromColumn",
            ContentEvent::ColumnArticlesReordered { .. } => "ColumnArticlesReordered",
            ContentEvent::ContentTagged { .. } => "ContentTagged",
        }
    }

    fn event_version(&self) -> i32 {
        match self {
            // Version 2 numbers the revision.
            ContentEvent::ContentEdited { .. } => 2,
            _ => 1,
        }
    }

    fn upcast(event_type: &str, version: i32, mut payload: Value) -> Value {
        if event_type == "ContentEdited"
            && version < 2
            && let Some(fields) = payload.as_object_mut()
        {
            fields.entry("revision").or_insert(Value::from(0));
        }
        payload
    }
}

impl ContentEvent {
    /// For a part event, the part it adds, removes or orders, whichever the container's kind.
    pub fn parts(&self) -> Option<PartChange<'_>> {
        match self {
            ContentEvent::LessonAdded { lesson_id: id }
            | ContentEvent::ArticleAddedToColumn { article_id: id } => Some(PartChange::Added(*id)),
            ContentEvent::LessonRemoved { lesson_id: id }
            | ContentEvent::ArticleRemovedFromColumn { article_id: id } => {
                Some(PartChange::Removed(*id))
            }
            ContentEvent::LessonsReordered { lesson_ids: ids }
            | ContentEvent::ColumnArticlesReordered { article_ids: ids } => {
                Some(PartChange::Reordered(ids))
            }
            _ => None,
        }
    }
}

/// A change to a course's lessons or a column's articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartChange<'a> {
    Added(ContentId),
    Removed(ContentId),
    Reordered(&'a [ContentId]),
}
