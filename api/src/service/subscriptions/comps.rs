//! Comped and gifted memberships: a paid tier given without payment until a set time, when the
//! billing scheduler expires it. Until then it grants the tier like any active subscription.

use super::{answer, current_member, fold, open_paid_tier};
use crate::auth::Auth;
use crate::dto::{CompReasonDto, CreateComp, Subscription as SubscriptionDto};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::ids::{MemberId, TierId};
use lyceum_domain::membership::subscription::{CompReason, Subscription, SubscriptionCommand};
use lyceum_domain::{Aggregate, DomainError};
use uuid::Uuid;

/// Plans `POST /v1/spaces/{space}/members/{member}/comps` (and GraphQL `compMembership`).
pub async fn comp(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    input: CreateComp,
) -> Result<Planned<SubscriptionDto>, ApiError> {
    let member_id = current_member(state, space, member_id, "be given a membership").await?;
    let until = lyceum_store::time::parse(input.until.trim())
        .map_err(|_| DomainError::validation("until must be an RFC 3339 time"))?;
    open_paid_tier(state, space, input.tier_id).await?;
    let id = Uuid::now_v7();
    let mut subscription = Subscription::default();
    let events = subscription.decide(SubscriptionCommand::Comp {
        space_id: space.id,
        member_id: MemberId(member_id),
        tier_id: TierId(input.tier_id),
        reason: match input.reason {
            CompReasonDto::Comp => CompReason::Comp,
            CompReasonDto::Gift => CompReason::Gift,
        },
        until,
        now: state.clock.now(),
    })?;
    fold(&mut subscription, &events);
    let append = crate::service::append_in::<Subscription>(auth, space, id, 0, &events)?;
    let times = vec![append.occurred().to_owned()];
    let output = answer(id, &subscription, &times, None)?;
    Ok(Planned::new(Outcome::Created, output, append))
}
