//! Request and response bodies of the REST API, with the examples the OpenAPI contract shows.
//! Requests refuse unknown fields, and [`request_rules`] says what the server enforces on them.

use lyceum_domain::ids::MemberId;
use lyceum_domain::membership::referral::ReferralCode;
use lyceum_projections::members::queries::MemberRow;
use lyceum_projections::spaces::queries::SpaceRow;
use lyceum_projections::tiers::queries::TierRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

mod terms;
pub use terms::*;
mod plans;
pub use plans::*;
mod check_ins;
pub use check_ins::*;
mod points;
pub use points::*;
mod content;
pub use content::*;
mod topics;
pub use topics::*;
mod questions;
pub use questions::*;
mod engagement;
pub use engagement::*;
mod comments;
pub use comments::*;
mod moderation;
pub use moderation::*;
mod activity;
pub use activity::*;
pub mod analytics;
pub mod audit;
pub mod history;
pub mod ids;
pub mod ledger;
pub mod offers;
pub mod patterns;
pub mod rules;
pub mod stripe;
pub mod webhooks;

use rules::{FieldRule, Rule, on};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, async_graphql::InputObject)]
#[graphql(name = "CreateSpaceInput")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slug": "deep-work", "name": "Deep Work Club", "currency": "EUR"}))]
pub struct CreateSpace {
    /// 2-63 characters of a-z, 0-9 and '-'.
    pub slug: String,
    pub name: String,
    /// ISO 4217 code, upper case.
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, async_graphql::InputObject)]
#[graphql(name = "UpdateSpaceInput")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Deep Work Collective", "description": "Weekly essays on focus."}))]
pub struct UpdateSpace {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// A creator's space.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[graphql(complex)]
#[schema(example = json!({
    "id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f", "slug": "deep-work", "name": "Deep Work Club",
    "currency": "EUR", "description": "", "created_at": "2026-11-21T08:00:00.000000Z",
    "updated_at": "2026-11-21T08:00:00.000000Z"
}))]
pub struct Space {
    #[graphql(skip, derived(owned, name = "id", into = "async_graphql::ID"))]
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub currency: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<SpaceRow> for Space {
    fn from(row: SpaceRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
            currency: row.currency,
            description: row.description,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// The role of a space key.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::Enum,
)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "KeyRole")]
pub enum KeyRoleDto {
    Creator,
    Auditor,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "creator"}))]
pub struct CreateKey {
    pub role: KeyRoleDto,
}

/// A newly issued key; `key` is the secret, shown once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, async_graphql::SimpleObject)]
#[schema(example = json!({
    "id": "0192f0c4-4c2b-7d33-8e1f-6b7c8d9e0f1a", "role": "creator", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
    "prefix": "lyc_sk_3f9a1c", "key": "lyc_sk_3f9a1c0d5e7b2a4c6e8f0a1b3c5d7e9f1a2b3c4d5e6f7a8b"
}))]
pub struct IssuedKey {
    #[graphql(skip, derived(owned, name = "id", into = "async_graphql::ID"))]
    pub id: Uuid,
    pub role: KeyRoleDto,
    #[graphql(skip, derived(owned, name = "space_id", into = "async_graphql::ID"))]
    pub space_id: Uuid,
    /// Safe to show and log: tells keys apart.
    pub prefix: String,
    /// The secret. Shown once, in this response; a replay of the request returns null here.
    pub key: Option<String>,
}

/// Free tiers are joined; paid tiers are subscribed to.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::Enum,
)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "TierKind")]
pub enum TierKindDto {
    Free,
    Paid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, async_graphql::InputObject)]
#[graphql(name = "DefineTierInput")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Insiders", "kind": "paid", "monthly_price_minor": 900, "yearly_price_minor": 9000, "trial_days": 14}))]
pub struct CreateTier {
    pub name: String,
    pub kind: TierKindDto,
    /// In minor units of the space's currency (cents; yen for JPY). A paid tier has a monthly or
    /// a yearly price, or both; a free tier has neither.
    pub monthly_price_minor: Option<i64>,
    /// The price per year, in the same units.
    pub yearly_price_minor: Option<i64>,
    /// Paid tiers only (a free tier's is 0 or left out).
    pub trial_days: Option<u32>,
}

/// A membership tier.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[schema(example = json!({
    "id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
    "name": "Community", "kind": "free", "currency": "EUR", "monthly_price_minor": null,
    "yearly_price_minor": null, "trial_days": 0, "archived": false, "archived_at": null,
    "created_at": "2026-11-21T08:01:00.000000Z", "updated_at": "2026-11-21T08:01:00.000000Z"
}))]
pub struct Tier {
    #[graphql(skip, derived(owned, name = "id", into = "async_graphql::ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "space_id", into = "async_graphql::ID"))]
    pub space_id: Uuid,
    pub name: String,
    pub kind: TierKindDto,
    pub currency: String,
    pub monthly_price_minor: Option<i64>,
    pub yearly_price_minor: Option<i64>,
    pub trial_days: i64,
    /// An archived tier takes no new members; existing memberships go on.
    pub archived: bool,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<TierRow> for Tier {
    fn from(row: TierRow) -> Self {
        Self {
            id: row.id,
            space_id: row.space_id,
            name: row.name,
            kind: if row.kind == "paid" {
                TierKindDto::Paid
            } else {
                TierKindDto::Free
            },
            currency: row.currency,
            monthly_price_minor: row.monthly_price_minor,
            yearly_price_minor: row.yearly_price_minor,
            trial_days: row.trial_days,
            archived: row.archived,
            archived_at: row.archived_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, async_graphql::InputObject)]
#[graphql(name = "UpdateTierInput")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"monthly_price_minor": 1200, "trial_days": 7}))]
pub struct UpdateTier {
    pub name: Option<String>,
    /// The monthly price for new subscriptions; existing ones keep the price they started with.
    pub monthly_price_minor: Option<i64>,
    /// The yearly price for new subscriptions; existing ones keep the price they started with.
    pub yearly_price_minor: Option<i64>,
    pub trial_days: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, async_graphql::InputObject)]
#[graphql(name = "AddMemberInput")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org", "display_name": "Ada", "external_id": "patreon:4711"}))]
pub struct CreateMember {
    pub email: String,
    pub display_name: String,
    /// Who the member is in your other system (1-200 visible ASCII characters), unique in the
    /// space: an import or a migration finds the member by it (`GET …/members?external_id=`).
    /// Sealed with the member's personal data, and gone with it when they are erased.
    #[serde(default)]
    pub external_id: Option<String>,
}

/// A member of a space. Personal fields are null once erased.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[graphql(complex)]
#[schema(example = json!({
    "id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
    "email": "ada@example.org", "display_name": "Ada", "status": "active", "erased": false,
    "tier_ids": ["0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b"], "referral_code": "8ZK3W1QH7M2D",
    "points": 120, "level": {"name": "Regular", "threshold": 100, "next_name": "Scholar",
    "points_to_next": 880},
    "created_at": "2026-11-21T08:02:00.000000Z", "updated_at": "2026-11-21T08:03:00.000000Z"
}))]
pub struct Member {
    #[graphql(skip, derived(owned, name = "id", into = "async_graphql::ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "space_id", into = "async_graphql::ID"))]
    pub space_id: Uuid,
    /// Null once the member's personal data is erased.
    pub email: Option<String>,
    /// Null once the member's personal data is erased.
    pub display_name: Option<String>,
    /// `active`, `removed` or `banned`.
    pub status: String,
    pub erased: bool,
    #[graphql(
        skip,
        derived(
            owned,
            name = "tier_ids",
            into = "Vec<async_graphql::ID>",
            with = "ids::list"
        )
    )]
    pub tier_ids: Vec<Uuid>,
    /// Share it: a subscription started with it earns this member a commission on the first
    /// payment.
    pub referral_code: String,
    pub points: u64,
    /// Null while the space has no levels.
    pub level: Option<MemberLevelDto>,
    pub created_at: String,
    pub updated_at: String,
    /// Who the member is in the creator's other system, if they were given one.
    pub external_id: Option<String>,
}

impl From<MemberRow> for Member {
    fn from(row: MemberRow) -> Self {
        Self {
            id: row.id,
            space_id: row.space_id,
            email: row.email,
            display_name: row.display_name,
            status: row.status,
            erased: row.erased,
            tier_ids: row.tier_ids,
            referral_code: ReferralCode::of(MemberId(row.id)).to_string(),
            points: row.points,
            level: row.level.map(MemberLevelDto::from),
            created_at: row.created_at,
            updated_at: row.updated_at,
            external_id: row.external_id,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b"}))]
pub struct JoinTier {
    pub tier_id: Uuid,
}

/// A member's membership of a tier.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[schema(example = json!({
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b",
    "joined_at": "2026-11-21T08:03:00.000000Z"
}))]
pub struct Membership {
    #[graphql(skip, derived(owned, name = "member_id", into = "async_graphql::ID"))]
    pub member_id: Uuid,
    #[graphql(skip, derived(owned, name = "tier_id", into = "async_graphql::ID"))]
    pub tier_id: Uuid,
    pub joined_at: String,
}

/// One event of the log, as auditors read it.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[schema(example = json!({
    "position": 42, "event_id": "0192f0c4-8a6f-7177-8253-0f1a2b3c4d5e", "aggregate_type": "content",
    "aggregate_id": "0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d", "version": 2, "event_type": "ContentPublished",
    "event_version": 1, "payload": {}, "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
    "actor": "key:0192f0c4-4c2b-7d33-8e1f-6b7c8d9e0f1a", "correlation_id": "5b0c2e1a-7d4f-4c3b-9a8e-1f2d3c4b5a69",
    "causation_id": null, "request_id": "9c7e5a3b-1d2f-4e6a-8b0c-2d4f6a8c0e1b",
    "recorded_at": "2026-11-21T08:05:00.000000Z", "occurred_at": "2026-11-21T08:05:00.000000Z"
}))]
pub struct Event {
    /// The global position.
    pub position: i64,
    #[graphql(skip, derived(owned, name = "event_id", into = "async_graphql::ID"))]
    pub event_id: Uuid,
    pub aggregate_type: String,
    #[graphql(
        skip,
        derived(owned, name = "aggregate_id", into = "async_graphql::ID")
    )]
    pub aggregate_id: Uuid,
    /// The version within the aggregate, from 1.
    pub version: i64,
    pub event_type: String,
    /// The schema version of the payload.
    pub event_version: i32,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    #[graphql(
        skip,
        derived(
            owned,
            name = "space_id",
            into = "Option<async_graphql::ID>",
            with = "ids::opt"
        )
    )]
    pub space_id: Option<Uuid>,
    pub actor: String,
    #[graphql(
        skip,
        derived(owned, name = "correlation_id", into = "async_graphql::ID")
    )]
    pub correlation_id: Uuid,
    #[graphql(
        skip,
        derived(
            owned,
            name = "causation_id",
            into = "Option<async_graphql::ID>",
            with = "ids::opt"
        )
    )]
    pub causation_id: Option<Uuid>,
    pub request_id: String,
    /// When the log stored it.
    pub recorded_at: String,
    /// When it happened (business time): `recorded_at`, unless the command gave its own time
    /// (an import of past activity) or the server runs on an injected clock.
    pub occurred_at: String,
}

impl From<lyceum_store::StoredEvent> for Event {
    fn from(e: lyceum_store::StoredEvent) -> Self {
        Self {
            position: e.position,
            event_id: e.event_id,
            aggregate_type: e.aggregate_type,
            aggregate_id: e.aggregate_id,
            version: e.version,
            event_type: e.event_type,
            event_version: e.event_version,
            payload: e.payload,
            space_id: e.space_id,
            actor: e.actor,
            correlation_id: e.correlation_id,
            causation_id: e.causation_id,
            request_id: e.request_id,
            recorded_at: e.recorded_at,
            occurred_at: e.occurred_at,
        }
    }
}

/// How often a subscription is billed.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, async_graphql::Enum,
)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "BillingInterval")]
pub enum IntervalDto {
    Monthly,
    Yearly,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b", "interval": "monthly", "payment_method": "tok_success", "offer_code": "WELCOME20"}))]
pub struct StartSubscription {
    pub tier_id: Uuid,
    pub interval: IntervalDto,
    /// A payment method of the configured provider. The built-in test provider takes
    /// `tok_success`, `tok_declined`, `tok_insufficient_funds`, `tok_retry` and
    /// `tok_dispute_later`.
    pub payment_method: String,
    /// A sign-up offer's code: its discount prices the charges it covers.
    pub offer_code: Option<String>,
    /// Another member's referral code: their commission is paid from the first payment.
    pub referral_code: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"at_period_end": true}))]
pub struct CancelSubscription {
    /// End at the end of the current period (the default; can be resumed until then) or now.
    pub at_period_end: Option<bool>,
}

/// A member's subscription to a paid tier (or a comp).
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[graphql(name = "MemberSubscription")]
#[schema(example = json!({
    "id": "0192f0c4-9b70-7288-9364-1a2b3c4d5e6f", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b",
    "status": "active", "interval": "monthly", "price_minor": 900, "currency": "EUR",
    "trial_end": null, "current_period_start": "2026-11-21T08:10:00.000000Z",
    "current_period_end": "2026-12-21T08:10:00.000000Z", "cancel_at_period_end": false,
    "comp_until": null, "started_at": "2026-11-21T08:10:00.000000Z", "ended_at": null,
    "created_at": "2026-11-21T08:10:00.000000Z", "updated_at": "2026-11-21T08:10:00.000000Z",
    "pending_downgrade": null, "latest_payment_error": null
}))]
pub struct Subscription {
    #[graphql(skip, derived(owned, name = "id", into = "async_graphql::ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "space_id", into = "async_graphql::ID"))]
    pub space_id: Uuid,
    #[graphql(skip, derived(owned, name = "member_id", into = "async_graphql::ID"))]
    pub member_id: Uuid,
    #[graphql(skip, derived(owned, name = "tier_id", into = "async_graphql::ID"))]
    pub tier_id: Uuid,
    /// `incomplete`, `trialing`, `active`, `past_due` or `canceled`.
    pub status: String,
    pub interval: Option<IntervalDto>,
    /// The price this subscription pays per period: fixed when it started, so a later change of
    /// the tier's price does not touch it.
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub trial_end: Option<String>,
    pub current_period_start: Option<String>,
    pub current_period_end: Option<String>,
    pub cancel_at_period_end: bool,
    pub comp_until: Option<String>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// A downgrade that applies at the next boundary, before that boundary's charge.
    pub pending_downgrade: Option<PendingDowngrade>,
    /// Why the last charge of this request failed (`card_declined`, `insufficient_funds`, …);
    /// only in the answer to the write that charged.
    pub latest_payment_error: Option<String>,
}

impl From<lyceum_projections::subscriptions::queries::SubscriptionRow> for Subscription {
    fn from(row: lyceum_projections::subscriptions::queries::SubscriptionRow) -> Self {
        Self {
            id: row.id,
            space_id: row.space_id,
            member_id: row.member_id,
            tier_id: row.tier_id,
            status: row.status,
            interval: row.billing_interval.map(|i| {
                if i == "yearly" {
                    IntervalDto::Yearly
                } else {
                    IntervalDto::Monthly
                }
            }),
            price_minor: row.price_minor,
            currency: row.currency,
            trial_end: row.trial_end,
            current_period_start: row.period_start,
            current_period_end: row.period_end,
            cancel_at_period_end: row.cancel_at_period_end,
            comp_until: row.comp_until,
            started_at: row.started_at,
            ended_at: row.ended_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            pending_downgrade: PendingDowngrade::from_row(
                row.pending_tier_id,
                row.pending_price_minor,
                row.pending_effective_at,
            ),
            latest_payment_error: None,
        }
    }
}

/// What a member may access right now.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[graphql(name = "MemberEntitlements")]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "is_member": true,
    "tier_ids": ["0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b"],
    "purchased_content_ids": ["0192f0c4-7f5e-7a66-a142-9e0f1a2b3c4d"]}))]
pub struct Entitlements {
    #[graphql(skip, derived(owned, name = "member_id", into = "async_graphql::ID"))]
    pub member_id: Uuid,
    /// An active member of the space: content for `members` is open to them.
    pub is_member: bool,
    /// Tiers held now: free tiers joined, and tiers of subscriptions that are trialing, active
    /// (until a scheduled cancellation takes effect), past due within the space's grace, or
    /// comped.
    #[graphql(
        skip,
        derived(
            owned,
            name = "tier_ids",
            into = "Vec<async_graphql::ID>",
            with = "ids::list"
        )
    )]
    pub tier_ids: Vec<Uuid>,
    /// Content items bought, and not taken back by a refund (as the space's refund rule says)
    /// or a lost dispute.
    #[graphql(
        skip,
        derived(
            owned,
            name = "purchased_content_ids",
            into = "Vec<async_graphql::ID>",
            with = "ids::list"
        )
    )]
    pub purchased_content_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content_id": "0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d", "payment_method": "tok_success"}))]
pub struct CreatePurchase {
    /// An item of the space whose access policy is `purchase` (any other id: 422
    /// `validation_failed`).
    pub content_id: Uuid,
    /// A payment method of the configured provider (see `StartSubscription`).
    pub payment_method: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_minor": 500, "reason": "requested by the member"}))]
pub struct CreateRefund {
    /// How much to give back, in minor units; everything still refundable when left out.
    pub amount_minor: Option<i64>,
    pub reason: Option<String>,
}

/// An order: a one-off purchase of an item (or a subscription period), its payment and refunds.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, async_graphql::SimpleObject,
)]
#[graphql(name = "MemberOrder")]
#[schema(example = json!({
    "id": "0192f0c4-a081-7399-a475-2b3c4d5e6f70", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "item_kind": "content",
    "content_id": "0192f0c4-7f5e-7066-9142-9e0f1a2b3c4d", "tier_id": null, "amount_minor": 1500,
    "currency": "EUR", "status": "paid", "refunded_minor": 0,
    "created_at": "2026-11-21T08:20:00.000000Z", "updated_at": "2026-11-21T08:20:00.000000Z",
    "latest_payment_error": null
}))]
pub struct Order {
    #[graphql(skip, derived(owned, name = "id", into = "async_graphql::ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "space_id", into = "async_graphql::ID"))]
    pub space_id: Uuid,
    #[graphql(skip, derived(owned, name = "member_id", into = "async_graphql::ID"))]
    pub member_id: Uuid,
    /// `content` or `subscription_period`.
    pub item_kind: String,
    #[graphql(
        skip,
        derived(
            owned,
            name = "content_id",
            into = "Option<async_graphql::ID>",
            with = "ids::opt"
        )
    )]
    pub content_id: Option<Uuid>,
    #[graphql(
        skip,
        derived(
            owned,
            name = "tier_id",
            into = "Option<async_graphql::ID>",
            with = "ids::opt"
        )
    )]
    pub tier_id: Option<Uuid>,
    pub amount_minor: i64,
    pub currency: String,
    /// `awaiting_payment`, `payment_failed`, `paid`, `partially_refunded` or `refunded`.
    pub status: String,
    pub refunded_minor: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Why this request's charge failed, if it did; only in the answer to the write that charged.
    pub latest_payment_error: Option<String>,
}

impl From<lyceum_projections::orders::queries::OrderRow> for Order {
    fn from(row: lyceum_projections::orders::queries::OrderRow) -> Self {
        Self {
            id: row.id,
            space_id: row.space_id,
            member_id: row.member_id,
            content_id: row.content_id,
            tier_id: row.tier_id,
            item_kind: row.item_kind,
            amount_minor: row.amount_minor,
            currency: row.currency,
            status: row.status,
            refunded_minor: row.refunded_minor,
            created_at: row.created_at,
            updated_at: row.updated_at,
            latest_payment_error: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"payment_method": "tok_success"}))]
pub struct SetPaymentMethod {
    /// The payment method the next charges use (see `StartSubscription`).
    pub payment_method: String,
}

/// Every rule the server enforces on a request field, for the contract.
pub fn request_rules() -> Vec<FieldRule> {
    [
        rules(),
        terms::rules(),
        check_ins::rules(),
        points::rules(),
        content::rules(),
        topics::rules(),
        questions::rules(),
        comments::rules(),
        moderation::rules(),
        offers::rules(),
        plans::rules(),
        stripe::rules(),
        webhooks::rules(),
    ]
    .concat()
}

/// The rules of the request types above, and of sign-up's (whose type lives with its service).
fn rules() -> Vec<FieldRule> {
    use crate::service::identity::SignUp;
    use lyceum_domain::membership::member::MAX_DISPLAY_NAME;
    use lyceum_domain::membership::tier::{MAX_TIER_NAME, MAX_TRIAL_DAYS};
    use lyceum_domain::payment::order::MAX_REFUND_REASON;
    use lyceum_domain::space::{MAX_SPACE_DESCRIPTION, MAX_SPACE_NAME};
    use lyceum_domain::values::MAX_EMAIL_LEN;
    use lyceum_store::identity::PASSWORD_CHARS;
    let email = || Rule::Pattern(patterns::email());
    let email_len = || Rule::Length(0, MAX_EMAIL_LEN);
    let method = || Rule::Pattern(patterns::payment_method());
    let trial = || Rule::Range(0, i64::from(MAX_TRIAL_DAYS));
    vec![
        on::<CreateSpace>("slug", Rule::Pattern(patterns::slug())),
        on::<CreateSpace>("name", Rule::Text(MAX_SPACE_NAME)),
        on::<CreateSpace>("currency", Rule::Pattern(patterns::currency())),
        on::<UpdateSpace>("name", Rule::Text(MAX_SPACE_NAME)),
        on::<UpdateSpace>("description", Rule::BlankOr(MAX_SPACE_DESCRIPTION)),
        on::<CreateTier>("name", Rule::Text(MAX_TIER_NAME)),
        on::<CreateTier>("monthly_price_minor", Rule::AtLeast(1)),
        on::<CreateTier>("yearly_price_minor", Rule::AtLeast(1)),
        on::<CreateTier>("trial_days", trial()),
        on::<UpdateTier>("name", Rule::Text(MAX_TIER_NAME)),
        on::<UpdateTier>("monthly_price_minor", Rule::AtLeast(1)),
        on::<UpdateTier>("yearly_price_minor", Rule::AtLeast(1)),
        on::<UpdateTier>("trial_days", trial()),
        on::<CreateMember>("email", email()),
        on::<CreateMember>("email", email_len()),
        on::<CreateMember>("display_name", Rule::Text(MAX_DISPLAY_NAME)),
        on::<CreateMember>("external_id", Rule::Pattern(patterns::external_id())),
        on::<SignUp>("email", email()),
        on::<SignUp>("email", email_len()),
        on::<SignUp>("display_name", Rule::Text(MAX_DISPLAY_NAME)),
        on::<SignUp>(
            "password",
            Rule::Length(*PASSWORD_CHARS.start(), *PASSWORD_CHARS.end()),
        ),
        on::<StartSubscription>("payment_method", method()),
        on::<StartSubscription>("offer_code", Rule::Pattern(patterns::offer_code())),
        on::<StartSubscription>("referral_code", Rule::Pattern(patterns::referral_code())),
        on::<CreatePurchase>("payment_method", method()),
        on::<SetPaymentMethod>("payment_method", method()),
        on::<CreateRefund>("amount_minor", Rule::AtLeast(1)),
        on::<CreateRefund>("reason", Rule::Text(MAX_REFUND_REASON)),
    ]
}
