//! `/v1/spaces/{space}/search`: full-text search over the catalog.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::ContentItem;
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::service::catalog;
use crate::space::Intent;
use actix_web::get;
use actix_web::web::{Json, Path, Query};
use serde::Deserialize;
use utoipa::IntoParams;

/// What to search for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find (letters and digits; everything else separates words; at most 10 count).
    /// An item matches when it holds every word.
    pub q: String,
}

/// Search the catalog
///
/// Finds the items whose title, excerpt or body hold every word of `q`, newest first. A member
/// session searches the published catalog, and the body only of the items its access covers:
/// an item it may not read is found by its title or excerpt, and comes `locked`, without its
/// body. Postgres uses `tsvector` indexes, the embedded SQLite an FTS5 index.
#[utoipa::path(
    tag = "content",
    params(SearchQuery, PageQuery),
    responses((status = 200, description = "A page of matching items.", body = Paged<ContentItem>)),
)]
#[get("/v1/spaces/{space}/search")]
#[tracing::instrument(skip_all)]
pub async fn search_content(
    call: Call,
    path: Path<String>,
    search: Query<SearchQuery>,
    page: Query<PageQuery>,
    _fresh: Fresh<(read_model::Content, read_model::Entitlements)>,
) -> Result<Json<Paged<ContentItem>>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    let viewer = catalog::viewer(&call.state, &call.auth, space.id).await?;
    let found =
        service::search::search(&call.state, &viewer, space.id, &search.q, page.slice()?).await?;
    Ok(Json(Paged::from_page(found, |item| item)))
}
