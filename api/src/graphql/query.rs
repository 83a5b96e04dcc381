//! GraphQL queries over the read models.

use super::error::{OrGql, any_caller, caller, gql};
use super::types::{Analytics, ContentItem, Member, MemberSubscription, Space, connection, paging};
use crate::auth::Role;
use crate::dto;
use crate::space::{Intent, resolve};
use crate::state::AppState;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use lyceum_domain::Code;
use lyceum_projections::queries;

#[derive(Default)]
pub struct Query;

/// The space a non-admin key is limited to, as read models store it.
fn scope(auth: &crate::auth::Auth) -> Option<String> {
    match auth.0.role {
        Role::Admin => None,
        _ => Some(auth.0.space_id.map(|s| s.to_string()).unwrap_or_default()),
    }
}

fn uuid(id: &ID) -> Option<String> {
    uuid::Uuid::parse_str(id).ok().map(|u| u.to_string())
}

/// Named apart from the merged root [`super::Query`], which GraphQL sees as `Query`.
#[Object(name = "CoreQuery")]
impl Query {
    /// The signed-in member, for a member session (`lyc_ms_…`); null for an API key.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Member>> {
        let auth = any_caller(ctx)?;
        let Ok((member, space)) = auth.require_member() else {
            return Ok(None);
        };
        let state = ctx.data::<AppState>()?;
        let row = queries::member(&state.db, Some(&space.to_string()), &member.to_string())
            .await
            .or_gql()?;
        Ok(row.map(|r| Member::from(dto::Member::from(r))))
    }

    /// A space by slug (or id). Null if it does not exist or the key may not see it.
    async fn space(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Option<Space>> {
        let auth = caller(ctx)?;
        let state = ctx.data::<AppState>()?;
        let space = match resolve(state, auth, &slug, Intent::Read).await {
            Ok(space) => space,
            Err(e) if e.code == Code::NotFound => return Ok(None),
            Err(e) => return Err(gql(e)),
        };
        let row = queries::space(&state.db, &space.id.to_string())
            .await
            .or_gql()?;
        Ok(row.map(|r| Space::from(dto::Space::from(r))))
    }

    /// A member's subscriptions, oldest first. Empty for a member the key may not see.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn member_subscriptions(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, MemberSubscription>> {
        let auth = caller(ctx)?;
        let state = ctx.data::<AppState>()?;
        let space = resolve(state, auth, &space, Intent::Read).await.or_gql()?;
        let member = crate::service::parse_id(&member_id, "member").or_gql()?;
        let (first, after) = paging(first, after)?;
        let page = queries::subscriptions(
            &state.db,
            &space.id.to_string(),
            &member.to_string(),
            after.as_deref(),
            first,
        )
        .await
        .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |s| s.id.clone(),
            |s| MemberSubscription::from(dto::Subscription::from(s)),
        ))
    }

    /// The space's revenue analytics: MRR per currency and per tier, subscriptions by status
    /// and monthly cohorts. For creator, auditor and admin keys.
    async fn analytics(
        &self,
        ctx: &Context<'_>,
        space: String,
    ) -> async_graphql::Result<Analytics> {
        let auth = caller(ctx)?;
        let state = ctx.data::<AppState>()?;
        let space = resolve(state, auth, &space, Intent::Read).await.or_gql()?;
        let summary = crate::service::analytics::summary(state, &space.id.to_string())
            .await
            .or_gql()?;
        Ok(Analytics::from(summary))
    }

    /// A member by id. Null if it does not exist or is in a space the key may not see.
    async fn member(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Member>> {
        let auth = caller(ctx)?;
        let state = ctx.data::<AppState>()?;
        let Some(id) = uuid(&id) else { return Ok(None) };
        let row = queries::member(&state.db, scope(auth).as_deref(), &id)
            .await
            .or_gql()?;
        Ok(row.map(|r| Member::from(dto::Member::from(r))))
    }

    /// A content item by id. Null if it does not exist or is in a space the key may not see.
    async fn content_item(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<ContentItem>> {
        let auth = caller(ctx)?;
        let state = ctx.data::<AppState>()?;
        let Some(id) = uuid(&id) else { return Ok(None) };
        let row = queries::content_item(&state.db, scope(auth).as_deref(), &id)
            .await
            .or_gql()?;
        Ok(row.map(ContentItem::from))
    }

    /// The caller's feed in a space: published items it may read, newest first. A member
    /// session sees only what it may open; an API key sees every published item.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn feed(
        &self,
        ctx: &Context<'_>,
        space: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, ContentItem>> {
        let auth = any_caller(ctx)?;
        let state = ctx.data::<AppState>()?;
        let space = resolve(state, auth, &space, Intent::MemberRead)
            .await
            .or_gql()?;
        let (first, after) = paging(first, after)?;
        let viewer = crate::service::catalog::viewer(state, auth, space.id)
            .await
            .or_gql()?;
        let page = crate::service::feed::page(state, &viewer, &space, after.clone(), first)
            .await
            .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |c| c.id.to_string(),
            std::convert::identity,
        ))
    }
}
