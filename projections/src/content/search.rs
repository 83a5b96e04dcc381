//! Full-text search over a space's catalog with what each backend offers: Postgres `tsvector`
//! expression indexes, SQLite FTS5 (see the `projections-0011-content-search` migration). Every
//! term must match. A hit says whether the title and excerpt alone matched: a reader who may
//! not read an item's body finds it only by those, so that a search never reveals a word of a
//! body it may not read.
//!
//! A page of hits is found one of two ways, whichever reads fewer rows: through the full-text
//! index (every match, then the newest of them), or along the catalog's id order, testing each
//! item until the page is full. Words that few items hold take the first way, words that many
//! hold the second; Postgres's planner weighs that from its statistics (each search is planned
//! for its own words), and on SQLite the FTS5 vocabulary says how many items hold the rarest
//! word.

use super::queries::{CONTENT_COLUMNS, CONTENT_FROM, ContentRow, content_row};
use crate::page::{Arg, Conditions, bind};
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

/// On SQLite, a search whose rarest word is in at most this many items reads the full-text
/// index for every match; one whose words are all commoner walks the catalog in order.
const FEW_MATCHES: i64 = 2_000;

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
    let words = Words::new(db.backend, terms);
    let way = Way::for_words(db, terms).await?;
    let (sql, args) = words.statement(way, space_id, status, before);
    hits(db, &sql, &args, limit).await
}

/// The hits of a search statement (see [`Words::statement`]).
pub(crate) async fn hits(
    db: &Db,
    sql: &str,
    args: &[Arg<'_>],
    limit: i64,
) -> Result<Vec<SearchHit>, StoreError> {
    // Planned for these words each time: how common they are decides the plan.
    let rows = bind(sqlx::query(sql).persistent(false), args)
        .bind(limit)
        .fetch_all(db.reader())
        .await?;
    let mut hits = rows
        .iter()
        .map(|row| {
            Ok(SearchHit {
                row: content_row(row)?,
                open_match: row.try_get::<i64, _>("open_match")? != 0,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    // Newest first: a UUID's order is its text's.
    hits.sort_unstable_by_key(|h| std::cmp::Reverse(h.row.id));
    Ok(hits)
}

/// How a search finds its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Way {
    /// Every match from the full-text index, then the newest of them.
    ThroughIndex,
    /// Along the catalog's id order, testing item after item.
    InOrder,
    /// As the database's planner sees fit (Postgres).
    Planned,
}

impl Way {
    /// The way for `terms`: on SQLite, by how many items hold the rarest of them.
    pub(crate) async fn for_words(db: &Db, terms: &[String]) -> Result<Self, StoreError> {
        Ok(match db.backend {
            Backend::Postgres => Way::Planned,
            Backend::Sqlite if rarest_word_items(db, terms).await? <= FEW_MATCHES => {
                Way::ThroughIndex
            }
            Backend::Sqlite => Way::InOrder,
        })
    }
}

/// The words of a search as each backend's query language spells them: the query over the
/// title and excerpt, and the one over all the text.
pub(crate) struct Words {
    backend: Backend,
    open: String,
    all: String,
}

impl Words {
    pub(crate) fn new(backend: Backend, terms: &[String]) -> Self {
        let (open, all) = match backend {
            Backend::Postgres => (terms.join(" "), terms.join(" ")),
            Backend::Sqlite => {
                let quoted: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
                let open = quoted
                    .iter()
                    .map(|t| format!("{{title excerpt}} : {t}"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                (open, quoted.join(" AND "))
            }
        };
        Self { backend, open, all }
    }

    /// The statement of a search page found `way`, and its values but for the row count,
    /// which binds last.
    pub(crate) fn statement<'a>(
        &'a self,
        way: Way,
        space_id: &'a str,
        status: Option<&'a str>,
        before: Option<&'a str>,
    ) -> (String, Vec<Arg<'a>>) {
        let mut conditions = Conditions::default();
        let open_at = conditions.value(Arg::Text(&self.open));
        let (open, all) = match self.backend {
            Backend::Postgres => (
                format!(
                    "to_tsvector('simple', c.title || ' ' || COALESCE(c.excerpt, '')) \
                     @@ plainto_tsquery('simple', {open_at})"
                ),
                "to_tsvector('simple', c.title || ' ' || COALESCE(c.excerpt, '') || ' ' \
                 || c.body) @@ plainto_tsquery('simple', ?)"
                    .to_owned(),
            ),
            Backend::Sqlite => (
                per_item(&open_at),
                if way == Way::InOrder {
                    per_item("?")
                } else {
                    "c.rowid IN (SELECT rowid FROM rm_content_fts WHERE rm_content_fts MATCH ?)"
                        .to_owned()
                },
            ),
        };
        // Through the index on SQLite, the matches drive: a unary `+` keeps the planner from
        // walking the space's rows in order and probing the matches instead.
        let space = match (self.backend, way) {
            (Backend::Sqlite, Way::ThroughIndex) => "+c.space_id = ?",
            _ => "c.space_id = ?",
        };
        let conditions = conditions
            .and(space, Arg::Text(space_id))
            .and(&all, Arg::Text(&self.all))
            .and_some("c.status = ?", status.map(Arg::Text))
            .and_some("c.id < ?", before.map(Arg::Text));
        // The page's ids first, then their columns and title-and-excerpt match: a search
        // through the index sorts matches by id alone, and tests only its page's items again.
        // [`hits`] puts the page back in order.
        let sql = format!(
            "SELECT {CONTENT_COLUMNS}, CAST(CASE WHEN {open} THEN 1 ELSE 0 END AS BIGINT) \
             AS open_match FROM {CONTENT_FROM} WHERE c.id IN (SELECT c.id FROM rm_content c \
             WHERE {} ORDER BY c.id DESC LIMIT ${})",
            conditions.sql(),
            conditions.args().len() + 1
        );
        (sql, conditions.args().to_vec())
    }
}

/// An FTS5 match (the query at `placeholder`) of the item `c` alone: a seek into each word's
/// entries at the item's rowid.
fn per_item(placeholder: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM rm_content_fts WHERE rm_content_fts MATCH {placeholder} \
         AND rowid = c.rowid)"
    )
}

/// How many items (of every space) hold the rarest of `terms`, from the FTS5 vocabulary (see
/// the `projections-0041-search-vocabulary` migration); 0 if one of them is in none as the
/// index spells it.
async fn rarest_word_items(db: &Db, terms: &[String]) -> Result<i64, StoreError> {
    let mut fewest = i64::MAX;
    for term in terms {
        let items: Option<i64> =
            sqlx::query_scalar("SELECT doc FROM rm_content_fts_terms WHERE term = $1")
                .bind(term.as_str())
                .fetch_optional(db.reader())
                .await?;
        fewest = fewest.min(items.unwrap_or(0));
        if fewest == 0 {
            break;
        }
    }
    Ok(fewest)
}
