//! A page of rows and the cursor of the next one, and the one keyset list the paged reads
//! share: rows of a filter after (or before) the cursor in key order, one row more than asked
//! to know whether a next page exists.

use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::any::AnyRow;

/// A page of rows and the cursor of the next page, if there is one. The cursor is the key of
/// the last row returned.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// The first `limit` of `items` (fetched `limit + 1`), with the cursor of the last if more
/// were found.
pub fn page<T>(mut items: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Page<T> {
    let more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or_default());
    let next = if more { items.last().map(key) } else { None };
    Page { items, next }
}

/// A value bound to a list's filter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Text(&'a str),
    Int(i64),
}

/// Where a page starts: the key of the last row of the previous page, if any.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Start<'a> {
    /// Ascending, after this text key.
    After(Option<&'a str>),
    /// Descending, before this text key.
    Before(Option<&'a str>),
    /// Descending, before this number key.
    BeforeNumber(Option<i64>),
}

/// One keyset-paged list: `SELECT {select} WHERE {filter} AND <key past the start> ORDER BY
/// {key} LIMIT <limit + 1>`.
pub(crate) struct Keyset<'a> {
    /// The columns and the `FROM` clause.
    pub select: &'a str,
    /// Conditions over `$1` to `$n`, bound to `args` in order.
    pub filter: &'a str,
    pub args: &'a [Arg<'a>],
    /// The one column the list is ordered and paged by.
    pub key: &'a str,
}

impl Keyset<'_> {
    /// The page of at most `limit` rows from `start`, decoded with `decode`; the next cursor
    /// is `cursor` of the last row.
    pub(crate) async fn page<T, E>(
        &self,
        db: &Db,
        start: Start<'_>,
        limit: i64,
        decode: impl Fn(&AnyRow) -> Result<T, E>,
        cursor: impl Fn(&T) -> String,
    ) -> Result<Page<T>, StoreError>
    where
        StoreError: From<E>,
    {
        let (at, limit_at) = (self.args.len() + 1, self.args.len() + 2);
        let key = self.key;
        let (past, order) = match start {
            Start::After(_) => (format!("{key} > ${at}"), ""),
            Start::Before(_) => (format!("(${at} = '' OR {key} < ${at})"), " DESC"),
            Start::BeforeNumber(_) => (format!("{key} < ${at}"), " DESC"),
        };
        let sql = format!(
            "SELECT {} WHERE {} AND {past} ORDER BY {key}{order} LIMIT ${limit_at}",
            self.select, self.filter
        );
        let mut query = sqlx::query(&sql);
        for arg in self.args {
            query = match *arg {
                Arg::Text(text) => query.bind(text),
                Arg::Int(n) => query.bind(n),
            };
        }
        query = match start {
            Start::After(key) | Start::Before(key) => query.bind(key.unwrap_or("")),
            Start::BeforeNumber(key) => query.bind(key.unwrap_or(i64::MAX)),
        };
        let rows = query.bind(limit + 1).fetch_all(db.reader()).await?;
        let items = rows.iter().map(decode).collect::<Result<Vec<_>, E>>()?;
        Ok(page(items, limit, cursor))
    }
}

/// `count` numbered bind placeholders from `$from`, comma-separated: `$3, $4, $5`.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
