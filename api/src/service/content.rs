//! Content: drafting, editing, publishing (now or on a schedule), unpublishing, archiving and
//! featuring. Tier ids in an access policy must name tiers of the same space. A course's
//! lessons and a column's articles are in [`parts`], tags and topics in [`tags`].

pub mod parts;
pub mod tags;

use super::{decide_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{AccessDto, ContentItem, ContentKindDto, CreateContent, EditContent};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::content::{Access, Content, ContentCommand, ContentEvent, ContentKind, Draft};
use lyceum_domain::external_id::ExternalId;
use lyceum_domain::ids::ContentId;
use lyceum_domain::membership::tier::Tier;
use lyceum_store::external_ids::{self, ExternalIdWrite};
use lyceum_store::time;
use std::sync::Arc;
use uuid::Uuid;

fn kind(dto: ContentKindDto) -> ContentKind {
    match dto {
        ContentKindDto::Post => ContentKind::Post,
        ContentKindDto::Article => ContentKind::Article,
        ContentKindDto::Course => ContentKind::Course,
        ContentKindDto::Lesson => ContentKind::Lesson,
        ContentKindDto::Column => ContentKind::Column,
    }
}

fn kind_dto(kind: ContentKind) -> ContentKindDto {
    match kind {
        ContentKind::Post => ContentKindDto::Post,
        ContentKind::Article => ContentKindDto::Article,
        ContentKind::Course => ContentKindDto::Course,
        ContentKind::Lesson => ContentKindDto::Lesson,
        ContentKind::Column => ContentKindDto::Column,
    }
}

/// Checks that every tier of a tiers policy exists in the space.
async fn check_tiers(state: &AppState, space: &SpaceRef, access: &Access) -> Result<(), ApiError> {
    if let Access::Tiers { tier_ids } = access {
        for tier in tier_ids {
            super::load_referenced::<Tier>(&state.db, space.id, tier.0, "access.tier_ids").await?;
        }
    }
    Ok(())
}

/// The item as the catalog shows it, from its whole history. `parent_id` is the course or
/// column it belongs to (which its own history does not know).
fn item(
    id: Uuid,
    history: &[(ContentEvent, String)],
    parent_id: Option<Uuid>,
) -> Result<ContentItem, ApiError> {
    let mut state = Content::default();
    let mut published_at = None;
    for (event, at) in history {
        state.apply(event);
        if matches!(event, ContentEvent::ContentPublished {}) {
            published_at = Some(at.clone());
        }
    }
    let current = state.state.ok_or_else(|| ApiError::not_found("content"))?;
    Ok(ContentItem {
        id,
        space_id: current.space_id.0,
        kind: kind_dto(current.kind),
        title: current.title,
        body: Some(current.body),
        excerpt: current.excerpt,
        access: AccessDto::from(current.access),
        status: current.status.as_str().to_owned(),
        created_at: history
            .first()
            .map(|(_, at)| at.clone())
            .unwrap_or_default(),
        updated_at: history.last().map(|(_, at)| at.clone()).unwrap_or_default(),
        published_at,
        locked: false,
        unlock_tier_ids: Vec::new(),
        unlock_price_minor: None,
        revision: i64::from(current.revision),
        scheduled_for: current.scheduled_for.map(time::format),
        featured: current.featured,
        parent_id,
        tags: current.tags,
        topic_ids: current.topic_ids.into_iter().map(|t| t.0).collect(),
        external_id: history.iter().find_map(|(event, _)| match event {
            ContentEvent::ContentDrafted { external_id, .. } => {
                external_id.clone().map(String::from)
            }
            _ => None,
        }),
    })
}

/// Plans `POST /v1/spaces/{space}/content`.
pub async fn create(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: CreateContent,
) -> Result<Planned<ContentItem>, ApiError> {
    let access = Access::from(input.access);
    let external_id = input
        .external_id
        .as_deref()
        .map(ExternalId::parse)
        .transpose()?;
    check_tiers(state, space, &access).await?;
    let id = ContentId::new();
    let events = Content::default().decide(ContentCommand::Create {
        space_id: space.id,
        kind: kind(input.kind),
        draft: Draft {
            title: input.title,
            body: input.body,
            excerpt: input.excerpt,
            access,
        },
        external_id: external_id.clone(),
    })?;
    let mut append = super::append_in::<Content>(auth, space, id.0, 0, &events)?;
    if let Some(external) = external_id {
        append.side_writes.push(Arc::new(ExternalIdWrite::Claim {
            space_id: space.id.0,
            kind: external_ids::Kind::Content,
            external_id: external.into(),
            target_id: id.0,
        }));
    }
    let history: Vec<_> = events
        .into_iter()
        .map(|e| (e, append.occurred().to_owned()))
        .collect();
    Ok(Planned::new(
        Outcome::Created,
        item(id.0, &history, None)?,
        append,
    ))
}

/// Plans a change to an existing item: an edit, a publication, a schedule, an archive, a flag.
pub async fn change(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
    command: ContentCommand,
) -> Result<Planned<ContentItem>, ApiError> {
    let id = parse_id(content_id, "content")?;
    if let ContentCommand::Edit {
        access: Some(access),
        ..
    } = &command
    {
        check_tiers(state, space, access).await?;
    }
    let decision = decide_in_space::<Content>(state, auth, space, id, command).await?;
    // From the store, not a read model: it is current as soon as the lesson was added.
    let parent_id = lyceum_store::catalog::parent_of(&state.db, id).await?;
    let output = item(id, &decision.history, parent_id)?;
    Ok(decision.planned(output))
}

/// The domain command for a `PATCH` body.
pub fn edit_command(input: EditContent) -> ContentCommand {
    ContentCommand::Edit {
        title: input.title,
        body: input.body,
        excerpt: input.excerpt,
        access: input.access.map(Access::from),
    }
}

/// The domain command for a schedule: `publish_at` (RFC 3339) checked against the clock.
pub fn schedule_command(state: &AppState, publish_at: &str) -> Result<ContentCommand, ApiError> {
    let publish_at = chrono::DateTime::parse_from_rfc3339(publish_at)
        .map_err(|_| {
            ApiError::bad_request(
                "publish_at must be an RFC 3339 time, such as 2026-12-01T09:00:00Z",
            )
        })?
        .with_timezone(&chrono::Utc);
    Ok(ContentCommand::Schedule {
        publish_at,
        now: state.clock.now(),
    })
}
