//! GraphQL mutations that take an API key: the same commands as REST, through the same service
//! layer, and the plumbing every mutation shares.

use super::call::in_space;
use super::error::{OrGql, caller};
use super::types::{AccessPolicy, ContentItem, ContentKind, Payload};
use crate::auth::Auth;
use crate::dto;
use crate::error::ApiError;
use crate::plan::Planned;
use crate::plan::commit;
use crate::service;
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
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
            AccessPolicy::Public => dto::AccessDto::Public,
            AccessPolicy::Members => dto::AccessDto::Members,
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

/// Shared plumbing: who is calling, and the space they name, if any.
pub(super) async fn context<'a>(
    ctx: &Context<'a>,
    space: Option<&str>,
) -> async_graphql::Result<(&'a AppState, &'a Auth, Option<SpaceRef>)> {
    let auth = caller(ctx)?;
    let state = ctx.data::<AppState>()?;
    let space = match space {
        Some(space) => Some(resolve(state, auth, space, Intent::Write).await.or_gql()?),
        None => None,
    };
    Ok((state, auth, space))
}

pub(super) async fn finish<T, G: async_graphql::OutputType>(
    state: &AppState,
    planned: Result<Planned<T>, ApiError>,
    map: impl FnOnce(T) -> G,
) -> async_graphql::Result<Payload<G>> {
    let (output, position) = commit(state, planned.or_gql()?).await.or_gql()?;
    Ok(Payload {
        node: map(output),
        position,
    })
}

pub(super) fn need(space: Option<SpaceRef>) -> async_graphql::Result<SpaceRef> {
    space.ok_or_else(|| super::gql(ApiError::not_found("space")))
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
        };
        let planned = service::content::create(state, auth, &space, input).await;
        finish(state, planned, ContentItem::from).await
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
        finish(state, planned, ContentItem::from).await
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
        finish(state, planned, ContentItem::from).await
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
        finish(state, planned, ContentItem::from).await
    }
}
