//! Cursor pagination for REST lists: `limit` (1 to 100, default 20) and an opaque `cursor`,
//! answered as `{ "data": [...], "next_cursor": ... }`.

use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most items one page may hold.
pub const MAX_LIMIT: i64 = 100;
const DEFAULT_LIMIT: i64 = 20;

/// Paging parameters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items to return, 1 to 100. Default 20.
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (empty: the first page). A cursor the server did
    /// not issue is refused with 400.
    pub cursor: Option<String>,
    /// Wait until the read models have applied the log up to this position (from a write's
    /// `Lyceum-Position` header); at most 5 s, then 503.
    pub min_position: Option<i64>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::bad_request(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            ))),
        }
    }

    /// The decoded cursor: the key of the last item of the previous page. An empty cursor is
    /// no cursor, as in `?cursor=` from a client that fills the parameter in every time.
    pub fn after(&self) -> Result<Option<String>, ApiError> {
        self.cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(decode_cursor)
            .transpose()
    }

    /// The page asked for, checked.
    pub fn slice(&self) -> Result<Slice, ApiError> {
        Ok(Slice {
            after: self.after()?,
            limit: self.limit()?,
        })
    }
}

/// Which page of a list a caller asked for, from REST's `cursor` and `limit` or GraphQL's
/// `after` and `first`: the decoded key of the previous page's last item, and how many items
/// at most.
#[derive(Debug, Clone, Default)]
pub struct Slice {
    pub after: Option<String>,
    pub limit: i64,
}

impl Slice {
    /// The decoded cursor.
    pub fn after(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// The cursor of a list read newest first, which holds a number (a position, a revision).
    pub fn before(&self) -> Result<Option<i64>, ApiError> {
        self.after()
            .map(str::parse::<i64>)
            .transpose()
            .map_err(|_| ApiError::bad_request("cursor is not valid"))
    }
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

pub fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|key| key.len() <= 64)
        .ok_or_else(|| ApiError::bad_request("cursor is not valid"))
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Paged<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Paged<T> {
    pub fn from_page<R>(page: lyceum_projections::page::Page<R>, map: impl Fn(R) -> T) -> Self {
        Self {
            data: page.items.into_iter().map(map).collect(),
            next_cursor: page.next.as_deref().map(encode_cursor),
        }
    }
}

impl<T> From<lyceum_projections::page::Page<T>> for Paged<T> {
    fn from(page: lyceum_projections::page::Page<T>) -> Self {
        Self::from_page(page, std::convert::identity)
    }
}
