//! A course's lessons and a column's articles: added (one course or column per item, claimed
//! in the store with the event), removed and reordered as a whole.

use crate::auth::Auth;
use crate::dto::{AddPart, ContentParts, ReorderParts};
use crate::error::ApiError;
use crate::plan::Planned;
use crate::service::{decide_in_space, load_in_space, parse_id};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Code;
use lyceum_domain::content::{Content, ContentCommand, PartRef};
use lyceum_domain::ids::ContentId;
use lyceum_store::catalog::{self, CatalogWrite};
use std::sync::Arc;
use uuid::Uuid;

/// Decides `command` on the container; when it records events, `side_write` goes with them.
async fn decide(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: Uuid,
    command: ContentCommand,
    side_write: Option<CatalogWrite>,
) -> Result<Planned<ContentParts>, ApiError> {
    let mut decision = decide_in_space::<Content>(state, auth, space, content_id, command).await?;
    if let Some(write) = side_write
        && !decision.append.events.is_empty()
    {
        decision.append.side_writes.push(Arc::new(write));
    }
    let part_ids = decision
        .state
        .state
        .as_ref()
        .map(|s| s.parts.iter().map(|p| p.0).collect())
        .unwrap_or_default();
    Ok(decision.planned(ContentParts {
        content_id,
        part_ids,
    }))
}

/// Plans `POST /v1/spaces/{space}/content/{id}/parts`.
pub async fn add(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
    input: AddPart,
) -> Result<Planned<ContentParts>, ApiError> {
    let id = parse_id(content_id, "content")?;
    // A part named in the body that does not exist is a bad request to this course (422), not
    // a missing course (404).
    let missing = || {
        ApiError::new(
            Code::ValidationFailed,
            format!("part_id: no content {} in this space", input.part_id),
        )
    };
    let part = match load_in_space::<Content>(&state.db, space.id, input.part_id).await {
        Err(e) if e.code == Code::NotFound => return Err(missing()),
        loaded => loaded?.state.state.ok_or_else(missing)?,
    };
    let parent = catalog::parent_of(&state.db, input.part_id).await?;
    let command = ContentCommand::AddPart {
        part: PartRef {
            id: ContentId(input.part_id),
            space_id: part.space_id,
            kind: part.kind,
            elsewhere: parent.is_some_and(|p| p != id),
        },
    };
    // The claim makes a concurrent add to another course fail instead of succeeding twice.
    let claim = CatalogWrite::ClaimPart {
        part_id: input.part_id,
        parent_id: id,
    };
    decide(state, auth, space, id, command, Some(claim)).await
}

/// Plans `DELETE /v1/spaces/{space}/content/{id}/parts/{part_id}`.
pub async fn remove(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
    part_id: &str,
) -> Result<Planned<ContentParts>, ApiError> {
    let id = parse_id(content_id, "content")?;
    let part_id = parse_id(part_id, "part")?;
    let release = CatalogWrite::ReleasePart {
        part_id,
        parent_id: id,
    };
    let command = ContentCommand::RemovePart {
        part_id: ContentId(part_id),
    };
    decide(state, auth, space, id, command, Some(release)).await
}

/// Plans `PUT /v1/spaces/{space}/content/{id}/parts`.
pub async fn reorder(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
    input: ReorderParts,
) -> Result<Planned<ContentParts>, ApiError> {
    let id = parse_id(content_id, "content")?;
    let part_ids = input.part_ids.into_iter().map(ContentId).collect();
    decide(
        state,
        auth,
        space,
        id,
        ContentCommand::ReorderParts { part_ids },
        None,
    )
    .await
}
