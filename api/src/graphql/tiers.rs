//! Tiers in GraphQL: defining, changing and archiving them (a space lists them, see
//! [`super::spaces`]).

use super::call::{in_space, payload};
use super::types::Payload;
use crate::dto::{CreateTier, Tier, UpdateTier};
use crate::service;
use crate::space::Intent;
use async_graphql::{Context, ID, Object};

#[derive(Default)]
pub struct TierMutation;

#[Object]
impl TierMutation {
    /// Defines a free or paid tier.
    async fn define_tier(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: CreateTier,
    ) -> async_graphql::Result<Payload<Tier>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::tiers::create(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Changes a tier's name, prices for new subscriptions, or trial. (To move a subscription
    /// to another tier, use `changeTier`.)
    async fn update_tier(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        input: UpdateTier,
    ) -> async_graphql::Result<Payload<Tier>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let command = service::tiers::change_command(input);
        let planned = service::tiers::change(state, auth, &space, &id, command).await;
        payload(state, planned).await
    }

    /// Archives a tier: it takes no new members.
    async fn archive_tier(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<Tier>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let command = lyceum_domain::membership::tier::TierCommand::Archive;
        let planned = service::tiers::change(state, auth, &space, &id, command).await;
        payload(state, planned).await
    }
}
