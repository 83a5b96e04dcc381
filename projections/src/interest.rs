//! Which events each read model handles, declared once: the one pass over the log hands a
//! projection only these, and on RabbitMQ its queues are bound only to their routing keys
//! (`<aggregate>.<EventType>`, `*` standing for any one word). A projector still ignores
//! whatever else it is given, so a declaration that is too wide costs time, never correctness;
//! one that is too narrow loses events, which `tests` below guard against.

use crate::Projection;
use lyceum_domain::gamification::points::Action;
use lyceum_store::StoredEvent;

/// Any aggregate type, or any event type.
pub const ANY: &str = "*";

/// A kind of event a projection handles: an aggregate type and an event type, either of which
/// may be [`ANY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interest {
    pub aggregate_type: &'static str,
    pub event_type: &'static str,
}

impl Interest {
    /// Every event of one aggregate type.
    pub const fn aggregate(aggregate_type: &'static str) -> Self {
        Self {
            aggregate_type,
            event_type: ANY,
        }
    }

    /// One event type of one aggregate type.
    pub const fn event(aggregate_type: &'static str, event_type: &'static str) -> Self {
        Self {
            aggregate_type,
            event_type,
        }
    }

    /// Whether `event` is of this kind.
    pub fn matches(&self, aggregate_type: &str, event_type: &str) -> bool {
        (self.aggregate_type == ANY || self.aggregate_type == aggregate_type)
            && (self.event_type == ANY || self.event_type == event_type)
    }

    /// The AMQP topic binding key for this kind, matching the relay's routing keys.
    pub fn binding_key(&self) -> String {
        format!("{}.{}", self.aggregate_type, self.event_type)
    }
}

const SPACE: &str = "space";
const TIER: &str = "tier";
const MEMBER: &str = "member";
const CONTENT: &str = "content";
const TOPIC: &str = "topic";
const SUBSCRIPTION: &str = "subscription";
const ORDER: &str = "order";
const CHECK_IN_PROJECT: &str = "check_in_project";
const CHECK_IN_LOG: &str = "check_in_log";
const QUESTION: &str = "question";
const INTERACTION: &str = "interaction";
const COMMENT: &str = "comment";
const REPORT: &str = "report";
const COURSE_PROGRESS: &str = "course_progress";
const ERASED: &str = "MemberPersonalDataErased";

/// Points are earned by actions of any aggregate, recognised by event type.
const ACTIONS: [Interest; Action::ALL.len()] = {
    let mut out = [Interest::event(ANY, ANY); Action::ALL.len()];
    let mut i = 0;
    while i < Action::ALL.len() {
        out[i] = Interest::event(ANY, Action::ALL[i].event_type());
        i += 1;
    }
    out
};

const POINTS: [Interest; Action::ALL.len() + 2] = {
    let mut out = [Interest::event(SPACE, "PointsRulesSet"); Action::ALL.len() + 2];
    out[1] = Interest::event(MEMBER, "PointsAdjusted");
    let mut i = 0;
    while i < ACTIONS.len() {
        out[i + 2] = ACTIONS[i];
        i += 1;
    }
    out
};

const SPACES: &[Interest] = &[Interest::aggregate(SPACE)];
const TIERS: &[Interest] = &[Interest::aggregate(TIER)];
const MEMBERS: &[Interest] = &[Interest::aggregate(MEMBER)];
const CONTENTS: &[Interest] = &[Interest::aggregate(CONTENT), Interest::aggregate(TOPIC)];
const SUBSCRIPTIONS: &[Interest] = &[Interest::aggregate(SUBSCRIPTION)];
const ORDERS: &[Interest] = &[Interest::aggregate(ORDER)];
const LEDGER: &[Interest] = &[
    Interest::event(SPACE, "BillingTermsChanged"),
    Interest::aggregate(ORDER),
    Interest::aggregate(SUBSCRIPTION),
];
const CHECK_INS: &[Interest] = &[
    Interest::aggregate(CHECK_IN_PROJECT),
    Interest::aggregate(CHECK_IN_LOG),
    Interest::event(MEMBER, ERASED),
];
const QUESTIONS: &[Interest] = &[
    Interest::aggregate(QUESTION),
    Interest::event(MEMBER, "GuestRoleGranted"),
    Interest::event(MEMBER, "GuestRoleRevoked"),
    Interest::event(MEMBER, "MemberRemoved"),
];
const ENGAGEMENT: &[Interest] = &[
    Interest::aggregate(INTERACTION),
    Interest::aggregate(COMMENT),
    Interest::aggregate(REPORT),
    Interest::aggregate(COURSE_PROGRESS),
    Interest::event(MEMBER, ERASED),
];
const INTERACTIONS: &[Interest] = &[
    Interest::aggregate(INTERACTION),
    Interest::event(COMMENT, "CommentPosted"),
    Interest::aggregate(COURSE_PROGRESS),
    Interest::aggregate(ORDER),
];

impl Projection {
    /// The kinds of event this projection handles.
    pub fn interests(self) -> &'static [Interest] {
        match self {
            Projection::Spaces => SPACES,
            Projection::Tiers => TIERS,
            Projection::Members => MEMBERS,
            Projection::Content => CONTENTS,
            Projection::Subscriptions | Projection::Analytics => SUBSCRIPTIONS,
            Projection::Orders => ORDERS,
            Projection::Ledger => LEDGER,
            Projection::CheckIns => CHECK_INS,
            Projection::Points => &POINTS,
            Projection::Questions => QUESTIONS,
            Projection::Engagement => ENGAGEMENT,
            Projection::Interactions => INTERACTIONS,
        }
    }

    /// Whether this projection handles events of this aggregate and event type.
    pub fn handles(self, aggregate_type: &str, event_type: &str) -> bool {
        self.interests()
            .iter()
            .any(|interest| interest.matches(aggregate_type, event_type))
    }

    /// Whether this projection handles `event`.
    pub fn wants(self, event: &StoredEvent) -> bool {
        self.handles(&event.aggregate_type, &event.event_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lyceum_domain::Aggregate;

    /// The names above are the domain's own.
    #[test]
    fn aggregate_names_are_the_domains() {
        use lyceum_domain::content::Content;
        use lyceum_domain::content::question::Question;
        use lyceum_domain::content::topic::Topic;
        use lyceum_domain::engagement::comment::Comment;
        use lyceum_domain::engagement::interaction::Interaction;
        use lyceum_domain::engagement::progress::CourseProgress;
        use lyceum_domain::engagement::report::Report;
        use lyceum_domain::gamification::check_in::CheckInLog;
        use lyceum_domain::gamification::project::CheckInProject;
        use lyceum_domain::membership::member::Member;
        use lyceum_domain::membership::subscription::Subscription;
        use lyceum_domain::membership::tier::Tier;
        use lyceum_domain::payment::order::Order;
        use lyceum_domain::space::Space;
        assert_eq!(SPACE, Space::TYPE);
        assert_eq!(MEMBER, Member::TYPE);
        assert_eq!(CONTENT, Content::TYPE);
        assert_eq!(TOPIC, Topic::TYPE);
        assert_eq!(SUBSCRIPTION, Subscription::TYPE);
        assert_eq!(ORDER, Order::TYPE);
        assert_eq!(QUESTION, Question::TYPE);
        assert_eq!(INTERACTION, Interaction::TYPE);
        assert_eq!(COMMENT, Comment::TYPE);
        assert_eq!(REPORT, Report::TYPE);
        assert_eq!(COURSE_PROGRESS, CourseProgress::TYPE);
        assert_eq!(TIER, Tier::TYPE);
        assert_eq!(CHECK_IN_PROJECT, CheckInProject::TYPE);
        assert_eq!(CHECK_IN_LOG, CheckInLog::TYPE);
    }

    #[test]
    fn wildcards_match_one_word() {
        let any_action = Interest::event(ANY, "CheckedIn");
        assert!(any_action.matches("check_in_log", "CheckedIn"));
        assert!(!any_action.matches("check_in_log", "CheckInUndone"));
        assert_eq!(any_action.binding_key(), "*.CheckedIn");
        assert!(Projection::Points.handles("comment", "CommentPosted"));
        assert!(Projection::Points.handles("space", "PointsRulesSet"));
        assert!(!Projection::Points.handles("space", "SpaceRenamed"));
        assert!(!Projection::Spaces.handles("member", "MemberAdded"));
    }
}
