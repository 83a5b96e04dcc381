//! Bodies for a member's activity and the training features.

use super::ids;
use async_graphql::{ID, SimpleObject};
use lyceum_projections::interactions::queries::{
    ActivityRow, InteractionRow, MemberFeatures, cursor,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One thing a member did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq, Eq)]
#[schema(example = json!({"position": 4242, "action": "commented",
    "content_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d",
    "comment_id": "0192f0c4-9b7c-7d88-c364-b0c1d2e3f4a5",
    "occurred_at": "2026-11-21T08:00:00.000000Z"}))]
pub struct Activity {
    /// The event's global position.
    pub position: i64,
    /// `viewed`, `liked`, `unliked`, `shared`, `commented`, `completed` or `purchased`.
    pub action: String,
    #[graphql(
        skip,
        derived(owned, name = "content_id", into = "Option<ID>", with = "ids::opt")
    )]
    pub content_id: Option<Uuid>,
    #[graphql(
        skip,
        derived(owned, name = "comment_id", into = "Option<ID>", with = "ids::opt")
    )]
    pub comment_id: Option<Uuid>,
    pub occurred_at: String,
}

impl From<ActivityRow> for Activity {
    fn from(row: ActivityRow) -> Self {
        Self {
            position: row.position,
            action: row.action,
            content_id: row.content_id,
            comment_id: row.comment_id,
            occurred_at: row.occurred_at,
        }
    }
}

/// What one member did with one item: a row of the interaction matrix.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq, Eq)]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
    "content_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d", "views": 3, "liked": true,
    "liked_at": "2026-11-21T08:00:00.000000Z", "shares": 1, "comments": 2,
    "completed_at": null, "purchased_at": null, "first_at": "2026-11-19T08:00:00.000000Z",
    "last_at": "2026-11-21T08:00:00.000000Z"}))]
pub struct Interaction {
    #[graphql(skip, derived(owned, name = "member_id", into = "ID"))]
    pub member_id: Uuid,
    #[graphql(skip, derived(owned, name = "content_id", into = "ID"))]
    pub content_id: Uuid,
    /// Days the member viewed it.
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

impl Interaction {
    /// Its cursor in the interaction matrix.
    pub fn cursor(&self) -> String {
        cursor(self.member_id, self.content_id)
    }
}

impl From<InteractionRow> for Interaction {
    fn from(row: InteractionRow) -> Self {
        Self {
            member_id: row.member_id,
            content_id: row.content_id,
            views: row.views,
            liked: row.liked,
            liked_at: row.liked_at,
            shares: row.shares,
            comments: row.comments,
            completed_at: row.completed_at,
            purchased_at: row.purchased_at,
            first_at: row.first_at,
            last_at: row.last_at,
        }
    }
}

/// A member's activity features now: inputs for churn and recommendation models.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
    "actions": 57, "active_days": 12, "first_action_at": "2026-10-02T08:00:00.000000Z",
    "last_action_at": "2026-11-19T08:00:00.000000Z", "days_since_last_action": 2,
    "actions_per_week": 6.5, "items_viewed": 20, "items_liked": 7, "items_commented": 3,
    "items_completed": 4, "items_purchased": 1}))]
pub struct ActivityFeatures {
    #[graphql(skip, derived(owned, name = "member_id", into = "ID"))]
    pub member_id: Uuid,
    pub actions: i64,
    /// Distinct UTC days with an action.
    pub active_days: i64,
    pub first_action_at: Option<String>,
    pub last_action_at: Option<String>,
    /// Whole days since the last action; null without any.
    pub days_since_last_action: Option<i64>,
    /// Actions in the last 28 days, per week.
    pub actions_per_week: f64,
    pub items_viewed: i64,
    pub items_liked: i64,
    pub items_commented: i64,
    pub items_completed: i64,
    pub items_purchased: i64,
}

impl ActivityFeatures {
    pub fn new(member_id: Uuid, f: MemberFeatures) -> Self {
        Self {
            member_id,
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

/// Filters for the interaction matrix.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InteractionQuery {
    /// Only this member's interactions.
    pub member_id: Option<String>,
}
