//! Tiers: defining one, changing its name, prices for new subscriptions or trial, and
//! archiving it.

use super::decide_in_space;
use crate::auth::Auth;
use crate::dto::{CreateTier, Tier as TierDto, TierKindDto, UpdateTier};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::ids::TierId;
use lyceum_domain::membership::tier::{Tier, TierCommand, TierEvent, TierKind};
use uuid::Uuid;

/// The tier as the API shows it, from its whole history.
fn tier_dto(id: Uuid, history: &[(TierEvent, String)]) -> Result<TierDto, ApiError> {
    let state = Tier::from_history(history.iter().map(|(event, _)| event))
        .defined
        .ok_or_else(|| ApiError::not_found("tier"))?;
    let archived_at = history
        .iter()
        .find(|(event, _)| matches!(event, TierEvent::TierArchived {}))
        .map(|(_, at)| at.clone());
    Ok(TierDto {
        id,
        space_id: state.space_id.0,
        name: state.name,
        kind: match state.kind {
            TierKind::Free => TierKindDto::Free,
            TierKind::Paid => TierKindDto::Paid,
        },
        currency: state.currency.to_string(),
        monthly_price_minor: state.monthly_price_minor,
        yearly_price_minor: state.yearly_price_minor,
        trial_days: i64::from(state.trial_days),
        archived: state.archived,
        archived_at,
        created_at: history
            .first()
            .map(|(_, at)| at.clone())
            .unwrap_or_default(),
        updated_at: history.last().map(|(_, at)| at.clone()).unwrap_or_default(),
    })
}

/// Plans `POST /v1/spaces/{space}/tiers`.
pub async fn create(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: CreateTier,
) -> Result<Planned<TierDto>, ApiError> {
    let currency = super::space_now(state, space).await?.currency;
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
    let append = super::append_in::<Tier>(auth, space, id.0, 0, &events)?;
    let history: Vec<_> = events
        .into_iter()
        .map(|e| (e, append.occurred().to_owned()))
        .collect();
    Ok(Planned::new(
        Outcome::Created,
        tier_dto(id.0, &history)?,
        append,
    ))
}

/// Plans a change to an existing tier: `PATCH` or `archive`.
pub async fn change(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    tier_id: &str,
    command: TierCommand,
) -> Result<Planned<TierDto>, ApiError> {
    let id = super::parse_id(tier_id, "tier")?;
    let decision = decide_in_space::<Tier>(state, auth, space, id, command).await?;
    let output = tier_dto(id, &decision.history)?;
    Ok(decision.planned(output))
}

/// The domain command for a `PATCH` body.
pub fn change_command(input: UpdateTier) -> TierCommand {
    TierCommand::Change {
        name: input.name,
        monthly_price_minor: input.monthly_price_minor,
        yearly_price_minor: input.yearly_price_minor,
        trial_days: input.trial_days,
    }
}
