//! The Tier aggregate: a free or paid level of membership in a space. Its name, prices and trial
//! can change and it can be archived; a price change applies to new subscriptions only (a
//! subscription keeps the price it started with), and an archived tier takes no new members.

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
    /// Changes what is given; fields left `None` keep their value.
    Change {
        name: Option<String>,
        monthly_price_minor: Option<i64>,
        yearly_price_minor: Option<i64>,
        trial_days: Option<u32>,
    },
    /// Stops the tier taking new members. Repeating it changes nothing.
    Archive,
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
    TierRenamed {
        name: String,
    },
    /// The prices for new subscriptions; existing ones keep theirs.
    TierPricesChanged {
        monthly_price_minor: Option<i64>,
        yearly_price_minor: Option<i64>,
    },
    TierTrialChanged {
        trial_days: u32,
    },
    TierArchived {},
}

impl DomainEvent for TierEvent {
    fn event_type(&self) -> &'static str {
        match self {
            TierEvent::TierDefined { .. } => "TierDefined",
            TierEvent::TierRenamed { .. } => "TierRenamed",
            TierEvent::TierPricesChanged { .. } => "TierPricesChanged",
            TierEvent::TierTrialChanged { .. } => "TierTrialChanged",
            TierEvent::TierArchived {} => "TierArchived",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Tier {
    pub defined: Option<TierState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TierState {
    pub space_id: SpaceId,
    pub kind: TierKind,
    pub name: String,
    pub currency: Currency,
    pub monthly_price_minor: Option<i64>,
    pub yearly_price_minor: Option<i64>,
    pub trial_days: u32,
    pub archived: bool,
}

/// Checks a tier's terms: a free tier has no prices and no trial; a paid one has at least one
/// positive price and a bounded trial.
fn check_terms(
    kind: TierKind,
    monthly_price_minor: Option<i64>,
    yearly_price_minor: Option<i64>,
    trial_days: u32,
) -> Result<(), DomainError> {
    let prices = [monthly_price_minor, yearly_price_minor];
    match kind {
        TierKind::Free if prices.iter().any(Option::is_some) || trial_days > 0 => Err(
            DomainError::validation("a free tier has no prices and no trial"),
        ),
        TierKind::Free => Ok(()),
        TierKind::Paid if prices.iter().all(Option::is_none) => Err(DomainError::validation(
            "a paid tier needs a monthly or a yearly price",
        )),
        TierKind::Paid if prices.iter().flatten().any(|p| *p <= 0) => Err(DomainError::validation(
            "prices are positive amounts in minor units",
        )),
        TierKind::Paid if trial_days > MAX_TRIAL_DAYS => Err(DomainError::validation(format!(
            "trial_days must be at most {MAX_TRIAL_DAYS}"
        ))),
        TierKind::Paid => Ok(()),
    }
}

impl TierState {
    fn change(
        &self,
        name: Option<String>,
        monthly_price_minor: Option<i64>,
        yearly_price_minor: Option<i64>,
        trial_days: Option<u32>,
    ) -> Result<Vec<TierEvent>, DomainError> {
        if self.archived {
            return Err(DomainError::transition("an archived tier cannot change"));
        }
        let name = name
            .map(|n| bounded_text("name", &n, MAX_TIER_NAME))
            .transpose()?
            .filter(|n| *n != self.name);
        let monthly = monthly_price_minor.or(self.monthly_price_minor);
        let yearly = yearly_price_minor.or(self.yearly_price_minor);
        let trial = trial_days.unwrap_or(self.trial_days);
        check_terms(self.kind, monthly, yearly, trial)?;
        let mut events = Vec::new();
        if let Some(name) = name {
            events.push(TierEvent::TierRenamed { name });
        }
        if (monthly, yearly) != (self.monthly_price_minor, self.yearly_price_minor) {
            events.push(TierEvent::TierPricesChanged {
                monthly_price_minor: monthly,
                yearly_price_minor: yearly,
            });
        }
        if trial != self.trial_days {
            events.push(TierEvent::TierTrialChanged { trial_days: trial });
        }
        Ok(events)
    }
}

/// The longest trial a tier may offer.
pub const MAX_TRIAL_DAYS: u32 = 365;
/// The longest tier name, in characters once trimmed.
pub const MAX_TIER_NAME: usize = 80;

impl Aggregate for Tier {
    const TYPE: &'static str = "tier";
    type Command = TierCommand;
    type Event = TierEvent;

    fn decide(&self, command: TierCommand) -> Result<Vec<TierEvent>, DomainError> {
        match (command, &self.defined) {
            (TierCommand::Define { .. }, Some(_)) => {
                Err(DomainError::new(Code::Conflict, "tier already exists"))
            }
            (
                TierCommand::Define {
                    space_id,
                    name,
                    kind,
                    currency,
                    monthly_price_minor,
                    yearly_price_minor,
                    trial_days,
                },
                None,
            ) => {
                let name = bounded_text("name", &name, MAX_TIER_NAME)?;
                check_terms(kind, monthly_price_minor, yearly_price_minor, trial_days)?;
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
            (_, None) => Err(DomainError::not_found("tier")),
            (
                TierCommand::Change {
                    name,
                    monthly_price_minor,
                    yearly_price_minor,
                    trial_days,
                },
                Some(state),
            ) => state.change(name, monthly_price_minor, yearly_price_minor, trial_days),
            (TierCommand::Archive, Some(state)) if state.archived => Ok(vec![]),
            (TierCommand::Archive, Some(_)) => Ok(vec![TierEvent::TierArchived {}]),
        }
    }

    fn apply(&mut self, event: &TierEvent) {
        if let TierEvent::TierDefined {
            space_id,
            name,
            kind,
            currency,
            monthly_price_minor,
            yearly_price_minor,
            trial_days,
        } = event
        {
            self.defined = Some(TierState {
                space_id: *space_id,
                kind: *kind,
                name: name.clone(),
                currency: *currency,
                monthly_price_minor: *monthly_price_minor,
                yearly_price_minor: *yearly_price_minor,
                trial_days: *trial_days,
                archived: false,
            });
            return;
        }
        let Some(state) = &mut self.defined else {
            return;
        };
        match event {
            TierEvent::TierDefined { .. } => {}
            TierEvent::TierRenamed { name } => state.name = name.clone(),
            TierEvent::TierPricesChanged {
                monthly_price_minor,
                yearly_price_minor,
            } => {
                state.monthly_price_minor = *monthly_price_minor;
                state.yearly_price_minor = *yearly_price_minor;
            }
            TierEvent::TierTrialChanged { trial_days } => state.trial_days = *trial_days,
            TierEvent::TierArchived {} => state.archived = true,
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Tier {
    const NOUN: &'static str = "tier";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.defined.as_ref().map(|t| t.space_id)
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

    fn change(monthly: Option<i64>, yearly: Option<i64>, trial: Option<u32>) -> TierCommand {
        TierCommand::Change {
            name: None,
            monthly_price_minor: monthly,
            yearly_price_minor: yearly,
            trial_days: trial,
        }
    }

    #[test]
    fn a_price_change_records_the_new_prices_and_keeps_the_other() {
        given::<Tier>(vec![defined(TierKind::Paid, Some(500), Some(5000), 0)])
            .when(change(Some(700), None, None))
            .then_expect_events(vec![TierEvent::TierPricesChanged {
                monthly_price_minor: Some(700),
                yearly_price_minor: Some(5000),
            }]);
    }

    #[test]
    fn an_unchanged_tier_records_nothing() {
        given::<Tier>(vec![defined(TierKind::Paid, Some(500), None, 7)])
            .when(TierCommand::Change {
                name: Some("Insiders".into()),
                monthly_price_minor: Some(500),
                yearly_price_minor: None,
                trial_days: Some(7),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn renames_and_trials_change_separately() {
        given::<Tier>(vec![defined(TierKind::Paid, Some(500), None, 0)])
            .when(TierCommand::Change {
                name: Some(" Patrons ".into()),
                monthly_price_minor: None,
                yearly_price_minor: None,
                trial_days: Some(30),
            })
            .then_expect_events(vec![
                TierEvent::TierRenamed {
                    name: "Patrons".into(),
                },
                TierEvent::TierTrialChanged { trial_days: 30 },
            ]);
    }

    #[test]
    fn a_free_tier_cannot_gain_a_price_and_prices_stay_positive() {
        given::<Tier>(vec![defined(TierKind::Free, None, None, 0)])
            .when(change(Some(100), None, None))
            .then_expect_error(Code::ValidationFailed);
        given::<Tier>(vec![defined(TierKind::Paid, Some(500), None, 0)])
            .when(change(Some(-1), None, None))
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn an_archived_tier_cannot_change_and_archiving_again_is_quiet() {
        let history = vec![
            defined(TierKind::Paid, Some(500), None, 0),
            TierEvent::TierArchived {},
        ];
        given::<Tier>(history.clone())
            .when(change(Some(700), None, None))
            .then_expect_error(Code::InvalidTransition);
        given::<Tier>(history)
            .when(TierCommand::Archive)
            .then_expect_events(vec![]);
        given::<Tier>(vec![defined(TierKind::Free, None, None, 0)])
            .when(TierCommand::Archive)
            .then_expect_events(vec![TierEvent::TierArchived {}]);
    }

    #[test]
    fn a_missing_tier_cannot_change() {
        given_no_history::<Tier>()
            .when(TierCommand::Archive)
            .then_expect_error(Code::NotFound);
    }
}
