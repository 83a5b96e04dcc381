//! `/v1/spaces/{space}/topics`: the space's topic graph, and filing content under tags and
//! topics (`/v1/spaces/{space}/content/{id}/tags`).

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{
    ContentItem, DefineTopic, RelateTopics, TagContent, TopicDto, TopicGraph, TopicRelationDto,
};
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, get, post, put};

/// Define a topic
///
/// Adds a topic to the space's knowledge graph. Names are unique in a space (ignoring case).
#[utoipa::path(
    tag = "content",
    request_body = DefineTopic,
    responses((status = 201, description = "The topic.", body = TopicDto)),
)]
#[post("/v1/spaces/{space}/topics")]
#[tracing::instrument(skip_all)]
pub async fn define_topic(
    call: Call,
    path: Path<String>,
    body: Json<DefineTopic>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |_state, auth, space| {
        service::topics::define(auth, space, body.0.clone())
    })
    .await
}

/// Relate two topics
///
/// Records that this topic is a prerequisite of, or related to, another topic of the space.
/// A prerequisite that would lead back to this topic is refused with `validation_failed`;
/// relating them the same way again records nothing.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The topic's id")),
    request_body = RelateTopics,
    responses((status = 200, description = "The relation.", body = TopicRelationDto)),
)]
#[post("/v1/spaces/{space}/topics/{id}/relations")]
#[tracing::instrument(skip_all)]
pub async fn relate_topics(
    call: Call,
    path: Path<(String, String)>,
    body: Json<RelateTopics>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::topics::relate(state, auth, space, &id, body.0.clone()).await
    })
    .await
}

/// Get the topic graph
///
/// Every topic of the space, by name, and every relation between them. Member sessions may
/// read it too; filter the catalog by a topic with `GET /v1/spaces/{space}/content?topic=…`.
#[utoipa::path(
    tag = "content",
    params(("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The topic graph.", body = TopicGraph)),
)]
#[get("/v1/spaces/{space}/topics")]
#[tracing::instrument(skip_all)]
pub async fn get_topic_graph(
    call: Call,
    path: Path<String>,
    _fresh: Fresh<read_model::Content>,
) -> Result<Json<TopicGraph>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    Ok(Json(service::topics::graph(&call.state, &space).await?))
}

/// Tag a content item
///
/// Replaces the item's tags and topics. Tags are trimmed and lower-cased; topics must be of
/// this space. Setting the same ones again records nothing.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    request_body = TagContent,
    responses((status = 200, description = "The item with its tags and topics.", body = ContentItem)),
)]
#[put("/v1/spaces/{space}/content/{id}/tags")]
#[tracing::instrument(skip_all)]
pub async fn tag_content(
    call: Call,
    path: Path<(String, String)>,
    body: Json<TagContent>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::content::tags::tag(state, auth, space, &id, body.0.clone()).await
    })
    .await
}
