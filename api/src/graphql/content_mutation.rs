//! GraphQL mutations on content beyond drafting and publishing (see [`super::mutation`]):
//! schedules, archives, featured flags, parts, tags and the topic graph, and the guest role.
//! They take an API key, through the same service layer as REST.

use super::call::{in_space, payload};
use super::error::OrGql;
use super::mutation::parse_uuid;
use super::types::Payload;
use crate::dto::{
    self, ContentItem, ContentParts, DefineTopic, GuestRole, RelationDto, TopicDto,
    TopicRelationDto,
};
use crate::service;
use crate::space::Intent;
use async_graphql::{Context, ID, InputObject, Object};
use lyceum_domain::content::ContentCommand;

#[derive(Default)]
pub struct ContentMutation;

/// A relation from one topic to another.
#[derive(InputObject)]
pub struct RelateTopicsInput {
    pub topic_id: ID,
    /// The other topic, of the same space.
    pub other_topic_id: ID,
    pub relation: RelationDto,
}

/// An item's tags and topics, replacing the previous ones.
#[derive(InputObject)]
pub struct TagContentInput {
    pub tags: Vec<String>,
    pub topic_ids: Vec<ID>,
}

fn ids(ids: &[ID], noun: &str) -> async_graphql::Result<Vec<uuid::Uuid>> {
    ids.iter().map(|id| parse_uuid(id, noun).or_gql()).collect()
}

impl ContentMutation {
    async fn content(
        &self,
        ctx: &Context<'_>,
        space: &str,
        id: &ID,
        command: ContentCommand,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(space), Intent::Write).await?;
        let planned = service::content::change(state, auth, &space, id, command).await;
        payload(state, planned).await
    }
}

#[Object]
impl ContentMutation {
    /// Publishes a draft or unpublished item at `publishAt` (RFC 3339, in the future), once.
    async fn schedule_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        publish_at: String,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let state = ctx.data::<crate::state::AppState>()?;
        let command = service::content::schedule_command(state, &publish_at).or_gql()?;
        self.content(ctx, &space, &id, command).await
    }

    /// Withdraws an item's scheduled publication.
    async fn unschedule_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        self.content(ctx, &space, &id, ContentCommand::Unschedule)
            .await
    }

    /// Retires an item for good.
    async fn archive_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        self.content(ctx, &space, &id, ContentCommand::Archive)
            .await
    }

    /// Sets an item's featured flag.
    async fn feature_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        self.content(ctx, &space, &id, ContentCommand::Feature)
            .await
    }

    /// Clears an item's featured flag.
    async fn unfeature_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        self.content(ctx, &space, &id, ContentCommand::Unfeature)
            .await
    }

    /// Replaces an item's tags and topics.
    async fn tag_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        input: TagContentInput,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::TagContent {
            tags: input.tags,
            topic_ids: ids(&input.topic_ids, "topic")?,
        };
        let planned = service::content::tags::tag(state, auth, &space, &id, input).await;
        payload(state, planned).await
    }

    /// Appends a lesson to a course, or an article to a column.
    async fn add_content_part(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        part_id: ID,
    ) -> async_graphql::Result<Payload<ContentParts>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::AddPart {
            part_id: parse_uuid(&part_id, "part").or_gql()?,
        };
        let planned = service::content::parts::add(state, auth, &space, &id, input).await;
        payload(state, planned).await
    }

    /// Takes a lesson or an article out of its course or column.
    async fn remove_content_part(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        part_id: ID,
    ) -> async_graphql::Result<Payload<ContentParts>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::content::parts::remove(state, auth, &space, &id, &part_id).await;
        payload(state, planned).await
    }

    /// Puts a course's lessons or a column's articles in a new order (name every one once).
    async fn reorder_content_parts(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        part_ids: Vec<ID>,
    ) -> async_graphql::Result<Payload<ContentParts>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::ReorderParts {
            part_ids: ids(&part_ids, "part")?,
        };
        let planned = service::content::parts::reorder(state, auth, &space, &id, input).await;
        payload(state, planned).await
    }

    /// Adds a topic to the space's knowledge graph.
    async fn define_topic(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: DefineTopic,
    ) -> async_graphql::Result<Payload<TopicDto>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::topics::define(auth, &space, input);
        payload(state, planned).await
    }

    /// Relates one topic to another; prerequisites never form a cycle.
    async fn relate_topics(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: RelateTopicsInput,
    ) -> async_graphql::Result<Payload<TopicRelationDto>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let body = dto::RelateTopics {
            topic_id: parse_uuid(&input.other_topic_id, "topic").or_gql()?,
            relation: input.relation,
        };
        let planned = service::topics::relate(state, auth, &space, &input.topic_id, body).await;
        payload(state, planned).await
    }

    /// Lets a member answer questions.
    async fn grant_guest_role(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
    ) -> async_graphql::Result<Payload<GuestRole>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::questions::set_guest(state, auth, &space, &member_id, true).await;
        payload(state, planned).await
    }

    /// Takes the guest role back.
    async fn revoke_guest_role(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
    ) -> async_graphql::Result<Payload<GuestRole>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::questions::set_guest(state, auth, &space, &member_id, false).await;
        payload(state, planned).await
    }
}
