//! Content: drafting, editing, publishing and unpublishing. Tier ids in an access policy must
//! name tiers of the same space.

use super::{decide_in_space, load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{AccessDto, ContentItem, ContentKindDto, CreateContent, EditContent};
use crate::error::ApiError;
use crate::space::SpaceRef;
use crate::state::AppState;
use crate::write::{Planned, metadata};
use actix_web::http::StatusCode;
use lyceum_domain::content::{Access, Content, ContentCommand, ContentEvent, ContentKind, Draft};
use lyceum_domain::ids::ContentId;
use lyceum_domain::membership::tier::Tier;
use lyceum_domain::{Aggregate, Code, DomainError};
use lyceum_store::command::append_for;
use uuid::Uuid;

fn kind(dto: ContentKindDto) -> ContentKind {
    match dto {
        ContentKindDto::Post => ContentKind::Post,
        ContentKindDto::Article => ContentKind::Article,
        ContentKindDto::Course => ContentKind::Course,
        ContentKindDto::Lesson => ContentKind::Lesson,
    }
}

fn kind_dto(kind: ContentKind) -> ContentKindDto {
    match kind {
        ContentKind::Post => ContentKindDto::Post,
        ContentKind::Article => ContentKindDto::Article,
        ContentKind::Course => ContentKindDto::Course,
        ContentKind::Lesson => ContentKindDto::Lesson,
    }
}

/// Checks that every tier of a tiers policy exists in the space.
async fn check_tiers(state: &AppState, space: &SpaceRef, access: &Access) -> Result<(), ApiError> {
    if let Access::Tiers { tier_ids } = access {
        for tier in tier_ids {
            if load_in_space::<Tier>(&state.db, space.id, tier.0)
                .await
                .is_err()
            {
                return Err(DomainError::new(
                    Code::ValidationFailed,
                    format!("access.tier_ids: tier {tier} does not exist in this space"),
                )
                .into());
            }
        }
    }
    Ok(())
}

/// The item as the catalog shows it, from its whole history.
fn item(id: Uuid, history: &[(ContentEvent, String)]) -> Result<ContentItem, ApiError> {
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
    })?;
    let append = append_for::<Content>(id.0, 0, &events, metadata(auth, Some(space.id)), vec![])?;
    let history: Vec<_> = events
        .into_iter()
        .map(|e| (e, append.recorded_at.clone()))
        .collect();
    Ok(Planned::new(
        StatusCode::CREATED,
        item(id.0, &history)?,
        append,
    ))
}

/// Plans a change to an existing item: `PATCH`, `publish` or `unpublish`.
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
    let output = item(id, &decision.history)?;
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
