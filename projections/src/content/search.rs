//! Full-text search over a space's catalog with what each backend offers: Postgres `tsvector`
//! expression indexes, SQLite FTS5 (see the `projections-0011-content-search` migration). Every
//! term must match. A hit says whether the title and excerpt alone matched: a reader who may
//! not read an item's body finds it only by those, so that a search never reveals a word of a
//! body it may not read.

use super::queries::{CONTENT_COLUMNS, CONTENT_FROM, ContentRow, content_row};
use lyceum_store::db::Backend;
use lyceum_store::{Db, StoreError};
use sqlx::Row;

/// The most terms a search uses; the rest are ignored.
pub const MAX_TERMS: usize = 10;

/// The words of a search: letters and digits, lower case, at most [`MAX_TERMS`]. Everything
/// else separates words, so no query syntax of either backend gets through.
pub fn search_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .take(MAX_TERMS)
        .collect()
}

/// One item that matched.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub row: ContentRow,
    /// Whether the title and excerpt alone hold every term.
    pub open_match: bool,
}

/// Items of a space that hold every term in their title, excerpt or body, newest first,
/// optionally of one status, before the id `before`.
pub async fn search(
    db: &Db,
    space_id: &str,
    terms: &[String],
    status: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<SearchHit>, StoreError> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let (open, all, open_query, all_query) = match db.backend {
        Backend::Postgres => (
            "to_tsvector('simple', c.title || ' ' || COALESCE(c.excerpt, '')) \
             @@ plainto_tsquery('simple', $2)",
            "to_tsvector('simple', c.title || ' ' || COALESCE(c.excerpt, '') || ' ' || c.body) \
             @@ plainto_tsquery('simple', $3)",
            terms.join(" "),
            terms.join(" "),
        ),
        Backend::Sqlite => {
            let quoted: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
            (
                "c.rowid IN (SELECT rowid FROM rm_content_fts WHERE rm_content_fts MATCH $2)",
                "c.rowid IN (SELECT rowid FROM rm_content_fts WHERE rm_content_fts MATCH $3)",
                quoted
                    .iter()
                    .map(|t| format!("{{title excerpt}} : {t}"))
                    .collect::<Vec<_>>()
                    .join(" AND "),
                quoted.join(" AND "),
            )
        }
    };
    let rows = sqlx::query(&format!(
        "SELECT {CONTENT_COLUMNS}, CAST(CASE WHEN {open} THEN 1 ELSE 0 END AS BIGINT) AS open_match \
         FROM {CONTENT_FROM} WHERE c.space_id = $1 AND {all} AND ($4 = '' OR c.status = $4) \
         AND ($5 = '' OR c.id < $5) ORDER BY c.id DESC LIMIT $6"
    ))
    .bind(space_id)
    .bind(open_query)
    .bind(all_query)
    .bind(status.unwrap_or(""))
    .bind(before.unwrap_or(""))
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SearchHit {
                row: content_row(row)?,
                open_match: row.try_get::<i64, _>("open_match")? != 0,
            })
        })
        .collect()
}
