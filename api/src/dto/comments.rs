//! Bodies for comments and replies.

use super::ids;
use super::rules::{FieldRule, Rule, on};
use async_graphql::{ID, SimpleObject};
use lyceum_projections::engagement::queries::CommentRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "This changed how I plan my mornings.",
    "parent_id": null}))]
pub struct CreateComment {
    /// 1 to 5000 characters. Personal data: sealed with the author's key.
    pub body: String,
    /// The comment this replies to, on the same item.
    pub parent_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "This changed how I plan my mornings and evenings."}))]
pub struct EditComment {
    /// 1 to 5000 characters.
    pub body: String,
}

/// A moderator's optional reason, kept with the action.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Off topic"}))]
pub struct Moderation {
    /// At most 500 characters.
    pub reason: Option<String>,
}

/// A comment or reply.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq, Eq)]
#[schema(example = json!({"id": "0192f0c4-9b7c-7d88-c364-b0c1d2e3f4a5",
    "content_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d", "parent_id": null,
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "author_name": "Ada",
    "body": "This changed how I plan my mornings.", "erased": false, "status": "visible",
    "replies": 2, "created_at": "2026-11-21T08:00:00.000000Z", "edited_at": null,
    "updated_at": "2026-11-21T08:00:00.000000Z", "moderation_reason": null}))]
pub struct Comment {
    #[graphql(skip, derived(owned, name = "id", into = "ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "content_id", into = "ID"))]
    pub content_id: Uuid,
    #[graphql(
        skip,
        derived(owned, name = "parent_id", into = "Option<ID>", with = "ids::opt")
    )]
    pub parent_id: Option<Uuid>,
    #[graphql(skip, derived(owned, name = "member_id", into = "ID"))]
    pub member_id: Uuid,
    /// The author's display name; null once erased.
    pub author_name: Option<String>,
    /// Null once the comment was deleted or removed, or its author's personal data erased.
    pub body: Option<String>,
    /// The author's personal data was erased: the body can no longer be read.
    pub erased: bool,
    /// `visible`, `hidden` (seen only by its author and the creator), `removed` or `deleted`.
    pub status: String,
    /// Visible replies.
    pub replies: i64,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub updated_at: String,
    /// A moderator's reason for hiding or removing it.
    pub moderation_reason: Option<String>,
}

impl From<CommentRow> for Comment {
    fn from(row: CommentRow) -> Self {
        Self {
            id: row.id,
            content_id: row.content_id,
            parent_id: row.parent_id,
            member_id: row.member_id,
            author_name: row.author_name,
            body: row.body,
            erased: row.erased,
            status: row.status,
            replies: row.replies,
            created_at: row.created_at,
            edited_at: row.edited_at,
            updated_at: row.updated_at,
            moderation_reason: row.moderation_reason,
        }
    }
}

/// Which level of a thread to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    /// List the replies to this comment; without it, the top-level comments.
    pub parent_id: Option<String>,
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::engagement::MAX_REASON;
    use lyceum_domain::engagement::comment::MAX_COMMENT;
    vec![
        on::<CreateComment>("body", Rule::Text(MAX_COMMENT)),
        on::<EditComment>("body", Rule::Text(MAX_COMMENT)),
        on::<Moderation>("reason", Rule::BlankOr(MAX_REASON)),
    ]
}
