//! A page of rows and the cursor of the next one, and the one keyset list the paged reads
//! share: rows of a filter after (or before) the cursor in key order, one row more than asked
//! to know whether a next page exists. A list's SQL holds only the conditions a request gives
//! (see [`Conditions`]) and no condition for a cursor it has not got, so that each list reads an
//! index in its own order and stops after the page.

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

/// One keyset-paged list: `SELECT {select} WHERE {filter} [AND <key past the start>] ORDER BY
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

impl<'a> Keyset<'a> {
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
        let (sql, args) = self.statement(start);
        let rows = bind(sqlx::query(&sql), &args)
            .bind(limit + 1)
            .fetch_all(db.reader())
            .await?;
        let items = rows.iter().map(decode).collect::<Result<Vec<_>, E>>()?;
        Ok(page(items, limit, cursor))
    }

    /// The SQL of the page from `start` and its values, but for the row count, which binds
    /// last.
    pub(crate) fn statement<'s>(&self, start: Start<'s>) -> (String, Vec<Arg<'s>>)
    where
        'a: 's,
    {
        let key = self.key;
        let mut args: Vec<Arg<'s>> = self.args.to_vec();
        let mut sql = format!("SELECT {} WHERE {}", self.select, self.filter);
        let (past, order) = match start {
            Start::After(at) => (at.map(|at| (">", Arg::Text(at))), ""),
            Start::Before(at) => (at.map(|at| ("<", Arg::Text(at))), " DESC"),
            Start::BeforeNumber(at) => (at.map(|at| ("<", Arg::Int(at))), " DESC"),
        };
        if let Some((op, at)) = past {
            args.push(at);
            sql.push_str(&format!(" AND {key} {op} ${}", args.len()));
        }
        sql.push_str(&format!(" ORDER BY {key}{order} LIMIT ${}", args.len() + 1));
        (sql, args)
    }
}

/// `query` with `args` bound in order.
pub(crate) fn bind<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &[Arg<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for arg in args {
        query = match *arg {
            Arg::Text(text) => query.bind(text),
            Arg::Int(n) => query.bind(n),
        };
    }
    query
}

/// The conditions of a list, each with the value it binds, numbered `$1`, `$2`, … in the order
/// they are added. A filter the request does not give adds nothing, rather than a catch-all
/// such as `($2 = '' OR status = $2)` that keeps the planner from the index the filter needs.
/// Values are always bound, never written into the SQL.
#[derive(Debug, Clone, Default)]
pub(crate) struct Conditions<'a> {
    sql: Vec<String>,
    args: Vec<Arg<'a>>,
}

impl<'a> Conditions<'a> {
    /// Adds `clause`, each `?` of which stands for `arg`.
    pub(crate) fn and(mut self, clause: &str, arg: Arg<'a>) -> Self {
        self.args.push(arg);
        let placeholder = format!("${}", self.args.len());
        self.sql.push(clause.replace('?', &placeholder));
        self
    }

    /// Adds `clause`, whose `?`s stand for `args` in turn.
    pub(crate) fn and_each(mut self, clause: &str, args: &[Arg<'a>]) -> Self {
        debug_assert_eq!(clause.matches('?').count(), args.len(), "{clause}");
        let mut parts = clause.split('?');
        let mut sql = parts.next().unwrap_or_default().to_owned();
        for (part, arg) in parts.zip(args) {
            self.args.push(*arg);
            sql.push_str(&format!("${}{part}", self.args.len()));
        }
        self.sql.push(sql);
        self
    }

    /// Binds `arg` for a placeholder outside the conditions (in the selected columns, say),
    /// which it returns.
    pub(crate) fn value(&mut self, arg: Arg<'a>) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// Adds `clause` for `arg` if there is one.
    pub(crate) fn and_some(self, clause: &str, arg: Option<Arg<'a>>) -> Self {
        match arg {
            Some(arg) => self.and(clause, arg),
            None => self,
        }
    }

    /// Adds `clause`, which binds nothing.
    pub(crate) fn and_sql(mut self, clause: &str) -> Self {
        self.sql.push(clause.to_owned());
        self
    }

    /// Adds `clause`, which binds nothing, if `when`.
    pub(crate) fn and_if(self, when: bool, clause: &str) -> Self {
        if when { self.and_sql(clause) } else { self }
    }

    /// The conditions joined by `AND` (`TRUE` for none).
    pub(crate) fn sql(&self) -> String {
        if self.sql.is_empty() {
            return "TRUE".into();
        }
        self.sql.join(" AND ")
    }

    /// The values to bind, in order.
    pub(crate) fn args(&self) -> &[Arg<'a>] {
        &self.args
    }
}

/// `count` numbered bind placeholders from `$from`, comma-separated: `$3, $4, $5`.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
