//! Searching the catalog. An API key searches every item's title, excerpt and body. A member
//! searches published items: the body only of the items they may read, so that a locked item is
//! found by its title or excerpt, comes locked, and no search reveals a word of its body.

use super::catalog::{Viewer, view, visible};
use crate::dto::ContentItem;
use crate::error::ApiError;
use crate::pagination::Slice;
use crate::state::AppState;
use lyceum_domain::ids::SpaceId;
use lyceum_projections::content::search::search_terms;
use lyceum_projections::page::Page;

/// How many rows one look at the index reads, at least.
const BATCH: i64 = 50;
/// How many looks one page may take before it answers with what it found (and a cursor to go
/// on from), so that a member whose access covers few matches cannot make a request scan the
/// whole catalog.
const MAX_LOOKS: usize = 10;

/// A page of the items that hold every word of `query`, newest first.
pub async fn search(
    state: &AppState,
    viewer: &Viewer,
    space: SpaceId,
    query: &str,
    page: Slice,
) -> Result<Page<ContentItem>, ApiError> {
    let (after, limit) = (page.after, page.limit);
    let terms = search_terms(query);
    if terms.is_empty() {
        return Err(ApiError::bad_request(
            "q must hold at least one word of letters or digits",
        ));
    }
    let status = viewer.as_ref().map(|_| "published");
    let mut found = Vec::new();
    let mut cursor = after;
    for _ in 0..MAX_LOOKS {
        let batch = BATCH.max(limit + 1);
        let hits = lyceum_projections::content::search::search(
            &state.db,
            &space.to_string(),
            &terms,
            status,
            cursor.as_deref(),
            batch,
        )
        .await?;
        let exhausted = (hits.len() as i64) < batch;
        for hit in hits {
            cursor = Some(hit.row.id.to_string());
            if !visible(&hit.row, viewer) {
                continue;
            }
            let open = hit.open_match;
            let item = view(hit.row, viewer);
            // A body match counts only for a reader who may read the body.
            if open || !item.locked {
                found.push(item);
            }
            if found.len() as i64 > limit {
                found.truncate(usize::try_from(limit).unwrap_or_default());
                let next = found.last().map(|i| i.id.to_string());
                return Ok(Page { items: found, next });
            }
        }
        if exhausted {
            return Ok(Page {
                items: found,
                next: None,
            });
        }
    }
    // Out of looks: hand back the place reached.
    Ok(Page {
        items: found,
        next: cursor,
    })
}
