//! Reads for a page of items at once (a feed or catalog page in GraphQL): counters, which of
//! them a member likes, and the first comments of each thread, one query each however long the
//! page is.

use super::queries::{COMMENT_COLUMNS, CommentRow, ItemStats, comment_row, stats_row};
use crate::page::placeholders;
use lyceum_store::{Db, StoreError};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// The counters of each of `content_ids` (absent: nothing happened to it yet, all zeros).
pub async fn item_stats_of(
    db: &Db,
    content_ids: &[String],
) -> Result<HashMap<String, ItemStats>, StoreError> {
    if content_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT content_id, views, likes, comments, shares, completions FROM rm_item_stats \
         WHERE content_id IN ({})",
        placeholders(1, content_ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in content_ids {
        query = query.bind(id);
    }
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| Ok((row.try_get("content_id")?, stats_row(row)?)))
        .collect()
}

/// Which of `content_ids` the member likes now.
pub async fn liked_of(
    db: &Db,
    member_id: &str,
    content_ids: &[String],
) -> Result<HashSet<String>, StoreError> {
    if content_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let sql = format!(
        "SELECT content_id FROM rm_interactions WHERE member_id = $1 AND liked = 1 \
         AND content_id IN ({})",
        placeholders(2, content_ids.len())
    );
    let mut query = sqlx::query_scalar(&sql).bind(member_id);
    for id in content_ids {
        query = query.bind(id);
    }
    Ok(query.fetch_all(db.reader()).await?.into_iter().collect())
}

/// Whose threads to open, and how far.
#[derive(Debug, Clone, Copy)]
pub struct FirstComments<'a> {
    pub space_id: &'a str,
    /// A member sees hidden comments only if they wrote them; `None` (a key) sees all.
    pub viewer: Option<&'a str>,
    /// How many top-level comments of each item, oldest first.
    pub first: i64,
}

/// The first top-level comments of each of `content_ids`, oldest first, as the thread query
/// gives them.
pub async fn first_comments_of(
    db: &Db,
    threads: FirstComments<'_>,
    content_ids: &[String],
) -> Result<HashMap<String, Vec<CommentRow>>, StoreError> {
    if content_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT * FROM (SELECT ROW_NUMBER() OVER (PARTITION BY c.content_id ORDER BY c.id) \
         AS place, {COMMENT_COLUMNS} WHERE c.space_id = $1 AND c.parent_id IS NULL \
         AND ($2 = '' OR c.status <> 'hidden' OR c.member_id = $2) AND c.content_id IN ({})) t \
         WHERE t.place <= $3 ORDER BY t.content_id, t.id",
        placeholders(4, content_ids.len())
    );
    let mut query = sqlx::query(&sql)
        .bind(threads.space_id)
        .bind(threads.viewer.unwrap_or(""))
        .bind(threads.first);
    for id in content_ids {
        query = query.bind(id);
    }
    let mut threads: HashMap<String, Vec<CommentRow>> = HashMap::new();
    for row in query.fetch_all(db.reader()).await? {
        let comment = comment_row(&row)?;
        threads
            .entry(comment.content_id.to_string())
            .or_default()
            .push(comment);
    }
    Ok(threads)
}
