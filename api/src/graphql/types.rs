//! GraphQL object types, converted from the REST DTOs so both surfaces show the same data.

use super::error::OrGql;
use super::plan_types::{Checkout, PendingDowngrade, TierChange};
use crate::dto;
pub use crate::dto::{
    Answer, ContentItem, ContentKindDto as ContentKind, ContentParts, ContentStatus, GuestRole,
    QuestionDto as Question, TopicDto as Topic, TopicRelationDto as TopicRelation,
};
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
pub enum AccessPolicy {
    Public,
    Members,
    Tiers,
    Purchase,
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

impl Space {
    fn space_ref(&self) -> async_graphql::Result<crate::space::SpaceRef> {
        let id = uuid::Uuid::parse_str(&self.id)
            .map_err(|e| async_graphql::Error::new(e.to_string()))?;
        Ok(crate::space::SpaceRef {
            id: lyceum_domain::ids::SpaceId(id),
            slug: self.slug.clone(),
        })
    }
}

#[ComplexObject]
impl Space {
    /// The space's billing terms: platform fee, referral commission, dunning, grace, refunds.
    async fn billing_terms(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<dto::BillingTermsDto> {
        let state = ctx.data::<AppState>()?;
        crate::service::terms::get_terms(state, &self.space_ref()?)
            .await
            .or_gql()
    }

    /// The space's member levels, lowest first (empty until set).
    async fn levels(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<dto::LevelDto>> {
        let state = ctx.data::<AppState>()?;
        Ok(crate::service::terms::get_levels(state, &self.space_ref()?)
            .await
            .or_gql()?
            .levels)
    }

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
        let filter = queries::ContentFilter {
            status: status.map(|s| s.as_str().to_owned()),
            ..Default::default()
        };
        let page = queries::content(&state.db, &self.id, &filter, after.as_deref(), first)
            .await
            .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |c| c.id.clone(),
            ContentItem::from,
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
#[graphql(complex)]
pub struct Member {
    pub id: ID,
    pub space_id: ID,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub status: String,
    pub erased: bool,
    pub tier_ids: Vec<ID>,
    /// Share it: a subscription started with it earns this member a commission.
    pub referral_code: String,
    pub points: u64,
    /// Null while the space has no levels.
    pub level: Option<dto::MemberLevelDto>,
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
            referral_code: m.referral_code,
            points: m.points,
            level: m.level,
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
    /// The price in minor units, for the `PURCHASE` policy.
    pub price_minor: Option<i64>,
}

impl From<dto::AccessDto> for Access {
    fn from(a: dto::AccessDto) -> Self {
        match a {
            dto::AccessDto::Public => Self {
                policy: AccessPolicy::Public,
                tier_ids: vec![],
                price_minor: None,
            },
            dto::AccessDto::Members => Self {
                policy: AccessPolicy::Members,
                tier_ids: vec![],
                price_minor: None,
            },
            dto::AccessDto::Tiers { tier_ids } => Self {
                policy: AccessPolicy::Tiers,
                tier_ids: tier_ids.iter().map(|t| ID(t.to_string())).collect(),
                price_minor: None,
            },
            dto::AccessDto::Purchase { price_minor } => Self {
                policy: AccessPolicy::Purchase,
                tier_ids: vec![],
                price_minor: Some(price_minor),
            },
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
    /// A downgrade that applies at the next boundary.
    pub pending_downgrade: Option<PendingDowngrade>,
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
            pending_downgrade: s.pending_downgrade.map(PendingDowngrade::from),
            latest_payment_error: s.latest_payment_error,
        }
    }
}

/// An order: a one-off purchase (or a subscription period), its payment and refunds.
#[derive(SimpleObject, Clone)]
pub struct MemberOrder {
    pub id: ID,
    pub space_id: ID,
    pub member_id: ID,
    /// `content` or `subscription_period`.
    pub item_kind: String,
    pub content_id: Option<ID>,
    pub tier_id: Option<ID>,
    pub amount_minor: i64,
    pub currency: String,
    /// `awaiting_payment`, `payment_failed`, `paid`, `partially_refunded` or `refunded`.
    pub status: String,
    pub refunded_minor: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Why this request's charge failed, if it did.
    pub latest_payment_error: Option<String>,
}

impl From<dto::Order> for MemberOrder {
    fn from(o: dto::Order) -> Self {
        let id = |u: uuid::Uuid| ID(u.to_string());
        Self {
            id: id(o.id),
            space_id: id(o.space_id),
            member_id: id(o.member_id),
            item_kind: o.item_kind,
            content_id: o.content_id.map(id),
            tier_id: o.tier_id.map(id),
            amount_minor: o.amount_minor,
            currency: o.currency,
            status: o.status,
            refunded_minor: o.refunded_minor,
            created_at: o.created_at,
            updated_at: o.updated_at,
            latest_payment_error: o.latest_payment_error,
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
#[graphql(concrete(name = "MemberOrderPayload", params(MemberOrder)))]
#[graphql(concrete(name = "BillingTermsPayload", params(dto::BillingTermsDto)))]
#[graphql(concrete(name = "LevelRulesPayload", params(dto::LevelRulesDto)))]
#[graphql(concrete(name = "MemberPointsPayload", params(dto::MemberPoints)))]
#[graphql(concrete(name = "TierChangePayload", params(TierChange)))]
#[graphql(concrete(name = "CheckoutPayload", params(Checkout)))]
#[graphql(concrete(name = "ContentPartsPayload", params(ContentParts)))]
#[graphql(concrete(name = "TopicPayload", params(Topic)))]
#[graphql(concrete(name = "TopicRelationPayload", params(TopicRelation)))]
#[graphql(concrete(name = "QuestionPayload", params(Question)))]
#[graphql(concrete(name = "AnswerPayload", params(Answer)))]
#[graphql(concrete(name = "GuestRolePayload", params(GuestRole)))]
#[graphql(concrete(name = "CheckInProjectPayload", params(dto::CheckInProject)))]
#[graphql(concrete(name = "CheckInStreakPayload", params(dto::MemberStreak)))]
#[graphql(concrete(name = "PointsRulesPayload", params(dto::PointsRulesDto)))]
#[graphql(concrete(name = "InteractionPayload", params(dto::InteractionResult)))]
#[graphql(concrete(name = "CommentPayload", params(dto::Comment)))]
#[graphql(concrete(name = "MemberStandingPayload", params(dto::MemberStanding)))]
#[graphql(concrete(name = "ReportPayload", params(dto::Report)))]
#[graphql(concrete(name = "CourseProgressPayload", params(dto::CourseProgress)))]
pub struct Payload<T: async_graphql::OutputType> {
    pub node: T,
    pub position: Option<i64>,
}

/// The outcome of a mutation that returns no object.
#[derive(SimpleObject)]
pub struct Done {
    pub position: Option<i64>,
}

/// Monthly recurring revenue in one currency.
#[derive(SimpleObject, Clone)]
pub struct MrrAmount {
    pub currency: String,
    /// In minor units; yearly prices count as a twelfth per month.
    pub amount_minor: i64,
}

/// A space's subscriptions by status, now.
#[derive(SimpleObject, Clone)]
pub struct SubscriptionCounts {
    pub incomplete: i64,
    pub trialing: i64,
    pub active: i64,
    pub past_due: i64,
    pub canceled: i64,
    /// `active` plus `past_due`.
    pub paid: i64,
}

/// The MRR of one tier in one currency.
#[derive(SimpleObject, Clone)]
pub struct TierRevenue {
    pub tier_id: ID,
    pub currency: String,
    pub amount_minor: i64,
    /// Subscriptions of the tier that contribute to its MRR now.
    pub paying: i64,
}

/// The subscriptions started in one month (UTC) and what became of them.
#[derive(SimpleObject, Clone)]
pub struct Cohort {
    /// `YYYY-MM`.
    pub month: String,
    pub started: i64,
    /// Still `active` or `past_due`.
    pub retained: i64,
    /// Canceled since.
    pub churned: i64,
    /// `retained / started` in hundredths of a percent, rounded down.
    pub retention_basis_points: i64,
}

/// A space's revenue analytics, as `GET /v1/spaces/{space}/analytics/summary` returns it.
#[derive(SimpleObject, Clone)]
pub struct Analytics {
    pub mrr: Vec<MrrAmount>,
    pub counts: SubscriptionCounts,
    pub by_tier: Vec<TierRevenue>,
    pub cohorts: Vec<Cohort>,
    /// Per currency, from the ledger: gross takings, refunds, referral payouts, fees and the
    /// creator's earnings.
    pub money: Vec<crate::dto::analytics::MoneyTotals>,
}

impl From<crate::dto::analytics::AnalyticsSummary> for Analytics {
    fn from(s: crate::dto::analytics::AnalyticsSummary) -> Self {
        Self {
            mrr: s
                .mrr
                .into_iter()
                .map(|m| MrrAmount {
                    currency: m.currency,
                    amount_minor: m.amount_minor,
                })
                .collect(),
            counts: SubscriptionCounts {
                incomplete: s.counts.incomplete,
                trialing: s.counts.trialing,
                active: s.counts.active,
                past_due: s.counts.past_due,
                canceled: s.counts.canceled,
                paid: s.counts.paid,
            },
            by_tier: s
                .by_tier
                .into_iter()
                .map(|t| TierRevenue {
                    tier_id: ID(t.tier_id.to_string()),
                    currency: t.currency,
                    amount_minor: t.amount_minor,
                    paying: t.paying,
                })
                .collect(),
            cohorts: s
                .cohorts
                .into_iter()
                .map(|c| Cohort {
                    month: c.month,
                    started: c.started,
                    retained: c.retained,
                    churned: c.churned,
                    retention_basis_points: c.retention_basis_points,
                })
                .collect(),
            money: s.money,
        }
    }
}
