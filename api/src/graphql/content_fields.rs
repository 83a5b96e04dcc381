//! The nested fields of a content item: its counters, its first comments and its parts, each
//! read as the caller may see it. Batch-loaded where a page of items asks for them.

use super::error::{OrGql, any_caller, gql};
use super::loaders::{LikeKey, LoadError, Loaders, StatsKey, ThreadKey};
use crate::dto::{Comment, ContentItem, ContentKindDto, ItemEngagement};
use crate::error::ApiError;
use crate::service::catalog;
use crate::state::AppState;
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context};
use lyceum_domain::ids::SpaceId;

/// Most comments a nested `comments` field returns per item.
const MAX_NESTED_COMMENTS: i32 = 20;

#[ComplexObject]
impl ContentItem {
    /// The item's counters, and for a member session whether it likes the item. Batch-loaded:
    /// a page of items costs one read for all their counters.
    async fn engagement(&self, ctx: &Context<'_>) -> async_graphql::Result<ItemEngagement> {
        let loaders = loaders(ctx)?;
        let content_id = self.id.to_string();
        let stats = loaders
            .load_one(StatsKey(content_id.clone()))
            .await
            .map_err(load_failed)?
            .unwrap_or_default();
        let liked = match any_caller(ctx)?.member_id() {
            Some(member) => Some(
                loaders
                    .load_one(LikeKey {
                        member_id: member.to_string(),
                        content_id,
                    })
                    .await
                    .map_err(load_failed)?
                    .unwrap_or(false),
            ),
            None => None,
        };
        Ok(ItemEngagement::new(self.id, stats, liked))
    }

    /// The item's first top-level comments (`first`, 1 to 20), oldest first, as its thread
    /// shows them; continue with `comments(contentId, after)`. Empty when the item is locked
    /// for the caller. Batch-loaded: a page of items costs one read for all their comments.
    #[graphql(complexity = "first.max(0) as usize * child_complexity")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 3)] first: i32,
    ) -> async_graphql::Result<Vec<Comment>> {
        if !(1..=MAX_NESTED_COMMENTS).contains(&first) {
            return Err(gql(ApiError::bad_request(format!(
                "`first` must be between 1 and {MAX_NESTED_COMMENTS}"
            ))));
        }
        if self.locked {
            return Ok(Vec::new());
        }
        let viewer = any_caller(ctx)?.member_id();
        let rows = loaders(ctx)?
            .load_one(ThreadKey {
                space_id: self.space_id.to_string(),
                viewer: viewer.map(|m| m.to_string()).unwrap_or_default(),
                first: i64::from(first),
                content_id: self.id.to_string(),
            })
            .await
            .map_err(load_failed)?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Comment::from).collect())
    }

    /// A course's lessons or a column's articles, in order, as the caller may see them: locked
    /// just as the catalog locks them. Empty for other kinds.
    async fn parts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ContentItem>> {
        if !matches!(self.kind, ContentKindDto::Course | ContentKindDto::Column) {
            return Ok(Vec::new());
        }
        let state = ctx.data::<AppState>()?;
        let space = SpaceId(self.space_id);
        // The caller's entitlements, read again: an item does not carry who views it.
        let viewer = catalog::viewer(state, any_caller(ctx)?, space)
            .await
            .or_gql()?;
        catalog::parts(state, &viewer, space, &self.id.to_string())
            .await
            .or_gql()
    }
}

fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DataLoader<Loaders>> {
    ctx.data::<DataLoader<Loaders>>()
}

fn load_failed(error: LoadError) -> async_graphql::Error {
    gql(ApiError::internal(anyhow::anyhow!("{error}")))
}
