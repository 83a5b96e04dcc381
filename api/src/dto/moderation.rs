//! Bodies for moderating members and for reports.

use super::ids;
use super::rules::{FieldRule, Rule, on};
use async_graphql::{Enum, ID, SimpleObject};
use lyceum_domain::engagement::report::{ReportOutcome, ReportReason};
use lyceum_projections::engagement::queries::ReportRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"minutes": 1440, "reason": "Repeated spam in the comments"}))]
pub struct MuteMember {
    /// How long the member may not post: 1 minute to 365 days.
    pub minutes: u32,
    /// At most 500 characters.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Harassment of other members"}))]
pub struct BanMember {
    /// At most 500 characters.
    pub reason: Option<String>,
}

/// Where a member stands with the moderators.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq, Eq)]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
    "banned": false, "muted_until": "2026-11-22T08:00:00Z"}))]
pub struct MemberStanding {
    #[graphql(skip, derived(owned, name = "member_id", into = "ID"))]
    pub member_id: Uuid,
    /// A banned member's sessions were revoked and their access ended.
    pub banned: bool,
    /// Until when the member may not post; null when not muted.
    pub muted_until: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Enum, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "ReportReason")]
pub enum ReportReasonDto {
    Spam,
    Harassment,
    Inappropriate,
    Misinformation,
    Other,
}

impl From<ReportReasonDto> for ReportReason {
    fn from(dto: ReportReasonDto) -> Self {
        match dto {
            ReportReasonDto::Spam => ReportReason::Spam,
            ReportReasonDto::Harassment => ReportReason::Harassment,
            ReportReasonDto::Inappropriate => ReportReason::Inappropriate,
            ReportReasonDto::Misinformation => ReportReason::Misinformation,
            ReportReasonDto::Other => ReportReason::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Enum, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "ReportOutcome")]
pub enum ReportOutcomeDto {
    /// Nothing needed doing.
    Dismissed,
    /// The moderator acted on it.
    Actioned,
}

impl From<ReportOutcomeDto> for ReportOutcome {
    fn from(dto: ReportOutcomeDto) -> Self {
        match dto {
            ReportOutcomeDto::Dismissed => ReportOutcome::Dismissed,
            ReportOutcomeDto::Actioned => ReportOutcome::Actioned,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d",
    "comment_id": "0192f0c4-9b7c-7d88-c364-b0c1d2e3f4a5", "reason": "spam",
    "details": "Links to a casino in every reply"}))]
pub struct CreateReport {
    /// The item reported, or the item the reported comment is on.
    pub content_id: Uuid,
    /// The comment reported, if it is a comment.
    pub comment_id: Option<Uuid>,
    pub reason: ReportReasonDto,
    /// At most 1000 characters. Personal data: sealed with the reporter's key.
    pub details: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "actioned", "note": "Comment removed, member muted"}))]
pub struct ResolveReport {
    pub outcome: ReportOutcomeDto,
    /// At most 500 characters.
    pub note: Option<String>,
}

/// A report in the moderation queue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq, Eq)]
#[schema(example = json!({"id": "0192f0c4-ac8d-7e99-d475-c1d2e3f4a5b6",
    "reporter_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
    "content_id": "0192f0c4-7a5e-7b66-a142-9e0f1a2b3c4d",
    "comment_id": "0192f0c4-9b7c-7d88-c364-b0c1d2e3f4a5", "reason": "spam",
    "details": "Links to a casino in every reply", "status": "open", "outcome": null,
    "note": null, "resolved_by": null, "created_at": "2026-11-21T08:00:00.000000Z",
    "resolved_at": null}))]
pub struct Report {
    #[graphql(skip, derived(owned, name = "id", into = "ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "reporter_id", into = "ID"))]
    pub reporter_id: Uuid,
    #[graphql(skip, derived(owned, name = "content_id", into = "ID"))]
    pub content_id: Uuid,
    #[graphql(
        skip,
        derived(owned, name = "comment_id", into = "Option<ID>", with = "ids::opt")
    )]
    pub comment_id: Option<Uuid>,
    /// `spam`, `harassment`, `inappropriate`, `misinformation` or `other`.
    pub reason: String,
    /// Null when none were given, or once the reporter's personal data was erased.
    pub details: Option<String>,
    /// `open` or `resolved`.
    pub status: String,
    /// `dismissed` or `actioned`, once resolved.
    pub outcome: Option<String>,
    pub note: Option<String>,
    /// The actor who resolved it (`key:<id>`).
    pub resolved_by: Option<String>,
    pub created_at: String,
    pub resolved_at: Option<String>,
}

impl From<ReportRow> for Report {
    fn from(row: ReportRow) -> Self {
        Self {
            id: row.id,
            reporter_id: row.reporter_id,
            content_id: row.content_id,
            comment_id: row.comment_id,
            reason: row.reason,
            details: row.details,
            status: row.status,
            outcome: row.outcome,
            note: row.note,
            resolved_by: row.resolved_by,
            created_at: row.created_at,
            resolved_at: row.resolved_at,
        }
    }
}

/// Filters for the report queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Only reports in this status: `open` or `resolved`.
    pub status: Option<String>,
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::engagement::MAX_REASON;
    use lyceum_domain::engagement::report::MAX_DETAILS;
    use lyceum_domain::membership::member::MAX_MUTE_MINUTES;
    vec![
        on::<MuteMember>("minutes", Rule::Range(1, MAX_MUTE_MINUTES.into())),
        on::<MuteMember>("reason", Rule::BlankOr(MAX_REASON)),
        on::<BanMember>("reason", Rule::BlankOr(MAX_REASON)),
        on::<CreateReport>("details", Rule::BlankOr(MAX_DETAILS)),
        on::<ResolveReport>("note", Rule::BlankOr(MAX_REASON)),
    ]
}
