//! GraphQL queries over the catalog, the topic graph and questions, for API keys and member
//! sessions alike. A member reads what the REST catalog shows them: published items, locked
//! (no body) where their access does not cover them, in lists, search results and nested
//! `parts` too.

use super::error::{OrGql, any_caller, gql};
use super::types::list;
use crate::dto::{ContentItem, ContentKindDto, ContentStatus, QuestionDto, Revision, TopicGraph};
use crate::service::{self, catalog};
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object};
use lyceum_domain::Code;
use lyceum_projections::content::queries::ContentFilter;

/// Which items a catalog shows; every field is optional.
#[derive(InputObject, Default)]
pub struct CatalogFilter {
    /// Only items in this status (API keys only: members see published items).
    pub status: Option<ContentStatus>,
    pub kind: Option<ContentKindDto>,
    /// Only items filed under this topic.
    pub topic_id: Option<ID>,
    pub tag: Option<String>,
    /// Only the items the creator features.
    pub featured: Option<bool>,
    /// Only the item with this external id (the one an import or a migration gave it).
    pub external_id: Option<String>,
}

impl From<CatalogFilter> for ContentFilter {
    fn from(f: CatalogFilter) -> Self {
        ContentFilter {
            status: f.status.map(|s| s.as_str().to_owned()),
            kind: f.kind.map(|k| kind_name(k).to_owned()),
            topic_id: f.topic_id.map(|t| t.0),
            tag: f.tag.map(|t| t.trim().to_lowercase()),
            featured: f.featured.unwrap_or(false),
            external_id: f.external_id,
        }
    }
}

/// The catalog, topic and question queries.
#[derive(Default)]
pub struct CatalogQuery;

async fn space_for<'a>(
    ctx: &Context<'a>,
    space: &str,
    intent: Intent,
) -> async_graphql::Result<(&'a AppState, SpaceRef, catalog::Viewer)> {
    let auth = any_caller(ctx)?;
    let state = ctx.data::<AppState>()?;
    let space = resolve(state, auth, space, intent).await.or_gql()?;
    let viewer = catalog::viewer(state, auth, space.id).await.or_gql()?;
    Ok((state, space, viewer))
}

fn kind_name(kind: ContentKindDto) -> &'static str {
    match kind {
        ContentKindDto::Post => "post",
        ContentKindDto::Article => "article",
        ContentKindDto::Course => "course",
        ContentKindDto::Lesson => "lesson",
        ContentKindDto::Column => "column",
    }
}

fn item_key(item: &ContentItem) -> String {
    item.id.to_string()
}

#[Object]
impl CatalogQuery {
    /// The space's catalog, newest first, narrowed by `filter`. Members see published items.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn catalog(
        &self,
        ctx: &Context<'_>,
        space: String,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<CatalogFilter>,
    ) -> async_graphql::Result<Connection<String, ContentItem>> {
        let (state, space, viewer) = space_for(ctx, &space, Intent::MemberRead).await?;
        let filter = filter.map(ContentFilter::from).unwrap_or_default();
        list(first, after, item_key, |page| {
            catalog::list(state, &viewer, space.id, filter, page)
        })
        .await
    }

    /// One item of the catalog, as the caller may see it. Null if it does not exist (or, for a
    /// member, is not published).
    async fn catalog_item(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Option<ContentItem>> {
        let (state, space, viewer) = space_for(ctx, &space, Intent::MemberRead).await?;
        match catalog::get(state, &viewer, space.id, &id).await {
            Ok(item) => Ok(Some(item)),
            Err(e) if e.code == Code::NotFound => Ok(None),
            Err(e) => Err(gql(e)),
        }
    }

    /// Items holding every word of `query` in their title, excerpt or body, newest first. A
    /// member finds an item they may not read by its title or excerpt only, and it comes
    /// locked.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        space: String,
        query: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, ContentItem>> {
        let (state, space, viewer) = space_for(ctx, &space, Intent::MemberRead).await?;
        list(first, after, item_key, |page| {
            service::search::search(state, &viewer, space.id, &query, page)
        })
        .await
    }

    /// An item's revisions, newest first (API keys only).
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn content_revisions(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Revision>> {
        let (state, space, _) = space_for(ctx, &space, Intent::Read).await?;
        let key = |r: &Revision| r.revision.to_string();
        list(first, after, key, |page| {
            catalog::revisions(state, space.id, &id, page)
        })
        .await
    }

    /// The space's topics and the relations between them.
    async fn topic_graph(
        &self,
        ctx: &Context<'_>,
        space: String,
    ) -> async_graphql::Result<TopicGraph> {
        let (state, space, _) = space_for(ctx, &space, Intent::MemberRead).await?;
        let graph = service::topics::graph(state, &space).await.or_gql()?;
        Ok(graph)
    }

    /// The space's questions, newest first, without their answers.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn questions(
        &self,
        ctx: &Context<'_>,
        space: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, QuestionDto>> {
        let (state, space, _) = space_for(ctx, &space, Intent::MemberRead).await?;
        let key = |q: &QuestionDto| q.id.to_string();
        list(first, after, key, |page| {
            service::questions::list(state, &space, page)
        })
        .await
    }

    /// One question with its answers. Null if it does not exist.
    async fn question(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Option<QuestionDto>> {
        let (state, space, _) = space_for(ctx, &space, Intent::MemberRead).await?;
        match service::questions::get(state, &space, &id).await {
            Ok(question) => Ok(Some(question)),
            Err(e) if e.code == Code::NotFound => Ok(None),
            Err(e) => Err(gql(e)),
        }
    }
}
