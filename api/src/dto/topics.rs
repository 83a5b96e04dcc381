//! Request and response bodies for the topic graph.

use super::rules::{FieldRule, Rule, on};
use async_graphql::{Enum, ID, InputObject, SimpleObject};
use lyceum_projections::topics::queries::{TopicRelationRow, TopicRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A topic to define.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, InputObject)]
#[serde(deny_unknown_fields)]
#[graphql(name = "DefineTopicInput")]
#[schema(example = json!({"name": "Deep work", "description": "Long stretches of focus."}))]
pub struct DefineTopic {
    /// 1 to 80 characters, unique in the space.
    pub name: String,
    pub description: Option<String>,
}

/// How one topic relates to another.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Enum, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "TopicRelationKind")]
pub enum RelationDto {
    /// Learn this topic before the other. Prerequisites never form a cycle.
    PrerequisiteOf,
    /// The two go together, either way round.
    RelatedTo,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"topic_id": "0192f0c4-9a7b-7c88-b364-1a2b3c4d5e6f", "relation": "prerequisite_of"}))]
pub struct RelateTopics {
    /// The other topic, of the same space.
    pub topic_id: Uuid,
    pub relation: RelationDto,
}

/// A topic of the space's knowledge graph.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "Topic")]
#[schema(example = json!({"id": "0192f0c4-9a7b-7c88-b364-1a2b3c4d5e6f",
    "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f", "name": "Deep work",
    "description": "Long stretches of focus.", "created_at": "2026-11-21T08:04:00.000000Z"}))]
pub struct TopicDto {
    #[graphql(skip, derived(owned, name = "id", into = "ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "space_id", into = "ID"))]
    pub space_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
}

/// The first topic relates to the second as `relation` says.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "TopicRelation")]
#[schema(example = json!({"from_topic_id": "0192f0c4-9a7b-7c88-b364-1a2b3c4d5e6f",
    "to_topic_id": "0192f0c4-9a7b-7d99-b364-1a2b3c4d5e70", "relation": "prerequisite_of"}))]
pub struct TopicRelationDto {
    #[graphql(skip, derived(owned, name = "from_topic_id", into = "ID"))]
    pub from_topic_id: Uuid,
    #[graphql(skip, derived(owned, name = "to_topic_id", into = "ID"))]
    pub to_topic_id: Uuid,
    pub relation: RelationDto,
}

/// A space's topics and the relations between them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[schema(example = json!({
    "topics": [{"id": "0192f0c4-9a7b-7c88-b364-1a2b3c4d5e6f", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
        "name": "Deep work", "description": null, "created_at": "2026-11-21T08:04:00.000000Z"}],
    "relations": []
}))]
pub struct TopicGraph {
    pub topics: Vec<TopicDto>,
    pub relations: Vec<TopicRelationDto>,
}

impl From<TopicRow> for TopicDto {
    fn from(row: TopicRow) -> Self {
        Self {
            id: row.id,
            space_id: row.space_id,
            name: row.name,
            description: row.description,
            created_at: row.created_at,
        }
    }
}

impl From<TopicRelationRow> for TopicRelationDto {
    fn from(row: TopicRelationRow) -> Self {
        Self {
            from_topic_id: row.from_id,
            to_topic_id: row.to_id,
            relation: match row.relation.as_str() {
                "prerequisite_of" => RelationDto::PrerequisiteOf,
                _ => RelationDto::RelatedTo,
            },
        }
    }
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::content::topic::{MAX_TOPIC_DESCRIPTION, MAX_TOPIC_NAME};
    vec![
        on::<DefineTopic>("name", Rule::Text(MAX_TOPIC_NAME)),
        on::<DefineTopic>("description", Rule::Text(MAX_TOPIC_DESCRIPTION)),
    ]
}
