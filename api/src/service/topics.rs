//! The topic graph: defining topics (names unique in a space, reserved with the event) and
//! relating them, refusing a prerequisite that would close a cycle.

use super::{InSpace, decide_loaded, load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{DefineTopic, RelateTopics, RelationDto, TopicDto, TopicGraph, TopicRelationDto};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::content::topic::{Relation, Topic, TopicCommand, TopicEvent, TopicRef};
use lyceum_domain::ids::TopicId;
use lyceum_domain::{Aggregate, DomainError};
use lyceum_store::command::append_for;
use std::sync::Arc;

/// Plans `POST /v1/spaces/{space}/topics`.
pub fn define(
    auth: &Auth,
    space: &SpaceRef,
    input: DefineTopic,
) -> Result<Planned<TopicDto>, ApiError> {
    let id = TopicId::new();
    let events = Topic::default().decide(TopicCommand::Define {
        space_id: space.id,
        name: input.name,
        description: input.description,
    })?;
    let Some(TopicEvent::TopicDefined {
        name, description, ..
    }) = events.first().cloned()
    else {
        return Err(ApiError::internal(anyhow::anyhow!("no topic was defined")));
    };
    let reserve = lyceum_store::catalog::reserve_topic_name(space.id.0, &name, id.0);
    let append = append_for::<Topic>(
        id.0,
        0,
        &events,
        metadata(auth, Some(space.id)),
        vec![Arc::new(reserve)],
    )?;
    let output = TopicDto {
        id: id.0,
        space_id: space.id.0,
        name,
        description,
        created_at: append.occurred().to_owned(),
    };
    Ok(Planned::new(Outcome::Created, output, append))
}

/// Plans `POST /v1/spaces/{space}/topics/{id}/relations`.
pub async fn relate(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    topic_id: &str,
    input: RelateTopics,
) -> Result<Planned<TopicRelationDto>, ApiError> {
    let id = parse_id(topic_id, "topic")?;
    let loaded = load_in_space::<Topic>(&state.db, space.id, id).await?;
    let other = load_in_space::<Topic>(&state.db, space.id, input.topic_id)
        .await
        .map_err(|_| {
            ApiError::from(DomainError::validation(format!(
                "topic_id: topic {} does not exist in this space",
                input.topic_id
            )))
        })?;
    let relation = match input.relation {
        RelationDto::PrerequisiteOf => Relation::PrerequisiteOf,
        RelationDto::RelatedTo => Relation::RelatedTo,
    };
    let graph =
        lyceum_projections::topics::queries::topic_relations(&state.db, &space.id.to_string())
            .await?;
    let command = TopicCommand::Relate {
        this: TopicId(id),
        other: TopicRef {
            id: TopicId(input.topic_id),
            space_id: other.state.space_id().unwrap_or(space.id),
        },
        relation,
        closes_cycle: lyceum_projections::topics::queries::leads_to(&graph, input.topic_id, id),
    };
    let decision = decide_loaded(auth, space, id, loaded, command)?;
    Ok(decision.planned(TopicRelationDto {
        from_topic_id: id,
        to_topic_id: input.topic_id,
        relation: input.relation,
    }))
}

/// `GET /v1/spaces/{space}/topics`: every topic and relation of the space.
pub async fn graph(state: &AppState, space: &SpaceRef) -> Result<TopicGraph, ApiError> {
    let space_id = space.id.to_string();
    Ok(TopicGraph {
        topics: lyceum_projections::topics::queries::topics(&state.db, &space_id)
            .await?
            .into_iter()
            .map(TopicDto::from)
            .collect(),
        relations: lyceum_projections::topics::queries::topic_relations(&state.db, &space_id)
            .await?
            .into_iter()
            .map(TopicRelationDto::from)
            .collect(),
    })
}
