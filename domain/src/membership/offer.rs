//! Offers and coupons: the Offer aggregate (a code with a discount, a duration, limits and a
//! purpose) and [`AppliedOffer`], the snapshot a subscription keeps of an offer it was given, with
//! the pure rule for the discounted price of each billing cycle.
//!
//! An offer is redeemed once per member. Redeeming records the member on the offer's stream;
//! the caller then passes [`OfferState::applied_offer`] to the subscription (`Start` for sign-up
//! offers, `ApplyOffer` for retention offers). Code uniqueness within a space is a read-model
//! check, like slugs: the aggregate only sees its own stream.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::{MemberId, SpaceId, TierId};
use crate::money::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::ops::RangeInclusive;

/// The longest repeating duration an offer may have, in months.
pub const MAX_OFFER_MONTHS: u32 = 60;

/// How long an offer code may be, in characters (all ASCII) once trimmed.
pub const CODE_LEN: RangeInclusive<usize> = 3..=32;
/// The largest percent discount, in basis points: 100 %.
pub const MAX_DISCOUNT_BPS: u32 = 10_000;

/// A redeemable code: 3 to 32 characters of `A-Z`, `0-9` and `-`, stored upper-case so that
/// `summer-24` and `SUMMER-24` are the same code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfferCode(String);

impl OfferCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code = raw.trim().to_ascii_uppercase();
        let ok_chars = code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !CODE_LEN.contains(&code.len()) || !ok_chars {
            return Err(DomainError::validation(
                "an offer code is 3-32 characters of A-Z, 0-9 and '-'",
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OfferCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OfferCode> for String {
    fn from(value: OfferCode) -> Self {
        value.0
    }
}

impl fmt::Display for OfferCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How much an offer takes off a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Discount {
    /// A share of the price in basis points (1 to 10 000, where 10 000 is 100 %).
    Percent { basis_points: u32 },
    /// A fixed amount off; the price never goes below zero.
    Fixed { amount: Money },
}

impl Discount {
    fn validate(&self) -> Result<(), DomainError> {
        match self {
            Discount::Percent { basis_points }
                if !(1..=MAX_DISCOUNT_BPS).contains(basis_points) =>
            {
                Err(DomainError::validation(
                    "a percent discount is 1 to 10000 basis points",
                ))
            }
            Discount::Fixed { amount } if amount.minor <= 0 => Err(DomainError::validation(
                "a fixed discount is a positive amount",
            )),
            _ => Ok(()),
        }
    }

    /// `base` with the discount taken off, never below zero.
    pub fn apply(&self, base: Money) -> Result<Money, DomainError> {
        if base.minor < 0 {
            return Err(DomainError::validation("a price is never negative"));
        }
        let off = match self {
            Discount::Percent { basis_points } => base.scale(i64::from(*basis_points), 10_000)?,
            Discount::Fixed { amount } => *amount,
        };
        let price = base.checked_sub(off)?;
        Ok(if price.minor < 0 {
            Money::zero(base.currency)
        } else {
            price
        })
    }
}

/// For how many billing cycles the discount applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OfferDuration {
    /// The first charge only.
    Once,
    /// The first `months` monthly cycles.
    Months { months: u32 },
    /// Every charge.
    Forever,
}

impl OfferDuration {
    /// Whether the discount applies to monthly cycle `cycle` (1 = the first charge).
    pub fn covers(&self, cycle: u32) -> bool {
        match self {
            OfferDuration::Once => cycle == 1,
            OfferDuration::Months { months } => cycle <= *months,
            OfferDuration::Forever => true,
        }
    }
}

/// Where an offer may be used: when signing up, or to keep a member who wants to leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferPurpose {
    SignUp,
    Retention,
}

/// What a subscription keeps of an offer it was given: enough to price every later cycle even
/// if the offer is archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedOffer {
    pub code: OfferCode,
    pub discount: Discount,
    pub duration: OfferDuration,
    pub purpose: OfferPurpose,
}

impl AppliedOffer {
    /// The price of billing cycle `cycle` (1 = the first charge with this offer) for a base price.
    /// Cycles are monthly; a subscription billed yearly maps its cycles onto months first.
    pub fn price_for_cycle(&self, base: Money, cycle: u32) -> Result<Money, DomainError> {
        if cycle == 0 {
            return Err(DomainError::validation("billing cycles are counted from 1"));
        }
        if let Discount::Fixed { amount } = self.discount
            && amount.currency != base.currency
        {
            return Err(DomainError::validation(format!(
                "the offer's discount is in {}, the price in {}",
                amount.currency, base.currency
            )));
        }
        if self.duration.covers(cycle) {
            self.discount.apply(base)
        } else if base.minor < 0 {
            Err(DomainError::validation("a price is never negative"))
        } else {
            Ok(base)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum OfferCommand {
    Create {
        space_id: SpaceId,
        /// The raw code as typed; normalised to upper case.
        code: String,
        discount: Discount,
        duration: OfferDuration,
        /// How many members may redeem it; `None` for no limit.
        max_redemptions: Option<u32>,
        expires_at: Option<DateTime<Utc>>,
        purpose: OfferPurpose,
        /// The tiers it applies to, checked by the caller to exist in the space; empty = any.
        tier_ids: Vec<TierId>,
        now: DateTime<Utc>,
    },
    Redeem {
        member_id: MemberId,
        tier_id: TierId,
        now: DateTime<Utc>,
    },
    Archive {
        now: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum OfferEvent {
    OfferCreated {
        space_id: SpaceId,
        code: OfferCode,
        discount: Discount,
        duration: OfferDuration,
        max_redemptions: Option<u32>,
        expires_at: Option<DateTime<Utc>>,
        purpose: OfferPurpose,
        tier_ids: Vec<TierId>,
        created_at: DateTime<Utc>,
    },
    OfferRedeemed {
        member_id: MemberId,
        tier_id: TierId,
        redeemed_at: DateTime<Utc>,
    },
    OfferArchived {
        archived_at: DateTime<Utc>,
    },
}

impl DomainEvent for OfferEvent {
    fn event_type(&self) -> &'static str {
        match self {
            OfferEvent::OfferCreated { .. } => "OfferCreated",
            OfferEvent::OfferRedeemed { .. } => "OfferRedeemed",
            OfferEvent::OfferArchived { .. } => "OfferArchived",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Offer {
    pub state: Option<OfferState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OfferState {
    pub space_id: SpaceId,
    pub code: OfferCode,
    pub discount: Discount,
    pub duration: OfferDuration,
    pub max_redemptions: Option<u32>,
    pub expires_at: Option<DateTime<Utc>>,
    pub purpose: OfferPurpose,
    pub tier_ids: Vec<TierId>,
    pub redeemed_by: BTreeSet<MemberId>,
    pub archived: bool,
}

impl OfferState {
    /// Why `member_id` may not redeem this offer for `tier_id` at `now`, if they may not. The
    /// caller can ask before charging anything; `Redeem` applies the same rules.
    pub fn check_redeemable(
        &self,
        member_id: MemberId,
        tier_id: TierId,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        if self.archived {
            return Err(DomainError::transition("the offer was archived"));
        }
        if self.expires_at.is_some_and(|at| now >= at) {
            return Err(DomainError::transition("the offer has expired"));
        }
        if self
            .max_redemptions
            .is_some_and(|max| self.redeemed_by.len() >= max as usize)
        {
            return Err(DomainError::transition(
                "the offer has been redeemed as often as it may be",
            ));
        }
        if !self.tier_ids.is_empty() && !self.tier_ids.contains(&tier_id) {
            return Err(DomainError::validation(
                "the offer does not apply to this tier",
            ));
        }
        if self.redeemed_by.contains(&member_id) {
            return Err(DomainError::transition(
                "the member already redeemed this offer",
            ));
        }
        Ok(())
    }

    /// The snapshot a subscription keeps.
    pub fn applied_offer(&self) -> AppliedOffer {
        AppliedOffer {
            code: self.code.clone(),
            discount: self.discount,
            duration: self.duration,
            purpose: self.purpose,
        }
    }
}

impl Aggregate for Offer {
    const TYPE: &'static str = "offer";
    type Command = OfferCommand;
    type Event = OfferEvent;

    fn decide(&self, command: OfferCommand) -> Result<Vec<OfferEvent>, DomainError> {
        match (&self.state, command) {
            (Some(_), OfferCommand::Create { .. }) => {
                Err(DomainError::new(Code::Conflict, "offer already exists"))
            }
            (
                None,
                OfferCommand::Create {
                    space_id,
                    code,
                    discount,
                    duration,
                    max_redemptions,
                    expires_at,
                    purpose,
                    tier_ids,
                    now,
                },
            ) => {
                let code = OfferCode::parse(&code)?;
                discount.validate()?;
                if let OfferDuration::Months { months } = duration
                    && !(1..=MAX_OFFER_MONTHS).contains(&months)
                {
                    return Err(DomainError::validation(format!(
                        "a repeating offer lasts 1 to {MAX_OFFER_MONTHS} months"
                    )));
                }
                if max_redemptions == Some(0) {
                    return Err(DomainError::validation(
                        "max_redemptions must be at least 1 when given",
                    ));
                }
                if expires_at.is_some_and(|at| at <= now) {
                    return Err(DomainError::validation("expires_at must be in the future"));
                }
                let mut unique = Vec::with_capacity(tier_ids.len());
                for tier_id in tier_ids {
                    if !unique.contains(&tier_id) {
                        unique.push(tier_id);
                    }
                }
                Ok(vec![OfferEvent::OfferCreated {
                    space_id,
                    code,
                    discount,
                    duration,
                    max_redemptions,
                    expires_at,
                    purpose,
                    tier_ids: unique,
                    created_at: now,
                }])
            }
            (None, _) => Err(DomainError::not_found("offer")),
            (
                Some(state),
                OfferCommand::Redeem {
                    member_id,
                    tier_id,
                    now,
                },
            ) => {
                state.check_redeemable(member_id, tier_id, now)?;
                Ok(vec![OfferEvent::OfferRedeemed {
                    member_id,
                    tier_id,
                    redeemed_at: now,
                }])
            }
            // Archiving again changes nothing and is not an error.
            (Some(state), OfferCommand::Archive { .. }) if state.archived => Ok(vec![]),
            (Some(_), OfferCommand::Archive { now }) => {
                Ok(vec![OfferEvent::OfferArchived { archived_at: now }])
            }
        }
    }

    fn apply(&mut self, event: &OfferEvent) {
        match event {
            OfferEvent::OfferCreated {
                space_id,
                code,
                discount,
                duration,
                max_redemptions,
                expires_at,
                purpose,
                tier_ids,
                created_at: _,
            } => {
                self.state = Some(OfferState {
                    space_id: *space_id,
                    code: code.clone(),
                    discount: *discount,
                    duration: *duration,
                    max_redemptions: *max_redemptions,
                    expires_at: *expires_at,
                    purpose: *purpose,
                    tier_ids: tier_ids.clone(),
                    redeemed_by: BTreeSet::new(),
                    archived: false,
                })
            }
            OfferEvent::OfferRedeemed { member_id, .. } => {
                if let Some(state) = &mut self.state {
                    state.redeemed_by.insert(*member_id);
                }
            }
            OfferEvent::OfferArchived { .. } => {
                if let Some(state) = &mut self.state {
                    state.archived = true;
                }
            }
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Offer {
    const NOUN: &'static str = "offer";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|o| o.space_id)
    }
}

#[cfg(test)]
mod tests;
