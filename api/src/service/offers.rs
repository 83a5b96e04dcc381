//! Offers and coupons: creating one (its code reserved in the space), reading and archiving it,
//! and redeeming one: a sign-up offer when a subscription starts, a retention offer on a
//! running subscription (see [`crate::service::subscriptions::apply_offer`]).

use crate::auth::Auth;
use crate::dto::offers::{CreateOffer, DiscountDto, DurationDto, Offer as OfferDto, PurposeDto};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::ids::{MemberId, TierId};
use lyceum_domain::membership::offer::{
    AppliedOffer, Discount, Offer, OfferCode, OfferCommand, OfferDuration, OfferEvent, OfferPurpose,
};
use lyceum_domain::membership::tier::Tier;
use lyceum_domain::money::Money;
use lyceum_domain::{Aggregate, DomainError};
use lyceum_store::Append;
use lyceum_store::command::{Loaded, append_for};
use lyceum_store::offers::{offer_for_code, reserve_code};
use std::sync::Arc;
use uuid::Uuid;

/// The offer a code names in this space, loaded; 404 otherwise.
async fn by_code(
    state: &AppState,
    space: &SpaceRef,
    code: &str,
) -> Result<(Uuid, Loaded<Offer>), ApiError> {
    let code = OfferCode::parse(code).map_err(|_| ApiError::not_found("offer"))?;
    let id = offer_for_code(&state.db, space.id.0, code.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("offer"))?;
    Ok((
        id,
        super::load_in_space::<Offer>(&state.db, space.id, id).await?,
    ))
}

fn answer(id: Uuid, offer: &Offer, history: &[(OfferEvent, String)]) -> Result<OfferDto, ApiError> {
    let state = offer
        .state
        .as_ref()
        .ok_or_else(|| ApiError::not_found("offer"))?;
    let redemptions = history
        .iter()
        .filter(|(e, _)| matches!(e, OfferEvent::OfferRedeemed { .. }))
        .count();
    Ok(OfferDto {
        id,
        code: state.code.as_str().to_owned(),
        discount: match state.discount {
            Discount::Percent { basis_points } => DiscountDto::Percent { basis_points },
            Discount::Fixed { amount } => DiscountDto::Fixed {
                amount_minor: amount.minor,
            },
        },
        duration: match state.duration {
            OfferDuration::Once => DurationDto::Once {},
            OfferDuration::Months { months } => DurationDto::Months { months },
            OfferDuration::Forever => DurationDto::Forever {},
        },
        max_redemptions: state.max_redemptions,
        redemptions: redemptions as u32,
        expires_at: state.expires_at.map(lyceum_store::time::format),
        purpose: match state.purpose {
            OfferPurpose::SignUp => PurposeDto::SignUp,
            OfferPurpose::Retention => PurposeDto::Retention,
        },
        tier_ids: state.tier_ids.iter().map(|t| t.0).collect(),
        archived: state.archived,
        created_at: history
            .first()
            .map(|(_, at)| at.clone())
            .unwrap_or_default(),
    })
}

/// Plans `POST /v1/spaces/{space}/offers`.
pub async fn create(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: CreateOffer,
) -> Result<Planned<OfferDto>, ApiError> {
    let currency = super::space_now(state, space).await?.currency;
    for tier in &input.tier_ids {
        super::load_referenced::<Tier>(&state.db, space.id, *tier, "tier_ids").await?;
    }
    let expires_at = input
        .expires_at
        .as_deref()
        .map(|t| {
            lyceum_store::time::parse(t)
                .map_err(|_| DomainError::validation("expires_at must be an RFC 3339 time"))
        })
        .transpose()?;
    let id = Uuid::now_v7();
    let events = Offer::default().decide(OfferCommand::Create {
        space_id: space.id,
        code: input.code,
        discount: match input.discount {
            DiscountDto::Percent { basis_points } => Discount::Percent { basis_points },
            DiscountDto::Fixed { amount_minor } => Discount::Fixed {
                amount: Money::new(amount_minor, currency),
            },
        },
        duration: match input.duration {
            DurationDto::Once {} => OfferDuration::Once,
            DurationDto::Months { months } => OfferDuration::Months { months },
            DurationDto::Forever {} => OfferDuration::Forever,
        },
        max_redemptions: input.max_redemptions,
        expires_at,
        purpose: match input.purpose {
            PurposeDto::SignUp => OfferPurpose::SignUp,
            PurposeDto::Retention => OfferPurpose::Retention,
        },
        tier_ids: input.tier_ids.iter().copied().map(TierId).collect(),
        now: state.clock.now(),
    })?;
    let offer = Offer::from_history(&events);
    let code = offer
        .state
        .as_ref()
        .map(|s| s.code.as_str().to_owned())
        .unwrap_or_default();
    let append = append_for::<Offer>(
        id,
        0,
        &events,
        metadata(auth, Some(space.id)),
        vec![Arc::new(reserve_code(space.id.0, &code, id))],
    )?;
    let history: Vec<_> = events
        .into_iter()
        .map(|e| (e, append.occurred().to_owned()))
        .collect();
    Ok(Planned::new(
        Outcome::Created,
        answer(id, &offer, &history)?,
        append,
    ))
}

/// The offer a code names, as the API shows it.
pub async fn get(state: &AppState, space: &SpaceRef, code: &str) -> Result<OfferDto, ApiError> {
    let (id, loaded) = by_code(state, space, code).await?;
    answer(id, &loaded.state, &loaded.history)
}

/// Plans `POST /v1/spaces/{space}/offers/{code}/archive`.
pub async fn archive(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    code: &str,
) -> Result<Planned<OfferDto>, ApiError> {
    let (id, _) = by_code(state, space, code).await?;
    let command = OfferCommand::Archive {
        now: state.clock.now(),
    };
    let decision = super::decide_in_space::<Offer>(state, auth, space, id, command).await?;
    let output = answer(id, &decision.state, &decision.history)?;
    Ok(decision.planned(output))
}

/// Checks that `code` names an offer for `purpose` that `member` may redeem for `tier` now,
/// and plans the redemption on the offer's stream. Returns what the subscription keeps of the
/// offer and the append, which the caller makes once its own decision is known to pass.
pub async fn plan_redemption(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    code: &str,
    purpose: OfferPurpose,
    member: Uuid,
    tier: Uuid,
) -> Result<(AppliedOffer, Append), ApiError> {
    let (id, loaded) = by_code(state, space, code).await?;
    let offer = loaded
        .state
        .state
        .as_ref()
        .ok_or_else(|| ApiError::not_found("offer"))?;
    if offer.purpose != purpose {
        return Err(DomainError::validation(match purpose {
            OfferPurpose::SignUp => "this offer is for keeping members, not for signing up",
            OfferPurpose::Retention => {
                "this offer is for signing up, not for a running subscription"
            }
        })
        .into());
    }
    let applied = offer.applied_offer();
    let events = loaded.state.decide(OfferCommand::Redeem {
        member_id: MemberId(member),
        tier_id: TierId(tier),
        now: state.clock.now(),
    })?;
    let append = super::append_in::<Offer>(auth, space, id, loaded.version, &events)?;
    Ok((applied, append))
}

/// Redeems a sign-up offer for a member starting a subscription to `tier`, and returns what the
/// subscription keeps of it. The redemption is appended first, on the offer's stream.
pub async fn redeem_for_start(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    code: &str,
    member: Uuid,
    tier: Uuid,
) -> Result<AppliedOffer, ApiError> {
    let (applied, append) =
        plan_redemption(state, auth, space, code, OfferPurpose::SignUp, member, tier).await?;
    lyceum_store::append::append(&state.db, &append, None).await?;
    Ok(applied)
}
