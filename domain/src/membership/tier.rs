//! The Tier aggregate: a free or paid level of membership in a space.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::SpaceId;
use crate::values::{Currency, bounded_text};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierKind {
    Free,
    Paid,
}

impl TierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TierKind::Free => "free",
            TierKind::Paid => "paid",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TierCommand {
    Define {
        space_id: SpaceId,
        name: String,
        kind: TierKind,
        /// The space's currency, looked up by the caller.
        currency: Currency,
        monthly_price_minor: Option<i64>,
        yearly_price_minor: Option<i64>,
        trial_days: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum TierEvent {
    TierDefined {
        space_id: SpaceId,
        name: String,
        kind: TierKind,
        currency: Currency,
        monthly_price_minor: Option<i64>,
        yearly_price_minor: Option<i64>,
        trial_days: u32,
    },
}

impl DomainEvent for TierEvent {
    fn event_type(&self) -> &'static str {
        match self {
            TierEvent::TierDefined { .. } => "TierDefined",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tier {
    pub defined: Option<TierState>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TierState {
    pub space_id: SpaceId,
    pub kind: TierKind,
}

/// The longest trial a tier may offer.
pub const MAX_TRIAL_DAYS: u32 = 365;

impl Aggregate for Tier {
    const TYPE: &'static str = "tier";
    type Command = TierCommand;
    type Event = TierEvent;

    fn decide(&self, command: TierCommand) -> Result<Vec<TierEvent>, DomainError> {
        let TierCommand::Define {
            space_id,
            name,
            kind,
            currency,
            monthly_price_minor,
            yearly_price_minor,
            trial_days,
        } = command;
        if self.defined.is_some() {
            return Err(DomainError::new(Code::Conflict, "tier already exists"));
        }
        let name = bounded_text("name", &name, 80)?;
        let prices = [monthly_price_minor, yearly_price_minor];
        match kind {
            TierKind::Free => {
                if prices.iter().any(Option::is_some) || trial_days > 0 {
                    return Err(DomainError::validation(
                        "a free tier has no prices and no trial",
                    ));
                }
            }
            TierKind::Paid => {
                if prices.iter().all(Option::is_none) {
                    return Err(DomainError::validation(
                        "a paid tier needs a monthly or a yearly price",
                    ));
                }
                if prices.iter().flatten().any(|p| *p <= 0) {
                    return Err(DomainError::validation(
                        "prices are positive amounts in minor units",
                    ));
                }
                if trial_days > MAX_TRIAL_DAYS {
                    return Err(DomainError::validation(format!(
                        "trial_days must be at most {MAX_TRIAL_DAYS}"
                    )));
                }
            }
        }
        Ok(vec![TierEvent::TierDefined {
            space_id,
            name,
            kind,
            currency,
            monthly_price_minor,
            yearly_price_minor,
            trial_days,
        }])
    }

    fn apply(&mut self, event: &TierEvent) {
        match event {
            TierEvent::TierDefined { space_id, kind, .. } => {
                self.defined = Some(TierState {
                    space_id: *space_id,
                    kind: *kind,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};

    fn define(
        kind: TierKind,
        monthly: Option<i64>,
        yearly: Option<i64>,
        trial: u32,
    ) -> TierCommand {
        TierCommand::Define {
            space_id: SpaceId(uuid::Uuid::nil()),
            name: " Insiders ".into(),
            kind,
            currency: Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}")),
            monthly_price_minor: monthly,
            yearly_price_minor: yearly,
            trial_days: trial,
        }
    }

    fn defined(kind: TierKind, monthly: Option<i64>, yearly: Option<i64>, trial: u32) -> TierEvent {
        TierEvent::TierDefined {
            space_id: SpaceId(uuid::Uuid::nil()),
            name: "Insiders".into(),
            kind,
            currency: Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}")),
            monthly_price_minor: monthly,
            yearly_price_minor: yearly,
            trial_days: trial,
        }
    }

    #[test]
    fn a_free_tier_is_defined() {
        given_no_history::<Tier>()
            .when(define(TierKind::Free, None, None, 0))
            .then_expect_events(vec![defined(TierKind::Free, None, None, 0)]);
    }

    #[test]
    fn a_paid_tier_with_a_yearly_price_and_trial_is_defined() {
        given_no_history::<Tier>()
            .when(define(TierKind::Paid, None, Some(9800), 14))
            .then_expect_events(vec![defined(TierKind::Paid, None, Some(9800), 14)]);
    }

    #[test]
    fn a_free_tier_with_a_price_is_refused() {
        given_no_history::<Tier>()
            .when(define(TierKind::Free, Some(500), None, 0))
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn a_paid_tier_needs_a_positive_price() {
        given_no_history::<Tier>()
            .when(define(TierKind::Paid, None, None, 0))
            .then_expect_error(Code::ValidationFailed);
        given_no_history::<Tier>()
            .when(define(TierKind::Paid, Some(0), None, 0))
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn trials_are_bounded() {
        given_no_history::<Tier>()
            .when(define(TierKind::Paid, Some(500), None, MAX_TRIAL_DAYS + 1))
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn a_tier_is_defined_once() {
        given::<Tier>(vec![defined(TierKind::Free, None, None, 0)])
            .when(define(TierKind::Free, None, None, 0))
            .then_expect_error(Code::Conflict);
    }
}
