//! The Member aggregate: a person in a space, the free tiers they joined, their removal, and the
//! erasure of their personal data.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::{SpaceId, TierId};
use crate::membership::tier::TierKind;
use crate::values::Sealed;
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
    },
    JoinTier {
        tier: TierRef,
    },
    Remove,
    ErasePersonalData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum MemberEvent {
    MemberAdded {
        space_id: SpaceId,
        email: Sealed,
        display_name: Sealed,
    },
    MemberJoinedTier {
        tier_id: TierId,
    },
    MemberRemoved {},
    MemberPersonalDataErased {},
}

impl DomainEvent for MemberEvent {
    fn event_type(&self) -> &'static str {
        match self {
            MemberEvent::MemberAdded { .. } => "MemberAdded",
            MemberEvent::MemberJoinedTier { .. } => "MemberJoinedTier",
            MemberEvent::MemberRemoved {} => "MemberRemoved",
            MemberEvent::MemberPersonalDataErased {} => "MemberPersonalDataErased",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Member {
    pub state: Option<MemberState>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberState {
    pub space_id: SpaceId,
    pub tiers: Vec<TierId>,
    pub removed: bool,
    pub erased: bool,
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
                },
            ) => {
                return Ok(vec![MemberEvent::MemberAdded {
                    space_id,
                    email,
                    display_name,
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
        }
    }
}

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
}
