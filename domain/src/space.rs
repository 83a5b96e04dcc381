//! The Space aggregate: one creator's tenant, its settings, and the API keys issued for it.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::KeyId;
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
}

impl DomainEvent for SpaceEvent {
    fn event_type(&self) -> &'static str {
        match self {
            SpaceEvent::SpaceCreated { .. } => "SpaceCreated",
            SpaceEvent::SpaceSettingsChanged { .. } => "SpaceSettingsChanged",
            SpaceEvent::ApiKeyIssued { .. } => "ApiKeyIssued",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Space {
    pub created: Option<SpaceState>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpaceState {
    pub slug: Slug,
    pub name: String,
    pub currency: Currency,
    pub description: String,
}

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
                name: crate::values::bounded_text("name", &name, 120)?,
                currency,
            }]),
            (_, None) => Err(DomainError::not_found("space")),
            (SpaceCommand::ChangeSettings { name, description }, Some(state)) => {
                let name = name
                    .map(|n| crate::values::bounded_text("name", &n, 120))
                    .transpose()?
                    .filter(|n| *n != state.name);
                let description = description
                    .map(|d| d.trim().to_owned())
                    .filter(|d| *d != state.description);
                if description
                    .as_ref()
                    .is_some_and(|d| d.chars().count() > 2000)
                {
                    return Err(DomainError::validation(
                        "description must be at most 2000 characters",
                    ));
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
        }
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
}
