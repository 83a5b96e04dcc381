//! The Topic aggregate: a node of a space's small knowledge graph. A topic is defined once and
//! related to others: as a prerequisite of another topic (which must never lead back to itself),
//! or as simply related. Items are filed under topics (see `ContentCommand::Tag`).

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::{SpaceId, TopicId};
use crate::values::bounded_text;
use serde::{Deserialize, Serialize};

/// The most characters a topic's name may have.
pub const MAX_TOPIC_NAME: usize = 80;
/// The most characters a topic's description may have.
pub const MAX_TOPIC_DESCRIPTION: usize = 1000;
/// The most relations one topic may have.
pub const MAX_RELATIONS: usize = 100;

/// How one topic relates to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// This topic is learned before the other.
    PrerequisiteOf,
    /// The two go together; the relation has no direction.
    RelatedTo,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::PrerequisiteOf => "prerequisite_of",
            Relation::RelatedTo => "related_to",
        }
    }
}

/// Another topic, as the caller looked it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicRef {
    pub id: TopicId,
    pub space_id: SpaceId,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TopicCommand {
    Define {
        space_id: SpaceId,
        name: String,
        description: Option<String>,
    },
    Relate {
        /// This topic's own id.
        this: TopicId,
        other: TopicRef,
        relation: Relation,
        /// For a prerequisite: whether `other` already leads to this topic through
        /// prerequisites, so that the new relation would close a cycle. The caller walks the
        /// graph.
        closes_cycle: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum TopicEvent {
    TopicDefined {
        space_id: SpaceId,
        name: String,
        description: Option<String>,
    },
    /// This topic relates to `topic_id` as `relation` says.
    TopicsRelated {
        topic_id: TopicId,
        relation: Relation,
    },
}

impl DomainEvent for TopicEvent {
    fn event_type(&self) -> &'static str {
        match self {
            TopicEvent::TopicDefined { .. } => "TopicDefined",
            TopicEvent::TopicsRelated { .. } => "TopicsRelated",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Topic {
    pub state: Option<TopicState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TopicState {
    pub space_id: SpaceId,
    pub name: String,
    pub relations: Vec<(TopicId, Relation)>,
}

fn relate(
    state: &TopicState,
    this: TopicId,
    other: TopicRef,
    relation: Relation,
    closes_cycle: bool,
) -> Result<Vec<TopicEvent>, DomainError> {
    if other.space_id != state.space_id {
        return Err(DomainError::not_found("topic"));
    }
    if other.id == this {
        return Err(DomainError::validation("a topic is not related to itself"));
    }
    if state.relations.contains(&(other.id, relation)) {
        return Ok(vec![]);
    }
    if relation == Relation::PrerequisiteOf && closes_cycle {
        return Err(DomainError::validation(
            "the other topic already leads to this one: prerequisites must not form a cycle",
        ));
    }
    if state.relations.len() >= MAX_RELATIONS {
        return Err(DomainError::validation(format!(
            "a topic has at most {MAX_RELATIONS} relations"
        )));
    }
    Ok(vec![TopicEvent::TopicsRelated {
        topic_id: other.id,
        relation,
    }])
}

impl Aggregate for Topic {
    const TYPE: &'static str = "topic";
    type Command = TopicCommand;
    type Event = TopicEvent;

    fn decide(&self, command: TopicCommand) -> Result<Vec<TopicEvent>, DomainError> {
        match (&self.state, command) {
            (
                None,
                TopicCommand::Define {
                    space_id,
                    name,
                    description,
                },
            ) => Ok(vec![TopicEvent::TopicDefined {
                space_id,
                name: bounded_text("name", &name, MAX_TOPIC_NAME)?,
                description: description
                    .map(|d| bounded_text("description", &d, MAX_TOPIC_DESCRIPTION))
                    .transpose()?,
            }]),
            (None, _) => Err(DomainError::not_found("topic")),
            (Some(_), TopicCommand::Define { .. }) => {
                Err(DomainError::new(Code::Conflict, "topic already exists"))
            }
            (
                Some(state),
                TopicCommand::Relate {
                    this,
                    other,
                    relation,
                    closes_cycle,
                },
            ) => relate(state, this, other, relation, closes_cycle),
        }
    }

    fn apply(&mut self, event: &TopicEvent) {
        match event {
            TopicEvent::TopicDefined { space_id, name, .. } => {
                self.state = Some(TopicState {
                    space_id: *space_id,
                    name: name.clone(),
                    relations: Vec::new(),
                })
            }
            TopicEvent::TopicsRelated { topic_id, relation } => {
                if let Some(state) = &mut self.state {
                    state.relations.push((*topic_id, *relation));
                }
            }
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Topic {
    const NOUN: &'static str = "topic";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|t| t.space_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};
    use uuid::Uuid;

    const SPACE: SpaceId = SpaceId(Uuid::nil());
    const THIS: TopicId = TopicId(Uuid::from_u128(1));
    const BASICS: TopicRef = TopicRef {
        id: TopicId(Uuid::from_u128(2)),
        space_id: SPACE,
    };

    fn defined() -> TopicEvent {
        TopicEvent::TopicDefined {
            space_id: SPACE,
            name: "Ownership".into(),
            description: None,
        }
    }

    fn relate(other: TopicRef, relation: Relation, closes_cycle: bool) -> TopicCommand {
        TopicCommand::Relate {
            this: THIS,
            other,
            relation,
            closes_cycle,
        }
    }

    #[test]
    fn a_topic_is_defined_with_a_checked_name() {
        given_no_history::<Topic>()
            .when(TopicCommand::Define {
                space_id: SPACE,
                name: " Ownership ".into(),
                description: None,
            })
            .then_expect_events(vec![defined()]);
        given_no_history::<Topic>()
            .when(TopicCommand::Define {
                space_id: SPACE,
                name: "x".repeat(MAX_TOPIC_NAME + 1),
                description: None,
            })
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn topics_are_related_once() {
        let related = TopicEvent::TopicsRelated {
            topic_id: BASICS.id,
            relation: Relation::PrerequisiteOf,
        };
        given::<Topic>(vec![defined()])
            .when(relate(BASICS, Relation::PrerequisiteOf, false))
            .then_expect_events(vec![related.clone()]);
        given::<Topic>(vec![defined(), related])
            .when(relate(BASICS, Relation::PrerequisiteOf, false))
            .then_expect_events(vec![]);
    }

    #[test]
    fn prerequisites_never_form_a_cycle_but_related_topics_may_loop() {
        given::<Topic>(vec![defined()])
            .when(relate(BASICS, Relation::PrerequisiteOf, true))
            .then_expect_error(Code::ValidationFailed);
        given::<Topic>(vec![defined()])
            .when(relate(BASICS, Relation::RelatedTo, true))
            .then_expect_events(vec![TopicEvent::TopicsRelated {
                topic_id: BASICS.id,
                relation: Relation::RelatedTo,
            }]);
    }

    #[test]
    fn a_topic_is_not_related_to_itself_or_to_another_space() {
        let itself = TopicRef {
            id: THIS,
            space_id: SPACE,
        };
        given::<Topic>(vec![defined()])
            .when(relate(itself, Relation::RelatedTo, false))
            .then_expect_error(Code::ValidationFailed);
        let foreign = TopicRef {
            space_id: SpaceId(Uuid::from_u128(9)),
            ..BASICS
        };
        given::<Topic>(vec![defined()])
            .when(relate(foreign, Relation::RelatedTo, false))
            .then_expect_error(Code::NotFound);
    }
}
