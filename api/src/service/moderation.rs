//! Moderating members: a mute for a while (they may not post until it ends), an early unmute,
//! and a ban, which ends the membership like a removal does (entitlements empty, credentials
//! deleted, every session revoked in the same transaction) and for good.

use super::decide_in_space;
use crate::auth::Auth;
use crate::dto::{BanMember, MemberStanding, MuteMember};
use crate::error::ApiError;
use crate::plan::Planned;
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use lyceum_domain::DomainError;
use lyceum_domain::membership::member::{MAX_MUTE_DAYS, Member, MemberCommand};

/// The longest mute in minutes.
const MAX_MUTE_MINUTES: u32 = (MAX_MUTE_DAYS * 24 * 60) as u32;

fn standing(member: &Member, member_id: uuid::Uuid, now: DateTime<Utc>) -> MemberStanding {
    let state = member.state.as_ref();
    MemberStanding {
        member_id,
        banned: state.is_some_and(|m| m.banned),
        muted_until: state
            .and_then(|m| m.muted_until)
            .filter(|until| *until > now)
            .map(|until| until.to_rfc3339_opts(SecondsFormat::Secs, true)),
    }
}

async fn moderate(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    command: MemberCommand,
) -> Result<Planned<MemberStanding>, ApiError> {
    let id = super::parse_id(member_id, "member")?;
    let now = state.clock.now();
    let bans = matches!(command, MemberCommand::Ban { .. });
    let mut decision = decide_in_space::<Member>(state, auth, space, id, command).await?;
    if bans && !decision.append.events.is_empty() {
        // Banned members sign in no more: their sessions end with the ban.
        decision
            .append
            .side_writes
            .extend(super::identity::end_identity(id));
    }
    let output = standing(&decision.state, id, now);
    Ok(decision.planned(output))
}

/// Plans `POST /v1/spaces/{space}/members/{member}/mute`.
pub async fn mute(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    input: MuteMember,
) -> Result<Planned<MemberStanding>, ApiError> {
    if !(1..=MAX_MUTE_MINUTES).contains(&input.minutes) {
        return Err(DomainError::validation(format!(
            "minutes must be between 1 and {MAX_MUTE_MINUTES}"
        ))
        .into());
    }
    let now = state.clock.now();
    let command = MemberCommand::Mute {
        until: now + Duration::minutes(i64::from(input.minutes)),
        now,
        reason: input.reason,
    };
    moderate(state, auth, space, member_id, command).await
}

/// Plans `DELETE /v1/spaces/{space}/members/{member}/mute`.
pub async fn unmute(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
) -> Result<Planned<MemberStanding>, ApiError> {
    let now = state.clock.now();
    moderate(state, auth, space, member_id, MemberCommand::Unmute { now }).await
}

/// Plans `POST /v1/spaces/{space}/members/{member}/ban`.
pub async fn ban(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    input: BanMember,
) -> Result<Planned<MemberStanding>, ApiError> {
    let command = MemberCommand::Ban {
        reason: input.reason,
    };
    moderate(state, auth, space, member_id, command).await
}
