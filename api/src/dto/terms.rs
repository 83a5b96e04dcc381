//! Bodies for a space's billing terms and member levels, a member's points, level and
//! referrals.

use super::rules::{FieldRule, Rule, on, on_request};
use async_graphql::{Enum, InputObject, SimpleObject};
use lyceum_domain::DomainError;
use lyceum_domain::membership::level::LevelRules;
use lyceum_domain::membership::subscription::DunningSchedule;
use lyceum_domain::membership::terms::{BillingTerms, RefundAccess};
use lyceum_projections::spaces::terms::MemberLevel;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What a refund of a one-off purchase does to the member's access to the item.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, Enum)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "RefundAccess")]
pub enum RefundAccessDto {
    /// Access ends once the whole price was refunded (the default).
    RevokeOnFullRefund,
    /// Access ends with the first refund, partial or full.
    RevokeOnAnyRefund,
    /// Refunds never end access (a lost dispute still does).
    Keep,
}

/// A space's billing terms. `PUT` replaces all of them.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, SimpleObject, InputObject,
)]
#[serde(deny_unknown_fields)]
#[graphql(name = "BillingTerms", input_name = "BillingTermsInput")]
#[schema(example = json!({"platform_fee_bps": 500, "referral_commission_bps": 1000,
    "dunning_retry_days": [1, 3, 5], "past_due_grace_days": 7,
    "refund_access": "revoke_on_full_refund"}))]
pub struct BillingTermsDto {
    /// The platform's share of every payment, in basis points (500 = 5 %).
    pub platform_fee_bps: u32,
    /// A referrer's share of a referred member's first payment, in basis points. Fee and
    /// commission together are at most 10000.
    pub referral_commission_bps: u32,
    /// The days after a failed renewal on which the charge is retried (strictly increasing, 1 to
    /// 27, at most 8); new subscriptions keep the schedule they started with.
    pub dunning_retry_days: Vec<u32>,
    /// How many days after its first failed charge a past-due subscription keeps access (0 to
    /// 60).
    pub past_due_grace_days: u32,
    pub refund_access: RefundAccessDto,
}

impl TryFrom<BillingTermsDto> for BillingTerms {
    type Error = DomainError;
    fn try_from(dto: BillingTermsDto) -> Result<Self, Self::Error> {
        BillingTerms::new(
            dto.platform_fee_bps,
            dto.referral_commission_bps,
            DunningSchedule::new(dto.dunning_retry_days)?,
            dto.past_due_grace_days,
            match dto.refund_access {
                RefundAccessDto::RevokeOnFullRefund => RefundAccess::RevokeOnFullRefund,
                RefundAccessDto::RevokeOnAnyRefund => RefundAccess::RevokeOnAnyRefund,
                RefundAccessDto::Keep => RefundAccess::Keep,
            },
        )
    }
}

impl From<&BillingTerms> for BillingTermsDto {
    fn from(terms: &BillingTerms) -> Self {
        Self {
            platform_fee_bps: terms.platform_fee_bps(),
            referral_commission_bps: terms.referral_commission_bps(),
            dunning_retry_days: terms.dunning_retry_days().days().to_vec(),
            past_due_grace_days: terms.past_due_grace_days(),
            refund_access: match terms.refund_access() {
                RefundAccess::RevokeOnFullRefund => RefundAccessDto::RevokeOnFullRefund,
                RefundAccess::RevokeOnAnyRefund => RefundAccessDto::RevokeOnAnyRefund,
                RefundAccess::Keep => RefundAccessDto::Keep,
            },
        }
    }
}

/// One rung of a space's ladder.
#[derive(
    Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, SimpleObject, InputObject,
)]
#[serde(deny_unknown_fields)]
#[graphql(name = "Level", input_name = "LevelInput")]
pub struct LevelDto {
    /// The points from which a member holds this level; the first level starts at 0.
    pub threshold: u64,
    pub name: String,
}

/// A space's member levels, lowest first. `PUT` replaces them all.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, SimpleObject)]
#[graphql(name = "LevelRules")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"levels": [{"threshold": 0, "name": "Newcomer"},
    {"threshold": 100, "name": "Regular"}, {"threshold": 1000, "name": "Scholar"}]}))]
pub struct LevelRulesDto {
    /// At most 50 levels with strictly increasing thresholds and unique names; empty when the
    /// space has none.
    pub levels: Vec<LevelDto>,
}

impl TryFrom<LevelRulesDto> for LevelRules {
    type Error = DomainError;
    fn try_from(dto: LevelRulesDto) -> Result<Self, Self::Error> {
        LevelRules::new(
            dto.levels
                .into_iter()
                .map(|l| (l.threshold, l.name))
                .collect(),
        )
    }
}

impl From<Option<&LevelRules>> for LevelRulesDto {
    fn from(rules: Option<&LevelRules>) -> Self {
        let levels = rules.map_or_else(Vec::new, |r| {
            r.levels()
                .iter()
                .map(|l| LevelDto {
                    threshold: l.threshold(),
                    name: l.name().to_owned(),
                })
                .collect()
        });
        Self { levels }
    }
}

/// Where a member stands on the space's ladder.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq, SimpleObject)]
#[graphql(name = "MemberLevel")]
#[schema(example = json!({"name": "Regular", "threshold": 100, "next_name": "Scholar",
    "points_to_next": 880}))]
pub struct MemberLevelDto {
    pub name: String,
    /// The points at which this level starts.
    pub threshold: u64,
    /// The next level up; null at the top.
    pub next_name: Option<String>,
    /// Points still needed for the next level; null at the top.
    pub points_to_next: Option<u64>,
}

impl From<MemberLevel> for MemberLevelDto {
    fn from(level: MemberLevel) -> Self {
        Self {
            name: level.name,
            threshold: level.threshold,
            next_name: level.next_name,
            points_to_next: level.points_to_next,
        }
    }
}

/// Points given to (or, negative, taken from) a member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"delta": 50, "reason": "Hosted the October study group"}))]
pub struct AdjustPoints {
    /// Non-zero, at most 1,000,000 either way; a member's manual points never go below zero.
    pub delta: i64,
    /// Shown to the member; 1 to 200 characters.
    pub reason: String,
}

/// A member's points (manual and earned) and level after an adjustment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject)]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "points": 120,
    "level": {"name": "Regular", "threshold": 100, "next_name": "Scholar", "points_to_next": 880}}))]
pub struct MemberPoints {
    /// Left out of GraphQL, where the caller named the member.
    #[graphql(skip)]
    pub member_id: Uuid,
    pub points: u64,
    /// Null while the space has no levels.
    pub level: Option<MemberLevelDto>,
}

/// A subscription started with a member's referral code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"subscription_id": "0192f0c4-8a6b-7c77-b253-af0b1c2d3e4f",
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3d",
    "tier_id": "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b", "started_at": "2026-11-21T08:00:00.000000Z",
    "converted_at": "2026-11-21T08:00:00.000000Z", "commission_minor": 90, "currency": "EUR"}))]
pub struct Referral {
    pub subscription_id: Uuid,
    /// The referred member.
    pub member_id: Uuid,
    pub tier_id: Uuid,
    pub started_at: String,
    /// When the referred member first paid; null during a trial or before payment.
    pub converted_at: Option<String>,
    /// The referrer's commission on that first payment, in minor units.
    pub commission_minor: Option<i64>,
    pub currency: Option<String>,
}

impl From<lyceum_projections::ledger::referrals::ReferralRow> for Referral {
    fn from(row: lyceum_projections::ledger::referrals::ReferralRow) -> Self {
        Self {
            subscription_id: row.subscription_id,
            member_id: row.member_id,
            tier_id: row.tier_id,
            started_at: row.started_at,
            converted_at: row.converted_at,
            commission_minor: row.commission_minor,
            currency: row.currency,
        }
    }
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::ledger::BPS_WHOLE;
    use lyceum_domain::membership::level::{MAX_LEVEL_NAME_CHARS, MAX_LEVELS};
    use lyceum_domain::membership::member::{MAX_POINTS_ADJUSTMENT, MAX_POINTS_REASON};
    use lyceum_domain::membership::terms::MAX_GRACE_DAYS;
    let bps = || Rule::Range(0, BPS_WHOLE.into());
    vec![
        on::<BillingTermsDto>("platform_fee_bps", bps()),
        on::<BillingTermsDto>("referral_commission_bps", bps()),
        // Strictly increasing, which implies unique; the order a schema cannot say.
        on::<BillingTermsDto>(
            "dunning_retry_days",
            Rule::Items {
                min: 0,
                max: Some(DunningSchedule::MAX_RETRIES),
                unique: true,
            },
        ),
        on::<BillingTermsDto>(
            "dunning_retry_days",
            Rule::each(Rule::Range(1, DunningSchedule::MAX_DAY.into())),
        ),
        on::<BillingTermsDto>("past_due_grace_days", Rule::Range(0, MAX_GRACE_DAYS.into())),
        on::<LevelDto>("name", Rule::Text(MAX_LEVEL_NAME_CHARS)),
        // A space without levels answers with none, but levels are set one or more at a time.
        on_request::<LevelRulesDto>(
            "levels",
            Rule::Items {
                min: 1,
                max: Some(MAX_LEVELS),
                unique: false,
            },
        ),
        on::<AdjustPoints>(
            "delta",
            Rule::Range(-MAX_POINTS_ADJUSTMENT, MAX_POINTS_ADJUSTMENT),
        ),
        on::<AdjustPoints>("delta", Rule::Except(0)),
        on::<AdjustPoints>("reason", Rule::Text(MAX_POINTS_REASON)),
    ]
}
