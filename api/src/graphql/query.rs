//! GraphQL queries over the read models.

use super::error::{OrGql, caller, gql};
use super::types::{ContentItem, Member, Space};
use crate::auth::Role;
use crate::dto;
use crate::space::{Intent, resolve};
use crate::state::AppState;
use async_graphql::{Context, ID, Object};
use lyceum_domain::Code;
use lyceum_projections::queries;

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

#[Object]
impl Query {
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
        Ok(row.map(|r| ContentItem::from(dto::ContentItem::from(r))))
    }
}
