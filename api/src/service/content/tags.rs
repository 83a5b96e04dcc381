//! Filing an item under tags and topics. Topic ids must name topics of the same space.

use crate::auth::Auth;
use crate::dto::{ContentItem, TagContent};
use crate::error::ApiError;
use crate::plan::Planned;
use crate::service::load_in_space;
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::content::ContentCommand;
use lyceum_domain::content::topic::Topic;
use lyceum_domain::ids::TopicId;
use lyceum_domain::{Code, DomainError};

/// Plans `PUT /v1/spaces/{space}/content/{id}/tags`.
pub async fn tag(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
    input: TagContent,
) -> Result<Planned<ContentItem>, ApiError> {
    for topic in &input.topic_ids {
        if load_in_space::<Topic>(&state.db, space.id, *topic)
            .await
            .is_err()
        {
            return Err(DomainError::new(
                Code::ValidationFailed,
                format!("topic_ids: topic {topic} does not exist in this space"),
            )
            .into());
        }
    }
    let command = ContentCommand::Tag {
        tags: input.tags,
        topic_ids: input.topic_ids.into_iter().map(TopicId).collect(),
    };
    super::change(state, auth, space, content_id, command).await
}
