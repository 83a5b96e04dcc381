//! Bodies for a space's points rules, a member's points, ledger and badges, and leaderboards.

use super::rules::{FieldRule, Rule, on};
use async_graphql::{Enum, InputObject, SimpleObject};
use lyceum_domain::DomainError;
use lyceum_domain::gamification::badges::Badge;
use lyceum_domain::gamification::points::{Action, ActionRule, PointsRules};
use lyceum_projections::points::queries::{BadgeRow, LeaderRow, LedgerRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What one kind of action earns.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, SimpleObject, InputObject,
)]
#[serde(deny_unknown_fields)]
#[graphql(name = "ActionRule", input_name = "ActionRuleInput")]
pub struct ActionRuleDto {
    /// Points per action, 0 to 10000.
    pub points: u32,
    /// The most points this action earns a member per day (at least `points`); null for no cap.
    pub daily_cap: Option<u32>,
}

macro_rules! points_rules_dto {
    ($($field:ident => $action:ident),* $(,)?) => {
        /// A space's points rules: what each kind of action earns, with an optional daily cap.
        /// `PUT` replaces them all; an action left out earns nothing. The same subject earns
        /// once (liking an item again, completing a lesson again); views and check-ins once
        /// per item or project per day.
        #[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq,
            SimpleObject, InputObject)]
        #[serde(deny_unknown_fields)]
        #[graphql(name = "PointsRules", input_name = "PointsRulesInput")]
        #[schema(example = json!({"comment_posted": {"points": 5, "daily_cap": 25},
            "item_liked": {"points": 1, "daily_cap": 10}, "item_shared": {"points": 3, "daily_cap": 9},
            "item_viewed": {"points": 0, "daily_cap": null},
            "lesson_completed": {"points": 10, "daily_cap": null},
            "course_completed": {"points": 50, "daily_cap": null},
            "question_answered": {"points": 5, "daily_cap": 20},
            "answer_accepted": {"points": 20, "daily_cap": null},
            "checked_in": {"points": 10, "daily_cap": null}}))]
        pub struct PointsRulesDto {
            $(pub $field: Option<ActionRuleDto>,)*
        }

        impl TryFrom<PointsRulesDto> for PointsRules {
            type Error = DomainError;
            fn try_from(dto: PointsRulesDto) -> Result<Self, Self::Error> {
                let rules = [$((Action::$action, dto.$field)),*];
                PointsRules::new(rules.into_iter().filter_map(|(action, rule)| {
                    rule.map(|r| (action, ActionRule { points: r.points, daily_cap: r.daily_cap }))
                }))
            }
        }

        impl From<&PointsRules> for PointsRulesDto {
            /// Every action, those that earn nothing with 0 points.
            fn from(rules: &PointsRules) -> Self {
                let rule = |action| {
                    let r = rules.rule(action).unwrap_or(ActionRule { points: 0, daily_cap: None });
                    Some(ActionRuleDto { points: r.points, daily_cap: r.daily_cap })
                };
                Self { $($field: rule(Action::$action),)* }
            }
        }
    };
}

points_rules_dto! {
    comment_posted => CommentPosted,
    item_liked => ItemLiked,
    item_shared => ItemShared,
    item_viewed => ItemViewed,
    lesson_completed => LessonCompleted,
    course_completed => CourseCompleted,
    question_answered => QuestionAnswered,
    answer_accepted => AnswerAccepted,
    checked_in => CheckedIn,
}

/// A badge: earned once, kept.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, Enum)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "BadgeKind")]
pub enum BadgeKind {
    /// Posted a first comment.
    FirstComment,
    /// Checked in to a project 7 days in a row.
    SevenDayStreak,
    /// Completed a course.
    CourseCompleted,
    /// Had 10 answers accepted.
    AnswersAccepted,
}

impl From<Badge> for BadgeKind {
    fn from(badge: Badge) -> Self {
        match badge {
            Badge::FirstComment => BadgeKind::FirstComment,
            Badge::SevenDayStreak => BadgeKind::SevenDayStreak,
            Badge::CourseCompleted => BadgeKind::CourseCompleted,
            Badge::AnswersAccepted => BadgeKind::AnswersAccepted,
        }
    }
}

/// A badge a member holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "Badge")]
#[schema(example = json!({"badge": "seven_day_streak", "day": "2031-03-09",
    "awarded_at": "2031-03-09T07:58:00.000000Z"}))]
pub struct BadgeDto {
    pub badge: BadgeKind,
    /// The day of the action that earned it.
    pub day: String,
    pub awarded_at: String,
}

impl BadgeDto {
    /// `None` for a badge this version does not know.
    pub fn from_row(row: BadgeRow) -> Option<Self> {
        Some(Self {
            badge: Badge::parse(&row.badge)?.into(),
            day: row.day,
            awarded_at: row.awarded_at,
        })
    }
}

/// A member's badges.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"data": [{"badge": "first_comment", "day": "2031-03-04",
    "awarded_at": "2031-03-04T10:12:00.000000Z"}]}))]
pub struct Badges {
    /// In the order they were earned.
    pub data: Vec<BadgeDto>,
}

/// One entry of a member's points ledger.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "PointsEntry", complex)]
#[schema(example = json!({"position": 1042, "action": "checked_in", "points": 10,
    "day": "2031-03-21", "reason": null, "event_id": "0192f0c4-a1b2-7c3d-8e4f-5a6b7c8d9e0f",
    "recorded_at": "2031-03-21T07:30:00.000000Z"}))]
pub struct PointsEntry {
    /// The global position of the event that caused it.
    pub position: i64,
    /// The action that earned it (`comment_posted`, `item_liked`, `item_shared`, `item_viewed`,
    /// `lesson_completed`, `course_completed`, `question_answered`, `answer_accepted`,
    /// `checked_in`), or `manual` for the creator's adjustment.
    pub action: String,
    /// Negative when points were taken back.
    pub points: i64,
    /// The day the entry counts on, for daily caps and weekly leaderboards.
    pub day: String,
    /// The creator's reason, for `manual` entries.
    pub reason: Option<String>,
    #[graphql(skip)]
    pub event_id: Uuid,
    pub recorded_at: String,
}

impl From<LedgerRow> for PointsEntry {
    fn from(row: LedgerRow) -> Self {
        Self {
            position: row.position,
            action: row.action,
            points: row.points,
            day: row.day,
            reason: row.reason,
            event_id: row.event_id,
            recorded_at: row.recorded_at,
        }
    }
}

/// A member's points, where they come from, and their level.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "points": 230,
    "manual": 50, "earned": 180,
    "level": {"name": "Regular", "threshold": 100, "next_name": "Scholar", "points_to_next": 770}}))]
pub struct PointsBalance {
    pub member_id: Uuid,
    /// `manual` plus `earned`: what sets the level and the all-time leaderboard.
    pub points: i64,
    /// The creator's adjustments.
    pub manual: i64,
    /// What actions earned under the space's points rules.
    pub earned: i64,
    /// Null while the space has no levels.
    pub level: Option<super::MemberLevelDto>,
}

/// Which points a leaderboard ranks.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, Enum)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "LeaderboardPeriod")]
pub enum LeaderboardPeriod {
    /// Points of one week, Monday to Sunday, by the day each entry counts on.
    Week,
    /// Every member's points.
    AllTime,
}

/// A place on a leaderboard.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "LeaderboardEntry", complex)]
pub struct LeaderboardEntry {
    /// Members with equal points share a rank (1, 2, 2, 4).
    pub rank: i64,
    #[graphql(skip)]
    pub member_id: Uuid,
    /// Null once the member's personal data is erased.
    pub display_name: Option<String>,
    pub points: i64,
}

impl From<LeaderRow> for LeaderboardEntry {
    fn from(row: LeaderRow) -> Self {
        Self {
            rank: row.rank,
            member_id: row.member_id,
            display_name: row.display_name,
            points: row.points,
        }
    }
}

/// A page of a leaderboard.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"period": "week", "week_starts_on": "2031-03-17",
    "data": [{"rank": 1, "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
        "display_name": "Ada", "points": 70},
        {"rank": 2, "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3d",
        "display_name": "Grace", "points": 40}],
    "next_cursor": null}))]
pub struct Leaderboard {
    pub period: LeaderboardPeriod,
    /// The Monday the week starts on, for `week`; null for `all_time`.
    pub week_starts_on: Option<String>,
    /// Active members with more than 0 points, most first (ties by member id).
    pub data: Vec<LeaderboardEntry>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::gamification::points::{MAX_DAILY_CAP, MAX_POINTS_PER_ACTION};
    vec![
        on::<ActionRuleDto>("points", Rule::Range(0, MAX_POINTS_PER_ACTION.into())),
        // At least the rule's `points` too, which a schema cannot say.
        on::<ActionRuleDto>("daily_cap", Rule::Range(1, MAX_DAILY_CAP.into())),
    ]
}
