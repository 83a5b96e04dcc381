//! Creating a space and changing its settings.

use crate::auth::Auth;
use crate::dto::{CreateSpace, Space as SpaceDto, UpdateSpace};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::ids::SpaceId;
use lyceum_domain::space::{Space, SpaceCommand, SpaceEvent};
use lyceum_domain::values::{Currency, Slug};
use lyceum_store::command::{append_for, load};
use lyceum_store::slugs;
use std::sync::Arc;

/// Plans `POST /v1/spaces`.
pub async fn create(auth: &Auth, input: CreateSpace) -> Result<Planned<SpaceDto>, ApiError> {
    auth.require_admin()?;
    let slug = Slug::parse(&input.slug)?;
    let currency = Currency::parse(&input.currency)?;
    let id = SpaceId::new();
    let events = Space::default().decide(SpaceCommand::Create {
        slug: slug.clone(),
        name: input.name,
        currency,
    })?;
    let name = match events.first() {
        Some(SpaceEvent::SpaceCreated { name, .. }) => name.clone(),
        _ => return Err(ApiError::internal(anyhow::anyhow!("space created nothing"))),
    };
    let reserve = slugs::Reserve {
        slug: slug.to_string(),
        space_id: id.0,
    };
    let append = append_for::<Space>(
        id.0,
        0,
        &events,
        metadata(auth, Some(id)),
        vec![Arc::new(reserve)],
    )?;
    let output = SpaceDto {
        id: id.0,
        slug: slug.to_string(),
        name,
        currency: currency.to_string(),
        description: String::new(),
        created_at: append.occurred().to_owned(),
        updated_at: append.occurred().to_owned(),
    };
    Ok(Planned::new(Outcome::Created, output, append))
}

/// Plans `PATCH /v1/spaces/{space}`.
pub async fn update(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: UpdateSpace,
) -> Result<Planned<SpaceDto>, ApiError> {
    let mut loaded = load::<Space>(&state.db, space.id.0).await?;
    let events = loaded.state.decide(SpaceCommand::ChangeSettings {
        name: input.name,
        description: input.description,
    })?;
    let append = super::append_in::<Space>(auth, space, space.id.0, loaded.version, &events)?;
    for event in &events {
        loaded.state.apply(event);
    }
    let current = loaded
        .state
        .created
        .ok_or_else(|| ApiError::not_found("space"))?;
    let created_at = loaded
        .history
        .first()
        .map(|(_, at)| at.clone())
        .unwrap_or_default();
    let updated_at = if events.is_empty() {
        loaded
            .history
            .last()
            .map(|(_, at)| at.clone())
            .unwrap_or_default()
    } else {
        append.occurred().to_owned()
    };
    let output = SpaceDto {
        id: space.id.0,
        slug: current.slug.to_string(),
        name: current.name,
        currency: current.currency.to_string(),
        description: current.description,
        created_at,
        updated_at,
    };
    Ok(Planned::maybe(
        Outcome::Changed,
        output,
        append,
        loaded.position,
    ))
}
