//! A space's billing terms and member levels (commands on the Space aggregate), and a member's
//! points (a command on the Member aggregate).

use super::decide_in_space;
use crate::auth::Auth;
use crate::dto::{AdjustPoints, BillingTermsDto, LevelRulesDto, MemberPoints};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::membership::level::LevelRules;
use lyceum_domain::membership::member::{Member, MemberCommand};
use lyceum_domain::membership::terms::BillingTerms;
use lyceum_domain::space::{Space, SpaceCommand, SpaceState};
use lyceum_store::command::load;

/// The billing terms new subscriptions and the API's checks use now.
pub async fn billing_terms(state: &AppState, space: &SpaceRef) -> Result<BillingTerms, ApiError> {
    Ok(super::space_now(state, space).await?.terms)
}

/// `GET /v1/spaces/{space}/billing-terms`.
pub async fn get_terms(state: &AppState, space: &SpaceRef) -> Result<BillingTermsDto, ApiError> {
    Ok(BillingTermsDto::from(&billing_terms(state, space).await?))
}

/// `GET /v1/spaces/{space}/levels`.
pub async fn get_levels(state: &AppState, space: &SpaceRef) -> Result<LevelRulesDto, ApiError> {
    Ok(LevelRulesDto::from(
        super::space_now(state, space).await?.levels.as_ref(),
    ))
}

/// Decides a command on the space and answers with `view` of the state after it.
pub(super) async fn change_space<T>(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    command: SpaceCommand,
    view: impl FnOnce(&SpaceState) -> T,
) -> Result<Planned<T>, ApiError> {
    let mut loaded = load::<Space>(&state.db, space.id.0).await?;
    let events = loaded.state.decide(command)?;
    let append = super::append_in::<Space>(auth, space, space.id.0, loaded.version, &events)?;
    for event in &events {
        loaded.state.apply(event);
    }
    let after = loaded
        .state
        .created
        .as_ref()
        .ok_or_else(|| ApiError::not_found("space"))?;
    Ok(Planned::maybe(
        Outcome::Changed,
        view(after),
        append,
        loaded.position,
    ))
}

/// Plans `PUT /v1/spaces/{space}/billing-terms`.
pub async fn set_terms(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: BillingTermsDto,
) -> Result<Planned<BillingTermsDto>, ApiError> {
    let terms = BillingTerms::try_from(input)?;
    change_space(
        state,
        auth,
        space,
        SpaceCommand::SetBillingTerms { terms },
        |s| BillingTermsDto::from(&s.terms),
    )
    .await
}

/// Plans `PUT /v1/spaces/{space}/levels`.
pub async fn set_levels(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: LevelRulesDto,
) -> Result<Planned<LevelRulesDto>, ApiError> {
    let rules = LevelRules::try_from(input)?;
    change_space(
        state,
        auth,
        space,
        SpaceCommand::SetLevelRules { rules },
        |s| LevelRulesDto::from(s.levels.as_ref()),
    )
    .await
}

/// Plans `POST /v1/spaces/{space}/members/{member}/points`.
pub async fn adjust_points(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    input: AdjustPoints,
) -> Result<Planned<MemberPoints>, ApiError> {
    let id = super::parse_id(member_id, "member")?;
    let command = MemberCommand::AdjustPoints {
        delta: input.delta,
        reason: input.reason,
    };
    let decision = decide_in_space::<Member>(state, auth, space, id, command).await?;
    // The aggregate keeps the manual points; what actions earned is in the points read model.
    let manual = decision.state.state.as_ref().map_or(0, |m| m.points);
    let earned = lyceum_projections::points::queries::balance(&state.db, &id.to_string())
        .await?
        .earned;
    let points = manual.saturating_add(u64::try_from(earned).unwrap_or(0));
    let level = super::space_now(state, space)
        .await?
        .levels
        .map(|rules| lyceum_projections::spaces::terms::level_for(&rules, points).into());
    let output = MemberPoints {
        member_id: id,
        points,
        level,
    };
    Ok(Planned::new(Outcome::Changed, output, decision.append))
}
