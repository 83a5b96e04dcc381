//! Request and response bodies for content: items, their access policies, schedules, parts,
//! tags and revisions.

use super::ids;
use super::rules::{FieldRule, Format, Rule, on};
use async_graphql::{Enum, ID, SimpleObject};
use lyceum_domain::content::Access;
use lyceum_domain::ids::TierId;
use lyceum_projections::content::queries::{ContentRow, RevisionRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

/// What an item is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Enum, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "ContentKind")]
pub enum ContentKindDto {
    Post,
    Article,
    /// Holds lessons, in order.
    Course,
    Lesson,
    /// A series of articles, in order.
    Column,
}

/// Who may read an item's body.
// Variants without fields are empty structs, not unit variants: serde lets a unit variant of an
// internally tagged enum ignore unknown fields, a struct variant refuses them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum AccessDto {
    /// Anyone.
    Public {},
    /// Any member of the space.
    Members {},
    /// Members of any of these tiers.
    Tiers { tier_ids: Vec<Uuid> },
    /// Members who bought the item, at this price in minor units of the space's currency.
    Purchase { price_minor: i64 },
}

impl From<AccessDto> for Access {
    fn from(dto: AccessDto) -> Self {
        match dto {
            AccessDto::Public {} => Access::Public,
            AccessDto::Members {} => Access::Members,
            AccessDto::Tiers { tier_ids } => Access::Tiers {
                tier_ids: tier_ids.into_iter().map(TierId).collect(),
            },
            AccessDto::Purchase { price_minor } => Access::Purchase { price_minor },
        }
    }
}

impl From<Access> for AccessDto {
    fn from(access: Access) -> Self {
        match access {
            Access::Public => AccessDto::Public {},
            Access::Members => AccessDto::Members {},
            Access::Tiers { tier_ids } => AccessDto::Tiers {
                tier_ids: tier_ids.into_iter().map(|t| t.0).collect(),
            },
            Access::Purchase { price_minor } => AccessDto::Purchase { price_minor },
        }
    }
}

/// Where an item is in its life. REST names it as the read model does (`draft`, `published`,
/// `unpublished`, `archived`): see [`ContentStatus::as_str`].
#[derive(Debug, Clone, Copy, Enum, PartialEq, Eq)]
pub enum ContentStatus {
    Draft,
    Published,
    Unpublished,
    Archived,
}

impl ContentStatus {
    /// The read model's and REST's name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentStatus::Draft => "draft",
            ContentStatus::Published => "published",
            ContentStatus::Unpublished => "unpublished",
            ContentStatus::Archived => "archived",
        }
    }

    /// The status the read model names `status`; a draft if it names none of them.
    pub fn named(status: String) -> Self {
        match status.as_str() {
            "published" => ContentStatus::Published,
            "unpublished" => ContentStatus::Unpublished,
            "archived" => ContentStatus::Archived,
            _ => ContentStatus::Draft,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "post", "title": "Welcome", "body": "The whole post, for members.",
    "excerpt": "The first lines, for everyone.", "access": {"policy": "members"}
}))]
pub struct CreateContent {
    pub kind: ContentKindDto,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: AccessDto,
    /// What the item is in your other system (1-200 visible ASCII characters), unique in the
    /// space: an import or a migration finds the item by it (`GET …/content?external_id=`).
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Welcome, everyone", "access": {"policy": "public"}}))]
pub struct EditContent {
    pub title: Option<String>,
    pub body: Option<String>,
    pub excerpt: Option<String>,
    pub access: Option<AccessDto>,
}

/// A post, article, course, lesson or column.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[schema(example = json!({
    "id": "0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
    "kind": "lesson", "title": "Welcome", "body": "The whole lesson, for members.",
    "excerpt": "The first lines, for everyone.", "access": {"policy": "members"},
    "status": "published", "created_at": "2026-11-21T08:04:00.000000Z",
    "updated_at": "2026-11-21T08:05:00.000000Z", "published_at": "2026-11-21T08:05:00.000000Z",
    "locked": false, "unlock_tier_ids": [], "unlock_price_minor": null, "revision": 2,
    "scheduled_for": null, "featured": true, "parent_id": "0192f0c4-7f5e-7a66-a142-9e0f1a2b3c4d",
    "tags": ["focus"], "topic_ids": ["0192f0c4-9a7b-7c88-b364-1a2b3c4d5e6f"]
}))]
#[graphql(complex)]
pub struct ContentItem {
    #[graphql(skip, derived(owned, name = "id", into = "ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "space_id", into = "ID"))]
    pub space_id: Uuid,
    pub kind: ContentKindDto,
    pub title: String,
    /// The whole text; null when the reader may not read it (`locked`).
    pub body: Option<String>,
    pub excerpt: Option<String>,
    #[graphql(skip, derived(owned, name = "access", into = "AccessView"))]
    pub access: AccessDto,
    /// `draft`, `published`, `unpublished` or `archived`.
    #[graphql(
        skip,
        derived(
            owned,
            name = "status",
            into = "ContentStatus",
            with = "ContentStatus::named"
        )
    )]
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
    /// True when a member reads an item their access does not cover: the body is left out,
    /// the excerpt stays.
    pub locked: bool,
    /// When locked: the tiers any of which would unlock it (its own policy's, and those of the
    /// course or column it belongs to). Empty when joining the space as a member is enough, or
    /// when the item is sold.
    #[graphql(
        skip,
        derived(owned, name = "unlock_tier_ids", into = "Vec<ID>", with = "ids::list")
    )]
    pub unlock_tier_ids: Vec<Uuid>,
    /// When locked and sold: the price that unlocks it; for a part of a course or column that is
    /// sold, the container's price (buy the container).
    pub unlock_price_minor: Option<i64>,
    /// 1 for the draft, one more for every edit (see the revisions).
    pub revision: i64,
    /// When the item will be published, if it is scheduled.
    pub scheduled_for: Option<String>,
    /// Set by the creator to pick items out (a digest, a front page).
    pub featured: bool,
    /// The course (for a lesson) or column (for an article) this item belongs to. Whoever that
    /// container's policy admits may read this item too.
    #[graphql(
        skip,
        derived(owned, name = "parent_id", into = "Option<ID>", with = "ids::opt")
    )]
    pub parent_id: Option<Uuid>,
    pub tags: Vec<String>,
    #[graphql(
        skip,
        derived(owned, name = "topic_ids", into = "Vec<ID>", with = "ids::list")
    )]
    pub topic_ids: Vec<Uuid>,
    /// What the item is in the creator's other system, if it was given one.
    pub external_id: Option<String>,
}

impl ContentItem {
    /// The view of a reader who may not read the body: the body never leaves the server.
    /// `parent` is the access policy of the course or column the item belongs to.
    pub fn lock(mut self, access: &Access, parent: Option<&Access>) -> Self {
        self.body = None;
        self.locked = true;
        let mut tiers: Vec<Uuid> = access.unlocking_tiers().iter().map(|t| t.0).collect();
        for tier in parent.map(Access::unlocking_tiers).unwrap_or_default() {
            if !tiers.contains(&tier.0) {
                tiers.push(tier.0);
            }
        }
        self.unlock_tier_ids = tiers;
        self.unlock_price_minor = access
            .price_minor()
            .or_else(|| parent.and_then(Access::price_minor));
        self
    }
}

impl From<ContentRow> for ContentItem {
    fn from(row: ContentRow) -> Self {
        Self {
            id: row.id,
            space_id: row.space_id,
            kind: serde_json::from_value(json!(row.kind)).unwrap_or(ContentKindDto::Post),
            title: row.title,
            body: Some(row.body),
            excerpt: row.excerpt,
            access: serde_json::from_value::<Access>(row.access)
                .map(AccessDto::from)
                .unwrap_or(AccessDto::Members {}),
            status: row.status,
            created_at: row.created_at,
            updated_at: row.updated_at,
            published_at: row.published_at,
            locked: false,
            unlock_tier_ids: Vec::new(),
            unlock_price_minor: None,
            revision: row.revision,
            scheduled_for: row.scheduled_for,
            featured: row.featured,
            parent_id: row.parent_id,
            tags: row.tags,
            topic_ids: row.topic_ids,
            external_id: row.external_id,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"publish_at": "2026-12-01T09:00:00Z"}))]
pub struct ScheduleContent {
    /// RFC 3339; must be in the future.
    pub publish_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"part_id": "0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d"}))]
pub struct AddPart {
    /// A lesson (for a course) or an article (for a column) of the same space, in no other
    /// course or column.
    pub part_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"part_ids": ["0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d", "0192f0c4-7f5e-7a66-a142-9e0f1a2b3c4d"]}))]
pub struct ReorderParts {
    /// Every part of the item, once each, in the new order.
    pub part_ids: Vec<Uuid>,
}

/// A course's lessons or a column's articles, in order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[schema(example = json!({"content_id": "0192f0c4-7f5e-7a66-a142-9e0f1a2b3c4d",
    "part_ids": ["0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d"]}))]
pub struct ContentParts {
    #[graphql(skip, derived(owned, name = "content_id", into = "ID"))]
    pub content_id: Uuid,
    #[graphql(
        skip,
        derived(owned, name = "part_ids", into = "Vec<ID>", with = "ids::list")
    )]
    pub part_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tags": ["focus", "habits"], "topic_ids": ["0192f0c4-9a7b-7c88-b364-1a2b3c4d5e6f"]}))]
pub struct TagContent {
    /// Free-form tags (trimmed, lower-cased), at most 20 of at most 40 characters.
    pub tags: Vec<String>,
    /// Topics of this space, at most 20.
    pub topic_ids: Vec<Uuid>,
}

/// One revision of an item's text, as it was after that edit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[schema(example = json!({"content_id": "0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d", "revision": 2,
    "title": "Welcome", "body": "The whole post, revised.", "excerpt": "The first lines.",
    "access": {"policy": "members"}, "actor": "key:0192f0c4-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
    "recorded_at": "2026-11-21T08:05:00.000000Z"}))]
pub struct Revision {
    #[graphql(skip, derived(owned, name = "content_id", into = "ID"))]
    pub content_id: Uuid,
    pub revision: i64,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    #[graphql(skip, derived(owned, name = "access", into = "AccessView"))]
    pub access: AccessDto,
    /// Who made it: `key:<id>` or `member:<id>`.
    pub actor: String,
    pub recorded_at: String,
}

impl From<RevisionRow> for Revision {
    fn from(row: RevisionRow) -> Self {
        Self {
            content_id: row.content_id,
            revision: row.revision,
            title: row.title,
            body: row.body,
            excerpt: row.excerpt,
            access: serde_json::from_value::<Access>(row.access)
                .map(AccessDto::from)
                .unwrap_or(AccessDto::Members {}),
            actor: row.actor,
            recorded_at: row.recorded_at,
        }
    }
}

/// The name of an item's access policy, for GraphQL (REST names it in `AccessDto`'s tag).
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum AccessPolicy {
    Public,
    Members,
    Tiers,
    Purchase,
}

/// Who may read an item's body.
#[derive(async_graphql::SimpleObject, Clone)]
#[graphql(name = "Access")]
pub struct AccessView {
    pub policy: AccessPolicy,
    /// The tiers, for the `TIERS` policy.
    pub tier_ids: Vec<async_graphql::ID>,
    /// The price in minor units, for the `PURCHASE` policy.
    pub price_minor: Option<i64>,
}

impl From<AccessDto> for AccessView {
    fn from(a: AccessDto) -> Self {
        match a {
            AccessDto::Public {} => Self {
                policy: AccessPolicy::Public,
                tier_ids: vec![],
                price_minor: None,
            },
            AccessDto::Members {} => Self {
                policy: AccessPolicy::Members,
                tier_ids: vec![],
                price_minor: None,
            },
            AccessDto::Tiers { tier_ids } => Self {
                policy: AccessPolicy::Tiers,
                tier_ids: tier_ids
                    .iter()
                    .map(|t| async_graphql::ID(t.to_string()))
                    .collect(),
                price_minor: None,
            },
            AccessDto::Purchase { price_minor } => Self {
                policy: AccessPolicy::Purchase,
                tier_ids: vec![],
                price_minor: Some(price_minor),
            },
        }
    }
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::content::{MAX_EXCERPT, MAX_PARTS, MAX_TAG, MAX_TAGS, MAX_TITLE};
    vec![
        on::<CreateContent>("title", Rule::Text(MAX_TITLE)),
        on::<CreateContent>("excerpt", Rule::BlankOr(MAX_EXCERPT)),
        on::<CreateContent>("external_id", Rule::Pattern(super::patterns::external_id())),
        on::<EditContent>("title", Rule::Text(MAX_TITLE)),
        on::<EditContent>("excerpt", Rule::BlankOr(MAX_EXCERPT)),
        on::<AccessDto>(
            "tier_ids",
            Rule::Items {
                min: 1,
                max: None,
                unique: false,
            },
        ),
        on::<AccessDto>("price_minor", Rule::AtLeast(1)),
        on::<ScheduleContent>("publish_at", Rule::Format(Format::DateTime)),
        // Every part once: a permutation of the item's parts.
        on::<ReorderParts>(
            "part_ids",
            Rule::Items {
                min: 0,
                max: Some(MAX_PARTS),
                unique: true,
            },
        ),
        // Tags are counted after trimming, lower-casing and removing repeats.
        on::<TagContent>("tags", Rule::at_most(MAX_TAGS)),
        on::<TagContent>("tags", Rule::each(Rule::Text(MAX_TAG))),
        on::<TagContent>("topic_ids", Rule::at_most(MAX_TAGS)),
    ]
}

#[cfg(test)]
mod tests {
    use super::AccessDto;
    use serde_json::json;

    #[test]
    fn every_policy_refuses_unknown_fields() {
        for ok in [
            json!({"policy": "public"}),
            json!({"policy": "members"}),
            json!({"policy": "tiers", "tier_ids": ["0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b"]}),
            json!({"policy": "purchase", "price_minor": 100}),
        ] {
            let mut extra = ok.clone();
            extra["x"] = json!(1);
            assert!(serde_json::from_value::<AccessDto>(ok).is_ok(), "{extra}");
            assert!(serde_json::from_value::<AccessDto>(extra).is_err());
        }
        // Serialized as before: the tag and the fields, no more.
        assert_eq!(
            serde_json::to_value(AccessDto::Public {}).ok(),
            Some(json!({"policy": "public"}))
        );
    }
}
