//! GraphQL mutations that take an API key: the same commands as REST, through the same service
//! layer, and the plumbing every mutation shares.

use super::call::{in_space, payload};
use super::error::OrGql;
use super::types::{AccessPolicy, ContentItem, ContentKind, Payload};
use crate::dto;
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use async_graphql::{Context, ID, InputObject, Object};
use lyceum_domain::content::ContentCommand;
use uuid::Uuid;

/// The mutations that take an API key (see [`super::membership`] for those a member session
/// may make too).
#[derive(Default)]
pub struct CreatorMutation;

#[derive(InputObject)]
pub struct AccessInput {
    pub policy: AccessPolicy,
    pub tier_ids: Option<Vec<ID>>,
    /// The price in minor units, for the `PURCHASE` policy.
    pub price_minor: Option<i64>,
}

#[derive(InputObject)]
pub struct CreateContentInput {
    pub kind: ContentKind,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: AccessInput,
    /// What the item is in your other system, unique in the space (see REST's `external_id`).
    pub external_id: Option<String>,
}

#[derive(InputObject)]
pub struct EditContentInput {
    pub title: Option<String>,
    pub body: Option<String>,
    pub excerpt: Option<String>,
    pub access: Option<AccessInput>,
}

pub(super) fn parse_uuid(id: &ID, noun: &str) -> Result<Uuid, ApiError> {
    service::parse_id(id, noun)
}

impl AccessInput {
    fn into_dto(self) -> Result<dto::AccessDto, ApiError> {
        Ok(match self.policy {
            AccessPolicy::Public => dto::AccessDto::Public {},
            AccessPolicy::Members => dto::AccessDto::Members {},
            AccessPolicy::Purchase => dto::AccessDto::Purchase {
                price_minor: self.price_minor.unwrap_or_default(),
            },
            AccessPolicy::Tiers => dto::AccessDto::Tiers {
                tier_ids: self
                    .tier_ids
                    .unwrap_or_default()
                    .iter()
                    .map(|id| parse_uuid(id, "tier"))
                    .collect::<Result<_, _>>()?,
            },
        })
    }
}

fn content_kind(kind: ContentKind) -> dto::ContentKindDto {
    match kind {
        ContentKind::Post => dto::ContentKindDto::Post,
        ContentKind::Article => dto::ContentKindDto::Article,
        ContentKind::Course => dto::ContentKindDto::Course,
        ContentKind::Lesson => dto::ContentKindDto::Lesson,
        ContentKind::Column => dto::ContentKindDto::Column,
    }
}

#[Object]
impl CreatorMutation {
    /// Creates a draft.
    async fn create_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: CreateContentInput,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::CreateContent {
            kind: content_kind(input.kind),
            title: input.title,
            body: input.body,
            excerpt: input.excerpt,
            access: input.access.into_dto().or_gql()?,
            external_id: input.external_id,
        };
        let planned = service::content::create(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Edits a content item.
    async fn edit_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        input: EditContentInput,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::EditContent {
            title: input.title,
            body: input.body,
            excerpt: input.excerpt,
            access: input
                .access
                .map(AccessInput::into_dto)
                .transpose()
                .or_gql()?,
        };
        let command = service::content::edit_command(input);
        let planned = service::content::change(state, auth, &space, &id, command).await;
        payload(state, planned).await
    }

    /// Publishes a content item.
    async fn publish_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned =
            service::content::change(state, auth, &space, &id, ContentCommand::Publish).await;
        payload(state, planned).await
    }

    /// Unpublishes a content item.
    async fn unpublish_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned =
            service::content::change(state, auth, &space, &id, ContentCommand::Unpublish).await;
        payload(state, planned).await
    }
}
