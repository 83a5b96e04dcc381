//! A member's feed: the space's published items the reader may open, newest first. A member
//! session sees only what its entitlements admit (never a locked item, so never a body it may
//! not read); an API key sees every published item.

use crate::dto::ContentItem;
use crate::error::ApiError;
use crate::pagination::Slice;
use crate::service::catalog::{Viewer, view};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_projections::content::queries::ContentFilter;
use lyceum_projections::page::Page;

/// How many catalog rows one scan reads: enough that a feed page usually needs one scan even
/// when many items are locked to the reader.
const SCAN: i64 = 100;
/// How many scans one feed page may make while skipping locked items.
const MAX_SCANS: usize = 10;

/// One page of the feed: up to `limit` items older than the cursor `before`.
/// `viewer` is the caller's (see [`crate::service::catalog::viewer`]), which GraphQL also
/// needs for nested fields, so it is looked up once per request.
pub async fn page(
    state: &AppState,
    viewer: &Viewer,
    space: &SpaceRef,
    page: Slice,
) -> Result<Page<ContentItem>, ApiError> {
    let (before, limit) = (page.after, page.limit);
    let filter = ContentFilter {
        status: Some("published".into()),
        ..ContentFilter::default()
    };
    let space_id = space.id.to_string();
    let wanted = usize::try_from(limit).unwrap_or_default();
    let mut items = Vec::with_capacity(wanted);
    let mut cursor = before;
    for _ in 0..MAX_SCANS {
        let scanned = lyceum_projections::content::queries::content(
            &state.db,
            &space_id,
            &filter,
            cursor.as_deref(),
            SCAN,
        )
        .await?;
        let more = scanned.next.is_some();
        let count = scanned.items.len();
        for (n, row) in scanned.items.into_iter().enumerate() {
            cursor = Some(row.id.to_string());
            let item = view(row, viewer);
            if item.locked {
                continue;
            }
            items.push(item);
            if items.len() == wanted {
                // Full: more may follow if this scan had rows left or another page.
                let next = (n + 1 < count || more).then(|| cursor.clone()).flatten();
                return Ok(Page { items, next });
            }
        }
        if !more {
            return Ok(Page { items, next: None });
        }
    }
    // The scan budget ran out: the client goes on from the last item looked at.
    Ok(Page {
        items,
        next: cursor,
    })
}
