//! GraphQL object types, converted from the REST DTOs so both surfaces show the same data.

use super::error::OrGql;
use crate::dto;
use crate::pagination::{MAX_LIMIT, encode_cursor};
use crate::state::AppState;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{ComplexObject, Context, Enum, ID, Json, SimpleObject};
use lyceum_projections::queries::{self, Page};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum TierKind {
    Free,
    Paid,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    Post,
    Article,
    Course,
    Lesson,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ContentStatus {
    Draft,
    Published,
    Unpublished,
}

impl ContentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentStatus::Draft => "draft",
            ContentStatus::Published => "published",
            ContentStatus::Unpublished => "unpublished",
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AccessPolicy {
    Public,
    Members,
    Tiers,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    Creator,
    Auditor,
}

/// A creator's space.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Space {
    pub id: ID,
    pub slug: String,
    pub name: String,
    pub currency: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<dto::Space> for Space {
    fn from(s: dto::Space) -> Self {
        Self {
            id: ID(s.id.to_string()),
            slug: s.slug,
            name: s.name,
            currency: s.currency,
            description: s.description,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// Checks `first` and turns a read-model page into a Relay connection.
pub fn connection<R, T: async_graphql::OutputType>(
    after: Option<&str>,
    page: Page<R>,
    key: impl Fn(&R) -> String,
    map: impl Fn(R) -> T,
) -> Connection<String, T> {
    let mut connection = Connection::new(after.is_some(), page.next.is_some());
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|row| Edge::new(encode_cursor(&key(&row)), map(row))),
    );
    connection
}

/// `first` (1 to 100, default 20) and the decoded `after`.
pub fn paging(
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<(i64, Option<String>)> {
    let first = i64::from(first.unwrap_or(20));
    if !(1..=MAX_LIMIT).contains(&first) {
        return Err(super::gql(crate::error::ApiError::bad_request(format!(
            "first must be between 1 and {MAX_LIMIT}"
        ))));
    }
    let after = after
        .as_deref()
        .map(crate::pagination::decode_cursor)
        .transpose()
        .or_gql()?;
    Ok((first, after))
}

#[ComplexObject]
impl Space {
    /// The space's tiers, oldest first (at most 100).
    async fn tiers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Tier>> {
        let state = ctx.data::<AppState>()?;
        let page = queries::tiers(&state.db, &self.id, None, MAX_LIMIT)
            .await
            .or_gql()?;
        Ok(page
            .items
            .into_iter()
            .map(|t| Tier::from(dto::Tier::from(t)))
            .collect())
    }

    /// The space's members, oldest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Member>> {
        let state = ctx.data::<AppState>()?;
        let (first, after) = paging(first, after)?;
        let page = queries::members(&state.db, &self.id, after.as_deref(), first)
            .await
            .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |m| m.id.clone(),
            |m| Member::from(dto::Member::from(m)),
        ))
    }

    /// The space's content, newest first, optionally of one status.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn content(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<ContentStatus>,
    ) -> async_graphql::Result<Connection<String, ContentItem>> {
        let state = ctx.data::<AppState>()?;
        let (first, after) = paging(first, after)?;
        let page = queries::content(
            &state.db,
            &self.id,
            status.map(ContentStatus::as_str),
            after.as_deref(),
            first,
        )
        .await
        .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |c| c.id.clone(),
            |c| ContentItem::from(dto::ContentItem::from(c)),
        ))
    }
}

/// A membership tier.
#[derive(SimpleObject, Clone)]
pub struct Tier {
    pub id: ID,
    pub space_id: ID,
    pub name: String,
    pub kind: TierKind,
    pub currency: String,
    pub monthly_price_minor: Option<i64>,
    pub yearly_price_minor: Option<i64>,
    pub trial_days: i64,
    /// An archived tier takes no new members.
    pub archived: bool,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<dto::Tier> for Tier {
    fn from(t: dto::Tier) -> Self {
        Self {
            id: ID(t.id.to_string()),
            space_id: ID(t.space_id.to_string()),
            name: t.name,
            kind: match t.kind {
                dto::TierKindDto::Free => TierKind::Free,
                dto::TierKindDto::Paid => TierKind::Paid,
            },
            currency: t.currency,
            monthly_price_minor: t.monthly_price_minor,
            yearly_price_minor: t.yearly_price_minor,
            trial_days: t.trial_days,
            archived: t.archived,
            archived_at: t.archived_at,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A member of a space. Personal fields are null once erased.
#[derive(SimpleObject, Clone)]
pub struct Member {
    pub id: ID,
    pub space_id: ID,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub status: String,
    pub erased: bool,
    pub tier_ids: Vec<ID>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<dto::Member> for Member {
    fn from(m: dto::Member) -> Self {
        Self {
            id: ID(m.id.to_string()),
            space_id: ID(m.space_id.to_string()),
            email: m.email,
            display_name: m.display_name,
            status: m.status,
            erased: m.erased,
            tier_ids: m.tier_ids.iter().map(|t| ID(t.to_string())).collect(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// Who may read an item's body.
#[derive(SimpleObject, Clone)]
pub struct Access {
    pub policy: AccessPolicy,
    /// The tiers, for the `TIERS` policy.
    pub tier_ids: Vec<ID>,
}

impl From<dto::AccessDto> for Access {
    fn from(a: dto::AccessDto) -> Self {
        match a {
            dto::AccessDto::Public => Self {
                policy: AccessPolicy::Public,
                tier_ids: vec![],
            },
            dto::AccessDto::Members => Self {
                policy: AccessPolicy::Members,
                tier_ids: vec![],
            },
            dto::AccessDto::Tiers { tier_ids } => Self {
                policy: AccessPolicy::Tiers,
                tier_ids: tier_ids.iter().map(|t| ID(t.to_string())).collect(),
            },
        }
    }
}

/// A post, article, course or lesson.
#[derive(SimpleObject, Clone)]
pub struct ContentItem {
    pub id: ID,
    pub space_id: ID,
    pub kind: ContentKind,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: Access,
    pub status: ContentStatus,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
}

impl From<dto::ContentItem> for ContentItem {
    fn from(c: dto::ContentItem) -> Self {
        Self {
            id: ID(c.id.to_string()),
            space_id: ID(c.space_id.to_string()),
            kind: match c.kind {
                dto::ContentKindDto::Post => ContentKind::Post,
                dto::ContentKindDto::Article => ContentKind::Article,
                dto::ContentKindDto::Course => ContentKind::Course,
                dto::ContentKindDto::Lesson => ContentKind::Lesson,
            },
            title: c.title,
            body: c.body,
            excerpt: c.excerpt,
            access: Access::from(c.access),
            status: match c.status.as_str() {
                "published" => ContentStatus::Published,
                "unpublished" => ContentStatus::Unpublished,
                _ => ContentStatus::Draft,
            },
            created_at: c.created_at,
            updated_at: c.updated_at,
            published_at: c.published_at,
        }
    }
}

/// A newly issued key; `key` is the secret, shown once.
#[derive(SimpleObject, Clone)]
pub struct IssuedKey {
    pub id: ID,
    pub role: KeyRole,
    pub space_id: ID,
    pub prefix: String,
    pub key: Option<String>,
}

impl From<dto::IssuedKey> for IssuedKey {
    fn from(k: dto::IssuedKey) -> Self {
        Self {
            id: ID(k.id.to_string()),
            role: match k.role {
                dto::KeyRoleDto::Creator => KeyRole::Creator,
                dto::KeyRoleDto::Auditor => KeyRole::Auditor,
            },
            space_id: ID(k.space_id.to_string()),
            prefix: k.prefix,
            key: k.key,
        }
    }
}

/// A member's membership of a tier.
#[derive(SimpleObject, Clone)]
pub struct Membership {
    pub member_id: ID,
    pub tier_id: ID,
    pub joined_at: String,
}

impl From<dto::Membership> for Membership {
    fn from(m: dto::Membership) -> Self {
        Self {
            member_id: ID(m.member_id.to_string()),
            tier_id: ID(m.tier_id.to_string()),
            joined_at: m.joined_at,
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum BillingInterval {
    Monthly,
    Yearly,
}

/// A member's subscription to a paid tier (or a comp).
#[derive(SimpleObject, Clone)]
pub struct MemberSubscription {
    pub id: ID,
    pub space_id: ID,
    pub member_id: ID,
    pub tier_id: ID,
    /// `incomplete`, `trialing`, `active`, `past_due` or `canceled`.
    pub status: String,
    pub interval: Option<BillingInterval>,
    /// Fixed when the subscription started.
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub trial_end: Option<String>,
    pub current_period_start: Option<String>,
    pub current_period_end: Option<String>,
    pub cancel_at_period_end: bool,
    pub comp_until: Option<String>,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// Why this request's charge failed, if it did.
    pub latest_payment_error: Option<String>,
}

impl From<dto::Subscription> for MemberSubscription {
    fn from(s: dto::Subscription) -> Self {
        Self {
            id: ID(s.id.to_string()),
            space_id: ID(s.space_id.to_string()),
            member_id: ID(s.member_id.to_string()),
            tier_id: ID(s.tier_id.to_string()),
            status: s.status,
            interval: s.interval.map(|i| match i {
                dto::IntervalDto::Monthly => BillingInterval::Monthly,
                dto::IntervalDto::Yearly => BillingInterval::Yearly,
            }),
            price_minor: s.price_minor,
            currency: s.currency,
            trial_end: s.trial_end,
            current_period_start: s.current_period_start,
            current_period_end: s.current_period_end,
            cancel_at_period_end: s.cancel_at_period_end,
            comp_until: s.comp_until,
            started_at: s.started_at,
            ended_at: s.ended_at,
            latest_payment_error: s.latest_payment_error,
        }
    }
}

/// One event of the log.
#[derive(SimpleObject, Clone)]
pub struct Event {
    pub position: i64,
    pub event_id: ID,
    pub aggregate_type: String,
    pub aggregate_id: ID,
    pub version: i64,
    pub event_type: String,
    pub event_version: i32,
    pub payload: Json<serde_json::Value>,
    pub space_id: Option<ID>,
    pub actor: String,
    pub correlation_id: ID,
    pub recorded_at: String,
}

impl From<&lyceum_store::StoredEvent> for Event {
    fn from(e: &lyceum_store::StoredEvent) -> Self {
        Self {
            position: e.position,
            event_id: ID(e.event_id.to_string()),
            aggregate_type: e.aggregate_type.clone(),
            aggregate_id: ID(e.aggregate_id.to_string()),
            version: e.version,
            event_type: e.event_type.clone(),
            event_version: e.event_version,
            payload: Json(e.payload.clone()),
            space_id: e.space_id.map(|s| ID(s.to_string())),
            actor: e.actor.clone(),
            correlation_id: ID(e.correlation_id.to_string()),
            recorded_at: e.recorded_at.clone(),
        }
    }
}

/// What a mutation changed, and the global position to pass as `min_position` to reads.
#[derive(SimpleObject)]
#[graphql(concrete(name = "SpacePayload", params(Space)))]
#[graphql(concrete(name = "TierPayload", params(Tier)))]
#[graphql(concrete(name = "MemberPayload", params(Member)))]
#[graphql(concrete(name = "MembershipPayload", params(Membership)))]
#[graphql(concrete(name = "ContentPayload", params(ContentItem)))]
#[graphql(concrete(name = "IssuedKeyPayload", params(IssuedKey)))]
#[graphql(concrete(name = "MemberSubscriptionPayload", params(MemberSubscription)))]
pub struct Payload<T: async_graphql::OutputType> {
    pub node: T,
    pub position: Option<i64>,
}

/// The outcome of a mutation that returns no object.
#[derive(SimpleObject)]
pub struct Done {
    pub position: Option<i64>,
}
