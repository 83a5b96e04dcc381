//! A page of rows and the cursor of the next one; lists fetch one row more than asked to know
//! whether a next page exists.

use serde::Serialize;

/// A page of rows and the cursor of the next page, if there is one. The cursor is the id of
/// the last row returned.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

pub(crate) fn page<T>(mut items: Vec<T>, limit: i64, id: impl Fn(&T) -> String) -> Page<T> {
    let more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or_default());
    let next = if more { items.last().map(id) } else { None };
    Page { items, next }
}

/// `count` numbered bind placeholders from `$from`, comma-separated: `$3, $4, $5`.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
