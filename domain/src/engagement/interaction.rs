//! The Interaction aggregate: one member's views, like and shares of one item, on a stream of
//! its own (see [`super::pair_id`]). A view counts once per member, item and day; liking and
//! unliking are idempotent; every share counts.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::event::DomainEvent;
use crate::ids::{ContentId, MemberId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a member shared an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareChannel {
    Link,
    Email,
    Social,
    Other,
}

impl ShareChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareChannel::Link => "link",
            ShareChannel::Email => "email",
            ShareChannel::Social => "social",
            ShareChannel::Other => "other",
        }
    }
}

/// What the member did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Opened the item on `day` (UTC), as the caller's clock says, `clicks` times (1 for a
    /// view over the API; an import of another platform's daily counts brings more).
    View {
        day: NaiveDate,
        clicks: u32,
    },
    Like,
    Unlike,
    Share {
        channel: ShareChannel,
    },
}

/// A member's action on an item they may read (the caller checked that).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InteractionCommand {
    pub member_id: MemberId,
    pub content_id: ContentId,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum InteractionEvent {
    ItemViewed {
        member_id: MemberId,
        content_id: ContentId,
        day: NaiveDate,
        /// How many times that day; absent for one (every view before clicks were counted).
        #[serde(default = "one_click", skip_serializing_if = "is_one_click")]
        clicks: u32,
    },
    ItemLiked {
        member_id: MemberId,
        content_id: ContentId,
    },
    ItemUnliked {
        member_id: MemberId,
        content_id: ContentId,
    },
    ItemShared {
        member_id: MemberId,
        content_id: ContentId,
        channel: ShareChannel,
    },
}

impl DomainEvent for InteractionEvent {
    fn event_type(&self) -> &'static str {
        match self {
            InteractionEvent::ItemViewed { .. } => "ItemViewed",
            InteractionEvent::ItemLiked { .. } => "ItemLiked",
            InteractionEvent::ItemUnliked { .. } => "ItemUnliked",
            InteractionEvent::ItemShared { .. } => "ItemShared",
        }
    }
}

fn one_click() -> u32 {
    1
}

fn is_one_click(clicks: &u32) -> bool {
    *clicks == 1
}

/// What one member did with one item so far.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Interaction {
    /// The latest day a view was counted.
    pub last_viewed: Option<NaiveDate>,
    pub liked: bool,
    pub shares: u64,
}

impl Aggregate for Interaction {
    const TYPE: &'static str = "interaction";
    type Command = InteractionCommand;
    type Event = InteractionEvent;

    fn decide(&self, command: InteractionCommand) -> Result<Vec<InteractionEvent>, DomainError> {
        let InteractionCommand {
            member_id,
            content_id,
            action,
        } = command;
        Ok(match action {
            // A day already counted, or one before it (a clock behind another), counts nothing.
            Action::View { day, .. } if self.last_viewed.is_some_and(|last| day <= last) => {
                vec![]
            }
            Action::View { day, clicks } => vec![InteractionEvent::ItemViewed {
                member_id,
                content_id,
                day,
                clicks: clicks.max(1),
            }],
            Action::Like if self.liked => vec![],
            Action::Like => vec![InteractionEvent::ItemLiked {
                member_id,
                content_id,
            }],
            Action::Unlike if !self.liked => vec![],
            Action::Unlike => vec![InteractionEvent::ItemUnliked {
                member_id,
                content_id,
            }],
            Action::Share { channel } => vec![InteractionEvent::ItemShared {
                member_id,
                content_id,
                channel,
            }],
        })
    }

    fn apply(&mut self, event: &InteractionEvent) {
        match event {
            InteractionEvent::ItemViewed { day, .. } => self.last_viewed = Some(*day),
            InteractionEvent::ItemLiked { .. } => self.liked = true,
            InteractionEvent::ItemUnliked { .. } => self.liked = false,
            InteractionEvent::ItemShared { .. } => self.shares += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};
    use uuid::Uuid;

    const MEMBER: MemberId = MemberId(Uuid::from_u128(1));
    const ITEM: ContentId = ContentId(Uuid::from_u128(2));

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn act(action: Action) -> InteractionCommand {
        InteractionCommand {
            member_id: MEMBER,
            content_id: ITEM,
            action,
        }
    }

    fn viewed(d: u32) -> InteractionEvent {
        InteractionEvent::ItemViewed {
            member_id: MEMBER,
            content_id: ITEM,
            day: day(d),
            clicks: 1,
        }
    }

    #[test]
    fn a_day_of_clicks_is_one_view_that_carries_them() {
        given_no_history::<Interaction>()
            .when(act(Action::View {
                day: day(1),
                clicks: 7,
            }))
            .then_expect_events(vec![InteractionEvent::ItemViewed {
                member_id: MEMBER,
                content_id: ITEM,
                day: day(1),
                clicks: 7,
            }]);
    }

    #[test]
    fn a_single_click_is_stored_as_views_always_were() {
        let payload = crate::event::encode(&viewed(1)).unwrap().payload;
        assert!(payload.get("clicks").is_none(), "{payload}");
        let back: InteractionEvent = crate::event::decode("ItemViewed", 1, payload).unwrap();
        assert_eq!(back, viewed(1));
    }

    fn liked() -> InteractionEvent {
        InteractionEvent::ItemLiked {
            member_id: MEMBER,
            content_id: ITEM,
        }
    }

    #[test]
    fn a_view_counts_once_a_day() {
        given_no_history::<Interaction>()
            .when(act(Action::View {
                day: day(1),
                clicks: 1,
            }))
            .then_expect_events(vec![viewed(1)]);
        given::<Interaction>(vec![viewed(1)])
            .when(act(Action::View {
                day: day(1),
                clicks: 1,
            }))
            .then_expect_events(vec![]);
        given::<Interaction>(vec![viewed(1)])
            .when(act(Action::View {
                day: day(2),
                clicks: 1,
            }))
            .then_expect_events(vec![viewed(2)]);
    }

    #[test]
    fn a_view_on_a_day_before_the_last_one_counted_counts_nothing() {
        given::<Interaction>(vec![viewed(1), viewed(3)])
            .when(act(Action::View {
                day: day(2),
                clicks: 1,
            }))
            .then_expect_events(vec![]);
    }

    #[test]
    fn liking_twice_likes_once_and_unliking_twice_unlikes_once() {
        given_no_history::<Interaction>()
            .when(act(Action::Like))
            .then_expect_events(vec![liked()]);
        given::<Interaction>(vec![liked()])
            .when(act(Action::Like))
            .then_expect_events(vec![]);
        let unliked = InteractionEvent::ItemUnliked {
            member_id: MEMBER,
            content_id: ITEM,
        };
        given::<Interaction>(vec![liked()])
            .when(act(Action::Unlike))
            .then_expect_events(vec![unliked.clone()]);
        given::<Interaction>(vec![liked(), unliked.clone()])
            .when(act(Action::Unlike))
            .then_expect_events(vec![]);
        given_no_history::<Interaction>()
            .when(act(Action::Unlike))
            .then_expect_events(vec![]);
        given::<Interaction>(vec![liked(), unliked])
            .when(act(Action::Like))
            .then_expect_events(vec![liked()]);
    }

    #[test]
    fn every_share_counts() {
        let shared = InteractionEvent::ItemShared {
            member_id: MEMBER,
            content_id: ITEM,
            channel: ShareChannel::Email,
        };
        given::<Interaction>(vec![shared.clone()])
            .when(act(Action::Share {
                channel: ShareChannel::Email,
            }))
            .then_expect_events(vec![shared]);
    }

    #[test]
    fn events_survive_the_log() -> Result<(), serde_json::Error> {
        for event in [viewed(1), liked()] {
            let stored = crate::event::encode(&event)?;
            assert!(crate::webhook::EVENT_TYPES.contains(&stored.event_type.as_str()));
            let back: InteractionEvent =
                crate::event::decode(&stored.event_type, stored.event_version, stored.payload)?;
            assert_eq!(back, event);
        }
        assert_eq!(
            crate::event::encode(&viewed(1))?.payload["day"],
            "2026-03-01"
        );
        Ok(())
    }
}
