//! Multi-row statements, for projectors that write a batch of events at once: one `INSERT …
//! VALUES (…), (…)` (or an upsert) for many rows instead of one statement per row, in chunks
//! that stay well under either backend's limit on bound parameters.

use lyceum_store::StoreError;
use sqlx::AnyConnection;
use std::fmt::Write;

/// Most rows one statement writes.
const CHUNK: usize = 256;

/// A value bound into a multi-row statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Nullable(Option<String>),
    Int(i64),
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_owned())
    }
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        Value::Nullable(value)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}

/// How a statement's parameters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// `$1, $2, …`: what Postgres takes.
    Numbered,
    /// `?, ?, …`, numbered by SQLite in order. SQLite finds a named parameter (`$n`) by walking
    /// the list of every name in the statement, and the driver asks for each one's name when it
    /// binds, so a statement of thousands of `$n` costs time in the square of their count.
    InOrder,
}

impl Placeholders {
    /// Those of `conn`'s backend. Only for a statement whose parameters are all placeholders
    /// from [`tuples`] (SQLite numbers `?` from 1 whatever else the statement names).
    pub(crate) fn of(conn: &AnyConnection) -> Placeholders {
        if conn.backend_name() == "SQLite" {
            Placeholders::InOrder
        } else {
            Placeholders::Numbered
        }
    }
}

/// `($1, $2), ($3, $4)`-style placeholders for `rows` rows of `columns` columns, the whole of a
/// statement's parameters.
pub(crate) fn tuples(style: Placeholders, rows: usize, columns: usize) -> String {
    let mut out = String::new();
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..columns {
            if column > 0 {
                out.push_str(", ");
            }
            match style {
                // Writing to a String cannot fail.
                Placeholders::Numbered => {
                    let _ = write!(out, "${}", 1 + row * columns + column);
                }
                Placeholders::InOrder => out.push('?'),
            }
        }
        out.push(')');
    }
    out
}

/// Runs `{head} VALUES (…), … {tail}` over `rows` (each of the same number of values), a chunk
/// of rows per statement. The caller makes sure no two rows of one upsert hit the same key
/// (Postgres refuses to update a row twice in one statement).
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    head: &str,
    tail: &str,
    rows: &[Vec<Value>],
) -> Result<(), StoreError> {
    let Some(columns) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks(CHUNK) {
        let style = Placeholders::of(conn);
        let sql = format!(
            "{head} VALUES {} {tail}",
            tuples(style, chunk.len(), columns)
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            if row.len() != columns {
                return Err(StoreError::Corrupt(format!(
                    "a row of {} values in a statement of {columns} columns",
                    row.len()
                )));
            }
            for value in row {
                query = match value {
                    Value::Text(text) => query.bind(text.clone()),
                    Value::Nullable(text) => query.bind(text.clone()),
                    Value::Int(int) => query.bind(*int),
                };
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_then_columns() {
        use Placeholders::{InOrder, Numbered};
        assert_eq!(tuples(Numbered, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(tuples(InOrder, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(tuples(Numbered, 0, 2), "");
    }
}
