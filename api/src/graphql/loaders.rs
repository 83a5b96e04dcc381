//! Batch loaders for fields nested in lists: a page of items asks for its counters, its
//! viewer's likes and its first comments in one query each, whatever the page size. The
//! loaders keep no cache, so every request reads the read models as they are.

use lyceum_projections::engagement::batch::{
    FirstComments, first_comments_of, item_stats_of, liked_of,
};
use lyceum_projections::engagement::queries::{CommentRow, ItemStats};
use lyceum_store::{Db, StoreError};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Loads from the read models of one `Db`.
pub struct Loaders {
    pub db: Db,
}

/// A failed batch, shared by every key in it.
pub type LoadError = Arc<StoreError>;

/// An item's counters, by content id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatsKey(pub String);

/// Whether a member likes an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LikeKey {
    pub member_id: String,
    pub content_id: String,
}

/// The first `first` top-level comments of an item, as `viewer` (a member id, or empty for a
/// key) sees the thread.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThreadKey {
    pub space_id: String,
    pub viewer: String,
    pub first: i64,
    pub content_id: String,
}

/// Groups keys by what one query can serve, keeping the rest of each key.
fn grouped<K, G: Ord, F: Fn(&K) -> G>(keys: &[K], group: F) -> BTreeMap<G, Vec<&K>> {
    let mut groups: BTreeMap<G, Vec<&K>> = BTreeMap::new();
    for key in keys {
        groups.entry(group(key)).or_default().push(key);
    }
    groups
}

impl async_graphql::dataloader::Loader<StatsKey> for Loaders {
    type Value = ItemStats;
    type Error = LoadError;

    async fn load(&self, keys: &[StatsKey]) -> Result<HashMap<StatsKey, ItemStats>, LoadError> {
        let ids: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let mut stats = item_stats_of(&self.db, &ids).await.map_err(Arc::new)?;
        Ok(keys
            .iter()
            .map(|k| (k.clone(), stats.remove(&k.0).unwrap_or_default()))
            .collect())
    }
}

impl async_graphql::dataloader::Loader<LikeKey> for Loaders {
    type Value = bool;
    type Error = LoadError;

    async fn load(&self, keys: &[LikeKey]) -> Result<HashMap<LikeKey, bool>, LoadError> {
        let mut out = HashMap::new();
        for (member, keys) in grouped(keys, |k| k.member_id.clone()) {
            let ids: Vec<String> = keys.iter().map(|k| k.content_id.clone()).collect();
            let liked = liked_of(&self.db, &member, &ids).await.map_err(Arc::new)?;
            for key in keys {
                out.insert(key.clone(), liked.contains(&key.content_id));
            }
        }
        Ok(out)
    }
}

impl async_graphql::dataloader::Loader<ThreadKey> for Loaders {
    type Value = Vec<CommentRow>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ThreadKey],
    ) -> Result<HashMap<ThreadKey, Vec<CommentRow>>, LoadError> {
        let mut out = HashMap::new();
        let groups = grouped(keys, |k| (k.space_id.clone(), k.viewer.clone(), k.first));
        for ((space_id, viewer, first), keys) in groups {
            let ids: Vec<String> = keys.iter().map(|k| k.content_id.clone()).collect();
            let threads = FirstComments {
                space_id: &space_id,
                viewer: Some(viewer.as_str()).filter(|v| !v.is_empty()),
                first,
            };
            let mut found = first_comments_of(&self.db, threads, &ids)
                .await
                .map_err(Arc::new)?;
            for key in keys {
                out.insert(
                    key.clone(),
                    found.remove(&key.content_id).unwrap_or_default(),
                );
            }
        }
        Ok(out)
    }
}
