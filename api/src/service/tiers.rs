//! Defining a tier.

use crate::auth::Auth;
use crate::dto::{CreateTier, Tier as TierDto, TierKindDto};
use crate::error::ApiError;
use crate::space::SpaceRef;
use crate::state::AppState;
use crate::write::{Planned, metadata};
use actix_web::http::StatusCode;
use lyceum_domain::Aggregate;
use lyceum_domain::ids::TierId;
use lyceum_domain::membership::tier::{Tier, TierCommand, TierEvent, TierKind};
use lyceum_domain::space::Space;
use lyceum_store::command::{append_for, load};

/// Plans `POST /v1/spaces/{space}/tiers`.
pub async fn create(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: CreateTier,
) -> Result<Planned<TierDto>, ApiError> {
    let currency = load::<Space>(&state.db, space.id.0)
        .await?
        .state
        .created
        .ok_or_else(|| ApiError::not_found("space"))?
        .currency;
    let id = TierId::new();
    let events = Tier::default().decide(TierCommand::Define {
        space_id: space.id,
        name: input.name,
        kind: match input.kind {
            TierKindDto::Free => TierKind::Free,
            TierKindDto::Paid => TierKind::Paid,
        },
        currency,
        monthly_price_minor: input.monthly_price_minor,
        yearly_price_minor: input.yearly_price_minor,
        trial_days: input.trial_days.unwrap_or(0),
    })?;
    let Some(TierEvent::TierDefined {
        name,
        monthly_price_minor,
        yearly_price_minor,
        trial_days,
        ..
    }) = events.first().cloned()
    else {
        return Err(ApiError::internal(anyhow::anyhow!("tier defined nothing")));
    };
    let append = append_for::<Tier>(id.0, 0, &events, metadata(auth, Some(space.id)), vec![])?;
    let output = TierDto {
        id: id.0,
        space_id: space.id.0,
        name,
        kind: input.kind,
        currency: currency.to_string(),
        monthly_price_minor,
        yearly_price_minor,
        trial_days: i64::from(trial_days),
        created_at: append.recorded_at.clone(),
    };
    Ok(Planned::new(StatusCode::CREATED, output, append))
}
