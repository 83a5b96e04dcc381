//! GraphQL queries over the read models.

use super::call::in_space;
use super::error::{OrGql, caller};
use super::types::{ContentItem, list};
use crate::space::Intent;
use crate::state::AppState;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};

#[derive(Default)]
pub struct Query;

/// Named apart from the merged root [`super::Query`], which GraphQL sees as `Query`.
#[Object(name = "CoreQuery")]
impl Query {
    /// A content item by id. Null if it does not exist or is in a space the key may not see.
    async fn content_item(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<ContentItem>> {
        let (auth, state) = (caller(ctx)?, ctx.data::<AppState>()?);
        crate::service::catalog::find(state, auth, &id)
            .await
            .or_gql()
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
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::MemberRead).await?;
        let viewer = crate::service::catalog::viewer(state, auth, space.id)
            .await
            .or_gql()?;
        let key = |c: &ContentItem| c.id.to_string();
        list(first, after, key, |page| {
            crate::service::feed::page(state, &viewer, &space, page)
        })
        .await
    }
}
