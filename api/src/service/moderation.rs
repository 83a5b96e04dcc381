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
use lyceum_domain::membership::member::{MAX_MUTE_MINUTES, Member, MemberCommand};

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

/// What a moderator does to a member.
#[derive(Debug, Clone)]
pub enum MemberAction {
    /// `POST /v1/spaces/{space}/members/{member}/mute`.
    Mute(MuteMember),
    /// `DELETE /v1/spaces/{space}/members/{member}/mute`.
    Unmute,
    /// `POST /v1/spaces/{space}/members/{member}/ban`.
    Ban(BanMember),
}

/// Plans a mute, an unmute or a ban of a member of the space.
pub async fn moderate(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    action: MemberAction,
) -> Result<Planned<MemberStanding>, ApiError> {
    let now = state.clock.now();
    let command = match action {
        MemberAction::Mute(input) => {
            if !(1..=MAX_MUTE_MINUTES).contains(&input.minutes) {
                return Err(DomainError::validation(format!(
                    "minutes must be between 1 and {MAX_MUTE_MINUTES}"
                ))
                .into());
            }
            MemberCommand::Mute {
                until: now + Duration::minutes(i64::from(input.minutes)),
                now,
                reason: input.reason,
            }
        }
        MemberAction::Unmute => MemberCommand::Unmute { now },
        MemberAction::Ban(input) => MemberCommand::Ban {
            reason: input.reason,
        },
    };
    let id = super::parse_id(member_id, "member")?;
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
