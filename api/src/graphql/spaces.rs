//! Spaces in GraphQL: reading one, creating and changing it, its keys, billing terms and levels,
//! and the fields a `Space` resolves (its tiers, members and content).

use super::call::{caller_for, in_space, payload};
use super::error::{OrGql, caller, gql};
use super::types::{ContentItem, ContentStatus};
use super::types::{Payload, list};
use crate::dto;
use crate::dto::{CreateSpace, IssuedKey, KeyRoleDto, Member, Space, Tier, UpdateSpace};
use crate::pagination::{MAX_LIMIT, Slice};
use crate::service;
use crate::service::reads;
use crate::space::{Intent, resolve};
use crate::state::AppState;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, Object};
use lyceum_domain::Code;
use lyceum_domain::ids::SpaceId;
use lyceum_projections::content::queries::ContentFilter;

#[derive(Default)]
pub struct SpaceQuery;

#[Object(name = "SpaceQuery")]
impl SpaceQuery {
    /// A space by slug (or id). Null if it does not exist or the key may not see it.
    async fn space(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Option<Space>> {
        let auth = caller(ctx)?;
        let state = ctx.data::<AppState>()?;
        let space = match resolve(state, auth, &slug, Intent::Read).await {
            Ok(space) => space,
            Err(e) if e.code == Code::NotFound => return Ok(None),
            Err(e) => return Err(gql(e)),
        };
        reads::space(state, space.id.0).await.or_gql()
    }
}

#[derive(Default)]
pub struct SpaceMutation;

#[Object]
impl SpaceMutation {
    /// Creates a space (admin keys only).
    async fn create_space(
        &self,
        ctx: &Context<'_>,
        input: CreateSpace,
    ) -> async_graphql::Result<Payload<Space>> {
        let (state, auth) = caller_for(ctx, Intent::Write)?;
        payload(state, service::spaces::create(auth, input).await).await
    }

    /// Changes a space's name or description.
    async fn update_space(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: UpdateSpace,
    ) -> async_graphql::Result<Payload<Space>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::spaces::update(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Issues a creator or auditor key for a space. The secret is returned once.
    async fn issue_key(
        &self,
        ctx: &Context<'_>,
        space: String,
        role: KeyRoleDto,
    ) -> async_graphql::Result<Payload<IssuedKey>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::keys::issue(state, auth, &space, role).await;
        payload(state, planned).await
    }

    /// Replaces the space's billing terms (all fields).
    async fn set_billing_terms(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: dto::BillingTermsDto,
    ) -> async_graphql::Result<Payload<dto::BillingTermsDto>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::terms::set_terms(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Replaces the space's member levels, lowest first.
    async fn set_levels(
        &self,
        ctx: &Context<'_>,
        space: String,
        levels: Vec<dto::LevelDto>,
    ) -> async_graphql::Result<Payload<dto::LevelRulesDto>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::LevelRulesDto { levels };
        let planned = service::terms::set_levels(state, auth, &space, input).await;
        payload(state, planned).await
    }
}

impl Space {
    fn space_ref(&self) -> crate::space::SpaceRef {
        crate::space::SpaceRef {
            id: lyceum_domain::ids::SpaceId(self.id),
            slug: self.slug.clone(),
        }
    }
}

#[ComplexObject]
impl Space {
    /// The space's billing terms: platform fee, referral commission, dunning, grace, refunds.
    async fn billing_terms(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<dto::BillingTermsDto> {
        let state = ctx.data::<AppState>()?;
        crate::service::terms::get_terms(state, &self.space_ref())
            .await
            .or_gql()
    }

    /// The space's member levels, lowest first (empty until set).
    async fn levels(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<dto::LevelDto>> {
        let state = ctx.data::<AppState>()?;
        Ok(crate::service::terms::get_levels(state, &self.space_ref())
            .await
            .or_gql()?
            .levels)
    }

    /// The space's tiers, oldest first (at most 100).
    async fn tiers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Tier>> {
        let state = ctx.data::<AppState>()?;
        let all = Slice {
            after: None,
            limit: MAX_LIMIT,
        };
        Ok(reads::tiers(state, self.id, all).await.or_gql()?.items)
    }

    /// The space's members, oldest first; with `externalId`, only the member who has it.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        external_id: Option<String>,
    ) -> async_graphql::Result<Connection<String, Member>> {
        let state = ctx.data::<AppState>()?;
        let key = |m: &Member| m.id.to_string();
        list(first, after, key, |page| {
            reads::members(state, self.id, external_id, page)
        })
        .await
    }

    /// The space's content, newest first, optionally of one status.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn content(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<ContentStatus>,
    ) -> async_graphql::Result<Connection<String, ContentItem>> {
        let state = ctx.data::<AppState>()?;
        let filter = ContentFilter {
            status: status.map(|s| s.as_str().to_owned()),
            ..Default::default()
        };
        let key = |c: &ContentItem| c.id.to_string();
        list(first, after, key, |page| async move {
            let space = SpaceId(self.id);
            service::catalog::list(state, &None, space, filter, page).await
        })
        .await
    }
}
