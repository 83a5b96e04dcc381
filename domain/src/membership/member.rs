//! The Member aggregate: a person in a space, the free tiers they joined, their removal, the
//! erasure of their personal data, and moderation: a mute for a while, or a ban for good.

use crate::aggregate::Aggregate;
use crate::engagement::{Standing, optional_reason};
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::{SpaceId, TierId};
use crate::membership::tier::TierKind;
use crate::values::Sealed;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What the caller looked up about a tier before asking a member to join it.
#[derive(Debug, Clone, PartialEq)]
pub struct TierRef {
    pub id: TierId,
    pub space_id: SpaceId,
    pub kind: TierKind,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MemberCommand {
    Add {
        space_id: SpaceId,
        /// The email, sealed with this member's key.
        email: Sealed,
        /// The display name, sealed with this member's key.
        display_name: Sealed,
        /// Who the member is in the creator's other system (an
        /// [`ExternalId`](crate::external_id::ExternalId)), for imports and migrations; sealed
        /// like the rest of their personal data, since it says who they are.
        external_id: Option<Sealed>,
    },
    JoinTier {
        tier: TierRef,
    },
    Remove,
    ErasePersonalData,
    /// Points given (or, with a negative `delta`, taken back) by the creator, with a reason the
    /// member may be shown. A member's points never go below zero.
    AdjustPoints {
        delta: i64,
        reason: String,
    },
    /// Lets the member answer questions in the space.
    GrantGuestRole,
    RevokeGuestRole,
    /// A moderator stops the member posting until `until` (after `now`, at most
    /// [`MAX_MUTE_DAYS`] away). Muting a muted member sets the new end.
    Mute {
        until: DateTime<Utc>,
        now: DateTime<Utc>,
        reason: Option<String>,
    },
    /// Ends a mute early; unmuting a member who is not muted changes nothing.
    Unmute {
        now: DateTime<Utc>,
    },
    /// A moderator bans the member: like a removal, and for good. Banning twice changes nothing.
    Ban {
        reason: Option<String>,
    },
}

/// The longest mute: a year.
pub const MAX_MUTE_DAYS: i64 = 365;

/// The most points one adjustment may move.
pub const MAX_POINTS_ADJUSTMENT: i64 = 1_000_000;
/// The longest reason for a points adjustment, in characters once trimmed.
pub const MAX_POINTS_REASON: usize = 200;
/// The longest display name, in characters once trimmed.
pub const MAX_DISPLAY_NAME: usize = 100;
/// The longest mute a moderator may give, in minutes: [`MAX_MUTE_DAYS`].
pub const MAX_MUTE_MINUTES: u32 = (MAX_MUTE_DAYS * 24 * 60) as u32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum MemberEvent {
    MemberAdded {
        space_id: SpaceId,
        email: Sealed,
        display_name: Sealed,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_id: Option<Sealed>,
    },
    MemberJoinedTier {
        tier_id: TierId,
    },
    MemberRemoved {},
    MemberPersonalDataErased {},
    PointsAdjusted {
        delta: i64,
        reason: String,
        /// The member's points after this adjustment.
        balance: u64,
    },
    GuestRoleGranted {},
    GuestRoleRevoked {},
    MemberMuted {
        until: DateTime<Utc>,
        reason: Option<String>,
    },
    MemberUnmuted {},
    MemberBanned {
        reason: Option<String>,
    },
}

impl DomainEvent for MemberEvent {
    fn event_type(&self) -> &'static str {
        match self {
            MemberEvent::MemberAdded { .. } => "MemberAdded",
            MemberEvent::MemberJoinedTier { .. } => "MemberJoinedTier",
            MemberEvent::MemberRemoved {} => "MemberRemoved",
            MemberEvent::MemberPersonalDataErased {} => "MemberPersonalDataErased",
            MemberEvent::PointsAdjusted { .. } => "PointsAdjusted",
            MemberEvent::GuestRoleGranted {} => "GuestRoleGranted",
            MemberEvent::GuestRoleRevoked {} => "GuestRoleRevoked",
            MemberEvent::MemberMuted { .. } => "MemberMuted",
            MemberEvent::MemberUnmuted {} => "MemberUnmuted",
            MemberEvent::MemberBanned { .. } => "MemberBanned",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Member {
    pub state: Option<MemberState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MemberState {
    pub space_id: SpaceId,
    pub tiers: Vec<TierId>,
    pub removed: bool,
    pub erased: bool,
    pub points: u64,
    /// Holds the guest role: may answer questions.
    pub guest: bool,
    /// Until when a moderator muted the member (a past time means the mute is over).
    pub muted_until: Option<DateTime<Utc>>,
    /// Banned members are also `removed`.
    pub banned: bool,
}

impl MemberState {
    /// Whether the member may post: what the engagement aggregates check.
    pub fn standing(&self) -> Standing {
        Standing {
            muted_until: self.muted_until,
            banned: self.banned,
        }
    }
}

impl Aggregate for Member {
    const TYPE: &'static str = "member";
    type Command = MemberCommand;
    type Event = MemberEvent;

    fn decide(&self, command: MemberCommand) -> Result<Vec<MemberEvent>, DomainError> {
        let state = match (&self.state, command) {
            (Some(_), MemberCommand::Add { .. }) => {
                return Err(DomainError::new(Code::Conflict, "member already exists"));
            }
            (
                None,
                MemberCommand::Add {
                    space_id,
                    email,
                    display_name,
                    external_id,
                },
            ) => {
                return Ok(vec![MemberEvent::MemberAdded {
                    space_id,
                    email,
                    display_name,
                    external_id,
                }]);
            }
            (None, _) => return Err(DomainError::not_found("member")),
            (Some(state), command) => (state, command),
        };
        match state {
            (state, MemberCommand::JoinTier { tier }) => {
                if state.removed {
                    return Err(DomainError::transition(
                        "a removed member cannot join a tier",
                    ));
                }
                if tier.space_id != state.space_id {
                    return Err(DomainError::not_found("tier"));
                }
                if tier.archived {
                    return Err(DomainError::transition(
                        "this tier is archived and takes no new members",
                    ));
                }
                if tier.kind != TierKind::Free {
                    return Err(DomainError::new(
                        Code::TierRequiresPayment,
                        "this tier is paid: members join it through checkout",
                    ));
                }
                if state.tiers.contains(&tier.id) {
                    return Err(DomainError::new(
                        Code::AlreadyMember,
                        "the member already belongs to this tier",
                    ));
                }
                Ok(vec![MemberEvent::MemberJoinedTier { tier_id: tier.id }])
            }
            (state, MemberCommand::Remove) => {
                if state.removed {
                    return Err(DomainError::transition("the member was already removed"));
                }
                Ok(vec![MemberEvent::MemberRemoved {}])
            }
            // Erasure is idempotent: asking again changes nothing and is not an error.
            (state, MemberCommand::ErasePersonalData) if state.erased => Ok(vec![]),
            (_, MemberCommand::ErasePersonalData) => {
                Ok(vec![MemberEvent::MemberPersonalDataErased {}])
            }
            (state, MemberCommand::AdjustPoints { delta, reason }) => {
                if state.removed {
                    return Err(DomainError::transition(
                        "a removed member's points cannot change",
                    ));
                }
                if delta == 0 || delta.abs() > MAX_POINTS_ADJUSTMENT {
                    return Err(DomainError::validation(format!(
                        "delta must be non-zero and at most {MAX_POINTS_ADJUSTMENT} either way"
                    )));
                }
                let reason = crate::values::bounded_text("reason", &reason, MAX_POINTS_REASON)?;
                let balance = i64::try_from(state.points)
                    .ok()
                    .and_then(|points| points.checked_add(delta))
                    .and_then(|balance| u64::try_from(balance).ok())
                    .ok_or_else(|| {
                        DomainError::validation(format!(
                            "the member has {} points; taking {} would leave fewer than none",
                            state.points,
                            delta.unsigned_abs()
                        ))
                    })?;
                Ok(vec![MemberEvent::PointsAdjusted {
                    delta,
                    reason,
                    balance,
                }])
            }
            (state, MemberCommand::GrantGuestRole) => {
                if state.removed {
                    return Err(DomainError::transition(
                        "a removed member cannot be made a guest",
                    ));
                }
                // Granting a role the member holds changes nothing.
                Ok(if state.guest {
                    vec![]
                } else {
                    vec![MemberEvent::GuestRoleGranted {}]
                })
            }
            (state, MemberCommand::RevokeGuestRole) => Ok(if state.guest {
                vec![MemberEvent::GuestRoleRevoked {}]
            } else {
                vec![]
            }),
            (
                state,
                command @ (MemberCommand::Mute { .. }
                | MemberCommand::Unmute { .. }
                | MemberCommand::Ban { .. }),
            ) => moderate(state, command),
            (_, MemberCommand::Add { .. }) => unreachable!("handled above"),
        }
    }

    fn apply(&mut self, event: &MemberEvent) {
        match event {
            MemberEvent::MemberAdded { space_id, .. } => {
                self.state = Some(MemberState {
                    space_id: *space_id,
                    tiers: Vec::new(),
                    removed: false,
                    erased: false,
                    points: 0,
                    guest: false,
                    muted_until: None,
                    banned: false,
                })
            }
            MemberEvent::MemberJoinedTier { tier_id } => {
                if let Some(state) = &mut self.state {
                    state.tiers.push(*tier_id);
                }
            }
            MemberEvent::MemberRemoved {} => {
                if let Some(state) = &mut self.state {
                    state.removed = true;
                    state.tiers.clear();
                }
            }
            MemberEvent::MemberPersonalDataErased {} => {
                if let Some(state) = &mut self.state {
                    state.erased = true;
                }
            }
            MemberEvent::PointsAdjusted { balance, .. } => {
                if let Some(state) = &mut self.state {
                    state.points = *balance;
                }
            }
            MemberEvent::GuestRoleGranted {} => {
                if let Some(state) = &mut self.state {
                    state.guest = true;
                }
            }
            MemberEvent::GuestRoleRevoked {} => {
                if let Some(state) = &mut self.state {
                    state.guest = false;
                }
            }
            MemberEvent::MemberMuted { until, .. } => {
                if let Some(state) = &mut self.state {
                    state.muted_until = Some(*until);
                }
            }
            MemberEvent::MemberUnmuted {} => {
                if let Some(state) = &mut self.state {
                    state.muted_until = None;
                }
            }
            MemberEvent::MemberBanned { .. } => {
                if let Some(state) = &mut self.state {
                    state.banned = true;
                    state.removed = true;
                    state.tiers.clear();
                    state.muted_until = None;
                }
            }
        }
    }
}

/// Decides a moderator's mute, unmute or ban.
fn moderate(state: &MemberState, command: MemberCommand) -> Result<Vec<MemberEvent>, DomainError> {
    match command {
        MemberCommand::Ban { .. } if state.banned => Ok(vec![]),
        _ if state.removed => Err(DomainError::transition(
            "the member was removed from the space",
        )),
        MemberCommand::Mute { until, now, reason } => {
            if until <= now || until > now + Duration::days(MAX_MUTE_DAYS) {
                return Err(DomainError::validation(format!(
                    "a mute must end in the future and within {MAX_MUTE_DAYS} days"
                )));
            }
            Ok(vec![MemberEvent::MemberMuted {
                until,
                reason: optional_reason("reason", reason)?,
            }])
        }
        MemberCommand::Unmute { now } if state.muted_until.is_some_and(|until| now < until) => {
            Ok(vec![MemberEvent::MemberUnmuted {}])
        }
        MemberCommand::Unmute { .. } => Ok(vec![]),
        MemberCommand::Ban { reason } => Ok(vec![MemberEvent::MemberBanned {
            reason: optional_reason("reason", reason)?,
        }]),
        _ => Err(DomainError::validation("not a moderation command")),
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Member {
    const NOUN: &'static str = "member";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|m| m.space_id)
    }
}

#[cfg(test)]
#[path = "member_moderation_tests.rs"]
mod moderation_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};
    use uuid::Uuid;

    const SPACE: SpaceId = SpaceId(Uuid::nil());

    fn added() -> MemberEvent {
        MemberEvent::MemberAdded {
            space_id: SPACE,
            email: Sealed("sealed-email".into()),
            display_name: Sealed("sealed-name".into()),
            external_id: None,
        }
    }

    fn tier(kind: TierKind) -> TierRef {
        TierRef {
            id: TierId(Uuid::from_u128(7)),
            space_id: SPACE,
            kind,
            archived: false,
        }
    }

    #[test]
    fn a_member_is_added_with_sealed_personal_data() {
        given_no_history::<Member>()
            .when(MemberCommand::Add {
                space_id: SPACE,
                email: Sealed("sealed-email".into()),
                display_name: Sealed("sealed-name".into()),
                external_id: None,
            })
            .then_expect_events(vec![added()]);
    }

    #[test]
    fn a_member_joins_a_free_tier() {
        given::<Member>(vec![added()])
            .when(MemberCommand::JoinTier {
                tier: tier(TierKind::Free),
            })
            .then_expect_events(vec![MemberEvent::MemberJoinedTier {
                tier_id: tier(TierKind::Free).id,
            }]);
    }

    #[test]
    fn joining_a_paid_tier_needs_payment() {
        given::<Member>(vec![added()])
            .when(MemberCommand::JoinTier {
                tier: tier(TierKind::Paid),
            })
            .then_expect_error(Code::TierRequiresPayment);
    }

    #[test]
    fn joining_the_same_tier_twice_is_refused() {
        given::<Member>(vec![
            added(),
            MemberEvent::MemberJoinedTier {
                tier_id: tier(TierKind::Free).id,
            },
        ])
        .when(MemberCommand::JoinTier {
            tier: tier(TierKind::Free),
        })
        .then_expect_error(Code::AlreadyMember);
    }

    #[test]
    fn an_archived_tier_takes_no_new_members() {
        let mut archived = tier(TierKind::Free);
        archived.archived = true;
        given::<Member>(vec![added()])
            .when(MemberCommand::JoinTier { tier: archived })
            .then_expect_error(Code::InvalidTransition);
    }

    #[test]
    fn a_tier_of_another_space_is_not_found() {
        let mut foreign = tier(TierKind::Free);
        foreign.space_id = SpaceId(Uuid::from_u128(99));
        given::<Member>(vec![added()])
            .when(MemberCommand::JoinTier { tier: foreign })
            .then_expect_error(Code::NotFound);
    }

    #[test]
    fn a_removed_member_cannot_join_or_be_removed_again() {
        let history = vec![added(), MemberEvent::MemberRemoved {}];
        given::<Member>(history.clone())
            .when(MemberCommand::JoinTier {
                tier: tier(TierKind::Free),
            })
            .then_expect_error(Code::InvalidTransition);
        given::<Member>(history)
            .when(MemberCommand::Remove)
            .then_expect_error(Code::InvalidTransition);
    }

    #[test]
    fn a_member_is_removed() {
        given::<Member>(vec![added()])
            .when(MemberCommand::Remove)
            .then_expect_events(vec![MemberEvent::MemberRemoved {}]);
    }

    #[test]
    fn erasure_happens_once_and_repeats_quietly() {
        given::<Member>(vec![added()])
            .when(MemberCommand::ErasePersonalData)
            .then_expect_events(vec![MemberEvent::MemberPersonalDataErased {}]);
        given::<Member>(vec![added(), MemberEvent::MemberPersonalDataErased {}])
            .when(MemberCommand::ErasePersonalData)
            .then_expect_events(vec![]);
    }

    #[test]
    fn commands_for_an_unknown_member_are_not_found() {
        given_no_history::<Member>()
            .when(MemberCommand::Remove)
            .then_expect_error(Code::NotFound);
    }

    fn adjust(delta: i64) -> MemberCommand {
        MemberCommand::AdjustPoints {
            delta,
            reason: " Hosted the study group ".into(),
        }
    }

    #[test]
    fn points_are_added_and_taken_back_with_the_balance_recorded() {
        let given_points = MemberEvent::PointsAdjusted {
            delta: 120,
            reason: "Hosted the study group".into(),
            balance: 120,
        };
        given::<Member>(vec![added()])
            .when(adjust(120))
            .then_expect_events(vec![given_points.clone()]);
        given::<Member>(vec![added(), given_points])
            .when(adjust(-20))
            .then_expect_events(vec![MemberEvent::PointsAdjusted {
                delta: -20,
                reason: "Hosted the study group".into(),
                balance: 100,
            }]);
    }

    #[test]
    fn points_never_go_below_zero_and_zero_or_huge_deltas_are_refused() {
        for delta in [-1, 0, MAX_POINTS_ADJUSTMENT + 1] {
            given::<Member>(vec![added()])
                .when(adjust(delta))
                .then_expect_error(Code::ValidationFailed);
        }
        given::<Member>(vec![added(), MemberEvent::MemberRemoved {}])
            .when(adjust(5))
            .then_expect_error(Code::InvalidTransition);
    }

    #[test]
    fn the_guest_role_is_granted_and_revoked_once_each() {
        given::<Member>(vec![added()])
            .when(MemberCommand::GrantGuestRole)
            .then_expect_events(vec![MemberEvent::GuestRoleGranted {}]);
        given::<Member>(vec![added(), MemberEvent::GuestRoleGranted {}])
            .when(MemberCommand::GrantGuestRole)
            .then_expect_events(vec![]);
        given::<Member>(vec![added(), MemberEvent::GuestRoleGranted {}])
            .when(MemberCommand::RevokeGuestRole)
            .then_expect_events(vec![MemberEvent::GuestRoleRevoked {}]);
        given::<Member>(vec![added()])
            .when(MemberCommand::RevokeGuestRole)
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_removed_member_is_not_made_a_guest() {
        given::<Member>(vec![added(), MemberEvent::MemberRemoved {}])
            .when(MemberCommand::GrantGuestRole)
            .then_expect_error(Code::InvalidTransition);
    }
}
