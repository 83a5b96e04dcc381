//! A busy community's events, drawn from a small deterministic generator so every backend and
//! every run gets the same log: spaces with a tier, points rules and a check-in project, then
//! members, subscriptions, content, views, likes, shares, comments, check-ins and points.

use chrono::{DateTime, Duration as Days, NaiveDate, TimeZone, Utc};
use lyceum_domain::DomainEvent;
use lyceum_domain::content::{Access, ContentEvent, ContentKind};
use lyceum_domain::engagement::comment::CommentEvent;
use lyceum_domain::engagement::interaction::{InteractionEvent, ShareChannel};
use lyceum_domain::event::{EventEnvelope, encode};
use lyceum_domain::gamification::check_in::CheckInEvent;
use lyceum_domain::gamification::points::{Action, ActionRule, PointsRules};
use lyceum_domain::gamification::project::CheckInProjectEvent;
use lyceum_domain::ids::{CheckInProjectId, CommentId, ContentId, MemberId, SpaceId, TierId};
use lyceum_domain::membership::member::MemberEvent;
use lyceum_domain::membership::subscription::{
    BillingInterval, DunningSchedule, SubscriptionEvent,
};
use lyceum_domain::membership::tier::{TierEvent, TierKind};
use lyceum_domain::money::Money;
use lyceum_domain::space::SpaceEvent;
use lyceum_domain::values::{Currency, Sealed, Slug};
use std::collections::{HashSet, VecDeque};
use uuid::Uuid;

/// One event to write.
pub struct Row {
    pub aggregate_type: &'static str,
    pub aggregate_id: Uuid,
    pub version: i64,
    pub space_id: Uuid,
    pub envelope: EventEnvelope,
    pub recorded_at: String,
}

impl Row {
    /// The append that writes this event through the store, as a command would.
    #[allow(dead_code)]
    pub fn append(&self) -> lyceum_store::Append {
        lyceum_store::Append {
            aggregate_type: self.aggregate_type,
            aggregate_id: self.aggregate_id,
            expected_version: self.version - 1,
            events: vec![self.envelope.clone()],
            metadata: lyceum_store::Metadata {
                space_id: Some(self.space_id),
                actor: "system".into(),
                correlation_id: Uuid::new_v4(),
                causation_id: None,
                request_id: "bench".into(),
            },
            side_writes: Vec::new(),
            recorded_at: self.recorded_at.clone(),
            occurred_at: None,
        }
    }
}

fn row<E: DomainEvent>(
    aggregate_type: &'static str,
    aggregate_id: Uuid,
    version: i64,
    space_id: Uuid,
    at: DateTime<Utc>,
    event: &E,
) -> Row {
    Row {
        aggregate_type,
        aggregate_id,
        version,
        space_id,
        envelope: encode(event).expect("an event encodes"),
        recorded_at: lyceum_store::time::format(at),
    }
}

/// A small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A space and what its later events refer to.
struct Space {
    id: Uuid,
    tier: TierId,
    project: CheckInProjectId,
    /// Each member with the version its stream has reached.
    members: Vec<(MemberId, i64)>,
    content: Vec<ContentId>,
}

/// An endless stream of a community's events in `spaces` spaces. Of every 100 draws, about: 8
/// members added, 2 subscriptions (started and activated: 4 events), 5 items (drafted and
/// published: 10 events), 51 views, 10 likes, 6 shares, 7 comments, 10 check-ins (one per
/// member and day) and 1 points adjustment.
pub struct Mix {
    rng: Rng,
    eur: Currency,
    at: DateTime<Utc>,
    draws: usize,
    spaces: Vec<Space>,
    /// One check-in per member and day.
    checked: HashSet<(MemberId, NaiveDate)>,
    ready: VecDeque<Row>,
}

impl Mix {
    /// The mix from 2026-01-01, seven seconds a draw.
    #[allow(dead_code)]
    pub fn new(spaces: usize) -> Mix {
        Mix::from(spaces, Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap())
    }

    /// The mix from `start`: from now, no subscription falls due for a month, so a running
    /// billing scheduler adds nothing.
    pub fn from(spaces: usize, start: DateTime<Utc>) -> Mix {
        let mut mix = Mix {
            rng: Rng(0x5eed_1234_abcd),
            eur: Currency::parse("EUR").unwrap(),
            at: start,
            draws: 0,
            spaces: Vec::new(),
            checked: HashSet::new(),
            ready: VecDeque::new(),
        };
        for s in 0..spaces.max(1) {
            mix.found(s);
        }
        mix
    }

    /// Space `s` with its tier, points rules and check-in project.
    fn found(&mut self, s: usize) {
        let (at, eur) = (self.at, self.eur);
        let id = Uuid::now_v7();
        let tier = TierId::new();
        let project = CheckInProjectId::new();
        let rules = PointsRules::new(Action::ALL.into_iter().map(|action| {
            (
                action,
                ActionRule {
                    points: 5,
                    daily_cap: Some(50),
                },
            )
        }))
        .unwrap();
        self.ready.push_back(row(
            "space",
            id,
            1,
            id,
            at,
            &SpaceEvent::SpaceCreated {
                slug: Slug::parse(&format!("space-{s}")).unwrap(),
                name: format!("Space {s}"),
                currency: eur,
            },
        ));
        self.ready.push_back(row(
            "space",
            id,
            2,
            id,
            at,
            &SpaceEvent::PointsRulesSet { rules },
        ));
        self.ready.push_back(row(
            "tier",
            tier.0,
            1,
            id,
            at,
            &TierEvent::TierDefined {
                space_id: SpaceId(id),
                name: "Pro".into(),
                kind: TierKind::Paid,
                currency: eur,
                monthly_price_minor: Some(900),
                yearly_price_minor: Some(9_000),
                trial_days: 0,
            },
        ));
        self.ready.push_back(row(
            "check_in_project",
            project.0,
            1,
            id,
            at,
            &CheckInProjectEvent::CheckInProjectCreated {
                space_id: SpaceId(id),
                title: "Daily practice".into(),
                description: "One line a day".into(),
                starts_on: at.date_naive(),
                ends_on: None,
                utc_offset_minutes: 0,
                min_text_chars: 1,
            },
        ));
        self.spaces.push(Space {
            id,
            tier,
            project,
            members: Vec::new(),
            content: Vec::new(),
        });
    }

    /// One draw: adds zero, one or two events to `ready`.
    fn draw(&mut self) {
        self.at += Days::seconds(7);
        self.draws += 1;
        let (at, eur, n) = (self.at, self.eur, self.draws);
        let day: NaiveDate = at.date_naive();
        let rng = &mut self.rng;
        let rows = &mut self.ready;
        let checked = &mut self.checked;
        let count = self.spaces.len();
        let space = &mut self.spaces[rng.below(count)];
        let sid = space.id;
        let roll = rng.below(100);
        // Every space starts with a member and an item, so the mix below always has both.
        let roll = if space.members.is_empty() {
            0
        } else if space.content.is_empty() {
            10
        } else {
            roll
        };
        let picked = rng.below(space.members.len());
        let member = space.members.get(picked).map(|(member, _)| *member);
        let item = space.content.get(rng.below(space.content.len())).copied();
        match (roll, member, item) {
            (0..=7, _, _) => {
                let member = MemberId::new();
                rows.push_back(row(
                    "member",
                    member.0,
                    1,
                    sid,
                    at,
                    &MemberEvent::MemberAdded {
                        space_id: SpaceId(sid),
                        email: Sealed("sealed-email".into()),
                        display_name: Sealed("sealed-name".into()),
                        external_id: None,
                    },
                ));
                space.members.push((member, 1));
            }
            (8..=9, Some(member), _) => {
                let id = Uuid::now_v7();
                let price = Money::new(900, eur);
                rows.push_back(row(
                    "subscription",
                    id,
                    1,
                    sid,
                    at,
                    &SubscriptionEvent::SubscriptionStarted {
                        space_id: SpaceId(sid),
                        member_id: member,
                        tier_id: space.tier,
                        price,
                        interval: BillingInterval::Monthly,
                        trial_end: None,
                        offer: None,
                        referral_code: None,
                        referred_by: None,
                        dunning: DunningSchedule::default(),
                        started_at: at,
                    },
                ));
                rows.push_back(row(
                    "subscription",
                    id,
                    2,
                    sid,
                    at,
                    &SubscriptionEvent::SubscriptionActivated {
                        period_start: at,
                        period_end: at + Days::days(30),
                        amount: price,
                        provider_payment_id: format!("pay-{n}"),
                        activated_at: at,
                    },
                ));
            }
            (10..=14, _, _) => {
                let id = ContentId::new();
                rows.push_back(row(
                    "content",
                    id.0,
                    1,
                    sid,
                    at,
                    &ContentEvent::ContentDrafted {
                        space_id: SpaceId(sid),
                        kind: ContentKind::Post,
                        title: format!("Post {n}"),
                        body: "A few paragraphs of text about deliberate practice.".into(),
                        excerpt: Some("A few paragraphs".into()),
                        access: Access::Members,
                        external_id: None,
                    },
                ));
                rows.push_back(row(
                    "content",
                    id.0,
                    2,
                    sid,
                    at,
                    &ContentEvent::ContentPublished {},
                ));
                space.content.push(id);
            }
            (15..=59 | 93..=98, Some(member), Some(item)) => rows.push_back(row(
                "interaction",
                Uuid::now_v7(),
                1,
                sid,
                at,
                &InteractionEvent::ItemViewed {
                    member_id: member,
                    content_id: item,
                    day,
                    clicks: 1,
                },
            )),
            (60..=69, Some(member), Some(item)) => rows.push_back(row(
                "interaction",
                Uuid::now_v7(),
                1,
                sid,
                at,
                &InteractionEvent::ItemLiked {
                    member_id: member,
                    content_id: item,
                },
            )),
            (70..=76, Some(member), Some(item)) => {
                let id = CommentId::new();
                rows.push_back(row(
                    "comment",
                    id.0,
                    1,
                    sid,
                    at,
                    &CommentEvent::CommentPosted {
                        comment_id: id,
                        space_id: SpaceId(sid),
                        content_id: item,
                        parent_id: None,
                        member_id: member,
                        body: Sealed("sealed-body".into()),
                    },
                ));
            }
            (87..=92, Some(member), Some(item)) => rows.push_back(row(
                "interaction",
                Uuid::now_v7(),
                1,
                sid,
                at,
                &InteractionEvent::ItemShared {
                    member_id: member,
                    content_id: item,
                    channel: ShareChannel::Link,
                },
            )),
            (77..=86, Some(member), _) if checked.insert((member, day)) => rows.push_back(row(
                "check_in_log",
                Uuid::now_v7(),
                1,
                sid,
                at,
                &CheckInEvent::CheckedIn {
                    project_id: space.project,
                    member_id: member,
                    day,
                    text: Sealed("sealed-text".into()),
                    streak: 1,
                },
            )),
            (99, Some(member), _) => rows.push_back(row(
                "member",
                member.0,
                {
                    let version = &mut space.members[picked].1;
                    *version += 1;
                    *version
                },
                sid,
                at,
                &MemberEvent::PointsAdjusted {
                    delta: 10,
                    reason: "bonus".into(),
                    balance: 10,
                },
            )),
            _ => {}
        }
    }
}

impl Iterator for Mix {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        while self.ready.is_empty() {
            self.draw();
        }
        self.ready.pop_front()
    }
}
