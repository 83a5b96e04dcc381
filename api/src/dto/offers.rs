//! The wire shapes of offers and coupons.

use super::rules::{FieldRule, Format, Rule, on};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// How much an offer takes off.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DiscountDto {
    /// A share of the price in basis points: 2000 is 20 %.
    Percent { basis_points: u32 },
    /// A fixed amount off, in minor units of the space's currency; never below zero.
    Fixed { amount_minor: i64 },
}

/// For how many charges the discount applies.
// `Once {}` and `Forever {}` are empty structs so that they refuse unknown fields (see
// `AccessDto`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DurationDto {
    Once {},
    Months { months: u32 },
    Forever {},
}

/// Where an offer may be used.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PurposeDto {
    SignUp,
    Retention,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "WELCOME20", "discount": {"kind": "percent", "basis_points": 2000},
    "duration": {"kind": "months", "months": 3}, "max_redemptions": 100,
    "expires_at": "2027-01-01T00:00:00Z", "purpose": "sign_up", "tier_ids": []}))]
pub struct CreateOffer {
    /// 3-32 characters of A-Z, 0-9 and '-'; case does not matter.
    pub code: String,
    pub discount: DiscountDto,
    pub duration: DurationDto,
    pub max_redemptions: Option<u32>,
    /// RFC 3339; the offer cannot be redeemed from then on.
    pub expires_at: Option<String>,
    pub purpose: PurposeDto,
    /// The tiers it applies to; empty for any.
    #[serde(default)]
    pub tier_ids: Vec<Uuid>,
}

/// An offer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(example = json!({"id": "0192f0c4-b192-74aa-b586-3c4d5e6f7081", "code": "WELCOME20",
    "discount": {"kind": "percent", "basis_points": 2000}, "duration": {"kind": "months", "months": 3},
    "max_redemptions": 100, "redemptions": 7, "expires_at": "2027-01-01T00:00:00.000000Z",
    "purpose": "sign_up", "tier_ids": [], "archived": false, "created_at": "2026-11-21T08:30:00.000000Z"}))]
pub struct Offer {
    pub id: Uuid,
    pub code: String,
    pub discount: DiscountDto,
    pub duration: DurationDto,
    pub max_redemptions: Option<u32>,
    pub redemptions: u32,
    pub expires_at: Option<String>,
    pub purpose: PurposeDto,
    pub tier_ids: Vec<Uuid>,
    pub archived: bool,
    pub created_at: String,
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::membership::offer::{MAX_DISCOUNT_BPS, MAX_OFFER_MONTHS};
    vec![
        on::<DiscountDto>("basis_points", Rule::Range(1, MAX_DISCOUNT_BPS.into())),
        on::<DiscountDto>("amount_minor", Rule::AtLeast(1)),
        on::<DurationDto>("months", Rule::Range(1, MAX_OFFER_MONTHS.into())),
        on::<CreateOffer>("code", Rule::Pattern(super::patterns::offer_code())),
        on::<CreateOffer>("max_redemptions", Rule::AtLeast(1)),
        on::<CreateOffer>("expires_at", Rule::Format(Format::DateTime)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn refused<T: serde::de::DeserializeOwned>(value: Value) -> bool {
        serde_json::from_value::<T>(value).is_err()
    }

    #[test]
    fn every_variant_refuses_unknown_fields() {
        for ok in [
            json!({"kind": "once"}),
            json!({"kind": "months", "months": 3}),
            json!({"kind": "forever"}),
        ] {
            let mut extra = ok.clone();
            extra["x"] = json!(1);
            assert!(!refused::<DurationDto>(ok), "{extra}");
            assert!(refused::<DurationDto>(extra));
        }
        for ok in [
            json!({"kind": "percent", "basis_points": 2000}),
            json!({"kind": "fixed", "amount_minor": 500}),
        ] {
            let mut extra = ok.clone();
            extra["x"] = json!(1);
            assert!(!refused::<DiscountDto>(ok), "{extra}");
            assert!(refused::<DiscountDto>(extra));
        }
    }
}
