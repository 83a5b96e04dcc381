//! Tests of the lists against both databases: each list gives the rows its filter names, in
//! its order, page after page, and reads them from an index in that order rather than sorting
//! the whole list.

mod catalog;
mod clicks;
mod search;
mod threads;

use crate::page::{Arg, bind};
use lyceum_store::Db;
use lyceum_store::db::Backend;
use sqlx::Row;

pub(crate) const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// A fresh database with the store's and the read models' tables.
pub(crate) async fn migrated(backend: Backend) -> Db {
    let db = lyceum_store::testing::fresh(backend).await.unwrap();
    lyceum_store::migrate::run(
        &db,
        &[lyceum_store::migrate::migrations(), crate::migrations()],
    )
    .await
    .unwrap();
    db
}

/// Runs `sql` with `args`.
pub(crate) async fn exec(db: &Db, sql: &str, args: &[Arg<'_>]) {
    bind(sqlx::query(sql), args)
        .execute(db.writer())
        .await
        .unwrap();
}

/// How the database would run `sql` (a page's statement, its row count bound last), one line
/// per step. On Postgres, with sequential scans and sorts priced out of reach, so that the plan
/// shows whether an index gives the rows in order at all, however few rows the test has.
pub(crate) async fn plan(db: &Db, sql: &str, args: &[Arg<'_>]) -> String {
    let mut conn = db.reader().acquire().await.unwrap();
    let explain = match db.backend {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        Backend::Postgres => {
            for setting in ["enable_seqscan", "enable_sort", "enable_bitmapscan"] {
                sqlx::query(&format!("SET {setting} = off"))
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
            format!("EXPLAIN {sql}")
        }
    };
    let rows = bind(sqlx::query(&explain), args)
        .bind(21_i64)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    if db.backend == Backend::Postgres {
        for setting in ["enable_seqscan", "enable_sort", "enable_bitmapscan"] {
            sqlx::query(&format!("RESET {setting}"))
                .execute(&mut *conn)
                .await
                .unwrap();
        }
    }
    let column = match db.backend {
        Backend::Sqlite => "detail",
        Backend::Postgres => "QUERY PLAN",
    };
    rows.iter()
        .map(|row| row.try_get::<String, _>(column).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Panics unless `plan` reads its rows in order from an index: no sort of the whole list and no
/// walk of a whole table (SQLite says `SCAN` for that, `SEARCH` for a range of an index; a
/// full-text match is a virtual table's own search).
pub(crate) fn assert_ordered_by_index(plan: &str, what: &str) {
    for line in plan.lines() {
        let step = line.trim_start_matches([' ', '-', '>']);
        let refused = step.contains("TEMP B-TREE")
            || step.contains("Sort")
            || step.contains("Seq Scan")
            || (step.starts_with("SCAN ") && !step.contains("VIRTUAL TABLE"));
        assert!(!refused, "{what} does not read an index in order:\n{plan}");
    }
}

/// A deterministic id whose text sorts as `n` does.
pub(crate) fn id(n: u128) -> String {
    uuid::Uuid::from_u128(n).to_string()
}
