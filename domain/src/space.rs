//! The Space aggregate: one creator's tenant, its settings, and the API keys issued for it.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::gamification::points::PointsRules;
use crate::ids::KeyId;
use crate::membership::level::LevelRules;
use crate::membership::terms::BillingTerms;
use crate::values::{Currency, Slug};
use serde::{Deserialize, Serialize};

/// What a space-scoped API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyRole {
    /// Manages the space.
    Creator,
    /// Reads the space and its event history.
    Auditor,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SpaceCommand {
    Create {
        slug: Slug,
        name: String,
        currency: Currency,
    },
    ChangeSettings {
        name: Option<String>,
        description: Option<String>,
    },
    IssueKey {
        key_id: KeyId,
        role: KeyRole,
        prefix: String,
    },
    /// Replaces the billing terms; the same terms again change nothing.
    SetBillingTerms { terms: BillingTerms },
    /// Replaces the member levels; the same levels again change nothing.
    SetLevelRules { rules: LevelRules },
    /// Replaces the points each action earns and the daily caps; the same rules again change
    /// nothing.
    SetPointsRules { rules: PointsRules },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum SpaceEvent {
    SpaceCreated {
        slug: Slug,
        name: String,
        currency: Currency,
    },
    SpaceSettingsChanged {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    ApiKeyIssued {
        key_id: KeyId,
        role: KeyRole,
        prefix: String,
    },
    /// The terms every later payment, renewal schedule and access check uses.
    BillingTermsChanged {
        terms: BillingTerms,
    },
    LevelRulesChanged {
        rules: LevelRules,
    },
    /// The points rules every action recorded after this event earns under.
    PointsRulesSet {
        rules: PointsRules,
    },
}

impl DomainEvent for SpaceEvent {
    fn event_type(&self) -> &'static str {
        match self {
            SpaceEvent::SpaceCreated { .. } => "SpaceCreated",
            SpaceEvent::SpaceSettingsChanged { .. } => "SpaceSettingsChanged",
            SpaceEvent::ApiKeyIssued { .. } => "ApiKeyIssued",
            SpaceEvent::BillingTermsChanged { .. } => "BillingTermsChanged",
            SpaceEvent::LevelRulesChanged { .. } => "LevelRulesChanged",
            SpaceEvent::PointsRulesSet { .. } => "PointsRulesSet",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Space {
    pub created: Option<SpaceState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpaceState {
    pub slug: Slug,
    pub name: String,
    pub currency: Currency,
    pub description: String,
    pub terms: BillingTerms,
    /// `None` until the creator sets levels.
    pub levels: Option<LevelRules>,
    /// Nothing earns points until the creator sets rules.
    pub points_rules: PointsRules,
}

/// The longest space name, in characters once trimmed.
pub const MAX_SPACE_NAME: usize = 120;
/// The longest space description, in characters once trimmed.
pub const MAX_SPACE_DESCRIPTION: usize = 2000;

impl Aggregate for Space {
    const TYPE: &'static str = "space";
    type Command = SpaceCommand;
    type Event = SpaceEvent;

    fn decide(&self, command: SpaceCommand) -> Result<Vec<SpaceEvent>, DomainError> {
        match (command, &self.created) {
            (SpaceCommand::Create { .. }, Some(_)) => {
                Err(DomainError::new(Code::Conflict, "space already exists"))
            }
            (
                SpaceCommand::Create {
                    slug,
                    name,
                    currency,
                },
                None,
            ) => Ok(vec![SpaceEvent::SpaceCreated {
                slug,
                name: crate::values::bounded_text("name", &name, MAX_SPACE_NAME)?,
                currency,
            }]),
            (_, None) => Err(DomainError::not_found("space")),
            (SpaceCommand::ChangeSettings { name, description }, Some(state)) => {
                let name = name
                    .map(|n| crate::values::bounded_text("name", &n, MAX_SPACE_NAME))
                    .transpose()?
                    .filter(|n| *n != state.name);
                let description = description
                    .map(|d| d.trim().to_owned())
                    .filter(|d| *d != state.description);
                if description
                    .as_ref()
                    .is_some_and(|d| d.chars().count() > MAX_SPACE_DESCRIPTION)
                {
                    return Err(DomainError::validation(format!(
                        "description must be at most {MAX_SPACE_DESCRIPTION} characters"
                    )));
                }
                if name.is_none() && description.is_none() {
                    return Ok(vec![]);
                }
                Ok(vec![SpaceEvent::SpaceSettingsChanged { name, description }])
            }
            (
                SpaceCommand::IssueKey {
                    key_id,
                    role,
                    prefix,
                },
                Some(_),
            ) => Ok(vec![SpaceEvent::ApiKeyIssued {
                key_id,
                role,
                prefix,
            }]),
            (SpaceCommand::SetBillingTerms { terms }, Some(state)) if terms == state.terms => {
                Ok(vec![])
            }
            (SpaceCommand::SetBillingTerms { terms }, Some(_)) => {
                Ok(vec![SpaceEvent::BillingTermsChanged { terms }])
            }
            (SpaceCommand::SetLevelRules { rules }, Some(state))
                if state.levels.as_ref() == Some(&rules) =>
            {
                Ok(vec![])
            }
            (SpaceCommand::SetLevelRules { rules }, Some(_)) => {
                Ok(vec![SpaceEvent::LevelRulesChanged { rules }])
            }
            (SpaceCommand::SetPointsRules { rules }, Some(state))
                if state.points_rules == rules =>
            {
                Ok(vec![])
            }
            (SpaceCommand::SetPointsRules { rules }, Some(_)) => {
                Ok(vec![SpaceEvent::PointsRulesSet { rules }])
            }
        }
    }

    fn apply(&mut self, event: &SpaceEvent) {
        match event {
            SpaceEvent::SpaceCreated {
                slug,
                name,
                currency,
            } => {
                self.created = Some(SpaceState {
                    slug: slug.clone(),
                    name: name.clone(),
                    currency: *currency,
                    description: String::new(),
                    terms: BillingTerms::default(),
                    levels: None,
                    points_rules: PointsRules::default(),
                })
            }
            SpaceEvent::SpaceSettingsChanged { name, description } => {
                if let Some(state) = &mut self.created {
                    if let Some(name) = name {
                        state.name = name.clone();
                    }
                    if let Some(description) = description {
                        state.description = description.clone();
                    }
                }
            }
            SpaceEvent::ApiKeyIssued { .. } => {}
            SpaceEvent::BillingTermsChanged { terms } => {
                if let Some(state) = &mut self.created {
                    state.terms = terms.clone();
                }
            }
            SpaceEvent::LevelRulesChanged { rules } => {
                if let Some(state) = &mut self.created {
                    state.levels = Some(rules.clone());
                }
            }
            SpaceEvent::PointsRulesSet { rules } => {
                if let Some(state) = &mut self.created {
                    state.points_rules = rules.clone();
                }
            }
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Space {
    const NOUN: &'static str = "space";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};

    fn created() -> SpaceEvent {
        SpaceEvent::SpaceCreated {
            slug: Slug::parse("deep-work").unwrap_or_else(|e| panic!("{e}")),
            name: "Deep Work".into(),
            currency: Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}")),
        }
    }

    fn create(name: &str) -> SpaceCommand {
        match created() {
            SpaceEvent::SpaceCreated { slug, currency, .. } => SpaceCommand::Create {
                slug,
                name: name.into(),
                currency,
            },
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_new_space_is_created_with_a_trimmed_name() {
        given_no_history::<Space>()
            .when(create("  Deep Work "))
            .then_expect_events(vec![created()]);
    }

    #[test]
    fn a_space_cannot_be_created_twice() {
        given::<Space>(vec![created()])
            .when(create("Deep Work"))
            .then_expect_error(Code::Conflict);
    }

    #[test]
    fn a_blank_name_is_refused() {
        given_no_history::<Space>()
            .when(create("   "))
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn settings_change_only_what_differs() {
        given::<Space>(vec![created()])
            .when(SpaceCommand::ChangeSettings {
                name: Some("Deep Work".into()),
                description: Some("Focus, weekly.".into()),
            })
            .then_expect_events(vec![SpaceEvent::SpaceSettingsChanged {
                name: None,
                description: Some("Focus, weekly.".into()),
            }]);
    }

    #[test]
    fn unchanged_settings_emit_nothing() {
        given::<Space>(vec![created()])
            .when(SpaceCommand::ChangeSettings {
                name: Some("Deep Work".into()),
                description: None,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn settings_of_a_missing_space_are_not_found() {
        given_no_history::<Space>()
            .when(SpaceCommand::ChangeSettings {
                name: Some("x".into()),
                description: None,
            })
            .then_expect_error(Code::NotFound);
    }

    #[test]
    fn keys_are_issued_for_existing_spaces_only() {
        let key_id = KeyId::new();
        let issue = SpaceCommand::IssueKey {
            key_id,
            role: KeyRole::Auditor,
            prefix: "lyc_ak_abcd".into(),
        };
        given::<Space>(vec![created()])
            .when(issue.clone())
            .then_expect_events(vec![SpaceEvent::ApiKeyIssued {
                key_id,
                role: KeyRole::Auditor,
                prefix: "lyc_ak_abcd".into(),
            }]);
        given_no_history::<Space>()
            .when(issue)
            .then_expect_error(Code::NotFound);
    }

    fn terms(fee_bps: u32) -> BillingTerms {
        use crate::membership::subscription::DunningSchedule;
        use crate::membership::terms::RefundAccess;
        BillingTerms::new(
            fee_bps,
            500,
            DunningSchedule::default(),
            3,
            RefundAccess::Keep,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn billing_terms_are_recorded_once_and_the_same_terms_again_emit_nothing() {
        given::<Space>(vec![created()])
            .when(SpaceCommand::SetBillingTerms {
                terms: terms(1_000),
            })
            .then_expect_events(vec![SpaceEvent::BillingTermsChanged {
                terms: terms(1_000),
            }]);
        given::<Space>(vec![
            created(),
            SpaceEvent::BillingTermsChanged {
                terms: terms(1_000),
            },
        ])
        .when(SpaceCommand::SetBillingTerms {
            terms: terms(1_000),
        })
        .then_expect_events(vec![]);
    }

    #[test]
    fn the_default_terms_again_emit_nothing() {
        given::<Space>(vec![created()])
            .when(SpaceCommand::SetBillingTerms {
                terms: BillingTerms::default(),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn level_rules_are_recorded_and_replaced() {
        let rules = |top: &str| {
            LevelRules::new(vec![(0, "Newcomer".into()), (100, top.into())])
                .unwrap_or_else(|e| panic!("{e}"))
        };
        given::<Space>(vec![
            created(),
            SpaceEvent::LevelRulesChanged {
                rules: rules("Regular"),
            },
        ])
        .when(SpaceCommand::SetLevelRules {
            rules: rules("Scholar"),
        })
        .then_expect_events(vec![SpaceEvent::LevelRulesChanged {
            rules: rules("Scholar"),
        }]);
        given_no_history::<Space>()
            .when(SpaceCommand::SetLevelRules {
                rules: rules("Regular"),
            })
            .then_expect_error(Code::NotFound);
    }

    #[test]
    fn points_rules_are_recorded_and_the_same_rules_again_emit_nothing() {
        use crate::gamification::points::{Action, ActionRule};
        let rules = |points| {
            PointsRules::new([(
                Action::CheckedIn,
                ActionRule {
                    points,
                    daily_cap: Some(20),
                },
            )])
            .unwrap_or_else(|e| panic!("{e}"))
        };
        given::<Space>(vec![created()])
            .when(SpaceCommand::SetPointsRules { rules: rules(10) })
            .then_expect_events(vec![SpaceEvent::PointsRulesSet { rules: rules(10) }]);
        given::<Space>(vec![
            created(),
            SpaceEvent::PointsRulesSet { rules: rules(10) },
        ])
        .when(SpaceCommand::SetPointsRules { rules: rules(10) })
        .then_expect_events(vec![]);
        given::<Space>(vec![created()])
            .when(SpaceCommand::SetPointsRules {
                rules: PointsRules::default(),
            })
            .then_expect_events(vec![]);
        given_no_history::<Space>()
            .when(SpaceCommand::SetPointsRules { rules: rules(10) })
            .then_expect_error(Code::NotFound);
    }
}
