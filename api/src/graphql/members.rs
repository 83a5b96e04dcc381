//! The fields of a `Member` beyond its row: subscriptions, orders, entitlements, badges, the
//! points ledger and check-in streaks. A `Member` object only exists once the caller was
//! allowed to see that member (a creator's key in the member's space, or the member's own
//! session as `viewer`), so these fields read by its ids.

use super::call::{done, in_space, payload};
use super::error::{OrGql, any_caller, caller};
use super::mutation::parse_uuid;
use super::types::{Done, Payload, list};
use crate::auth::Role;
use crate::dto;
use crate::dto::{CreateMember, Membership};
use crate::dto::{Member, Order, Subscription};
use crate::service;
use crate::service::reads;
use crate::space::Intent;
use crate::state::AppState;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, Object};

#[derive(Default)]
pub struct MemberQuery;

#[Object(name = "MemberQuery")]
impl MemberQuery {
    /// The signed-in member, for a member session (`lyc_ms_…`); null for an API key.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Member>> {
        let auth = any_caller(ctx)?;
        let Ok((member, space)) = auth.require_member() else {
            return Ok(None);
        };
        let state = ctx.data::<AppState>()?;
        reads::find_member(state, Some(space), member)
            .await
            .or_gql()
    }

    /// A member by id. Null if it does not exist or is in a space the key may not see.
    async fn member(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Member>> {
        let auth = caller(ctx)?;
        let state = ctx.data::<AppState>()?;
        let Ok(id) = uuid::Uuid::parse_str(&id) else {
            return Ok(None);
        };
        let space = match (auth.0.role, auth.0.space_id) {
            (Role::Admin, _) => None,
            (_, Some(space)) => Some(space),
            (_, None) => return Ok(None),
        };
        reads::find_member(state, space, id).await.or_gql()
    }
}

#[derive(Default)]
pub struct MemberMutation;

#[Object]
impl MemberMutation {
    /// Adds a member; their email and display name are sealed with a key of their own.
    async fn add_member(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: CreateMember,
    ) -> async_graphql::Result<Payload<Member>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::members::add(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Makes a member join a free tier.
    async fn join_tier(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        tier_id: ID,
    ) -> async_graphql::Result<Payload<Membership>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let tier = parse_uuid(&tier_id, "tier").or_gql()?;
        let planned = service::members::join(state, auth, &space, &member_id, tier).await;
        payload(state, planned).await
    }

    /// Removes a member from the space.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
    ) -> async_graphql::Result<Done> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        done(
            state,
            service::members::remove(state, auth, &space, &member_id).await,
        )
        .await
    }

    /// Erases a member's personal data by deleting their key.
    async fn erase_personal_data(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
    ) -> async_graphql::Result<Done> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        done(
            state,
            service::members::erase(state, auth, &space, &member_id).await,
        )
        .await
    }

    /// Gives a member points, or takes some back with a negative delta.
    async fn adjust_points(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        delta: i64,
        reason: String,
    ) -> async_graphql::Result<Payload<dto::MemberPoints>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::AdjustPoints { delta, reason };
        let planned = service::terms::adjust_points(state, auth, &space, &member_id, input).await;
        payload(state, planned).await
    }
}

#[ComplexObject]
impl Member {
    /// The member's subscriptions, oldest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn subscriptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Subscription>> {
        let state = ctx.data::<AppState>()?;
        let key = |s: &Subscription| s.id.to_string();
        list(first, after, key, |page| {
            reads::subscriptions(state, self.space_id, self.id, page)
        })
        .await
    }

    /// The member's orders (one-off purchases), oldest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn purchases(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Order>> {
        let state = ctx.data::<AppState>()?;
        let key = |o: &Order| o.id.to_string();
        list(first, after, key, |page| {
            reads::orders(state, self.space_id, self.id, page)
        })
        .await
    }

    /// What the member may access right now.
    async fn entitlements(&self, ctx: &Context<'_>) -> async_graphql::Result<dto::Entitlements> {
        let state = ctx.data::<AppState>()?;
        reads::entitlements(state, self.space_id, self.id)
            .await
            .or_gql()
    }

    /// The badges the member earned, in order.
    async fn badges(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<dto::BadgeDto>> {
        let (state, auth) = (ctx.data::<AppState>()?, any_caller(ctx)?);
        let badges = service::points::badges(state, auth, self.space_id, self.id).await;
        Ok(badges.or_gql()?.data)
    }

    /// The entries behind the member's points, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn points_ledger(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, dto::PointsEntry>> {
        let (state, auth) = (ctx.data::<AppState>()?, any_caller(ctx)?);
        let key = |e: &dto::PointsEntry| e.position.to_string();
        list(first, after, key, |page| async move {
            let (space, member) = (self.space_id, self.id);
            service::points::ledger(state, auth, space, member, page).await
        })
        .await
    }

    /// The member's record in each check-in project they checked in to (at most 100), as of
    /// today in each project's time zone.
    async fn check_in_streaks(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<dto::MemberStreak>> {
        let state = ctx.data::<AppState>()?;
        service::check_ins::member_streaks(state, self.space_id, self.id)
            .await
            .or_gql()
    }
}
