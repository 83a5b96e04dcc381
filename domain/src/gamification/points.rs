//! Points rules: how many points each kind of action earns in a space, and the most it may earn
//! a member per day (so that liking, viewing or commenting in bulk cannot farm points). The
//! rules are validated once, when built; awarding is then a pure function of the rules and what
//! the member already earned that day.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most points one action may earn.
pub const MAX_POINTS_PER_ACTION: u32 = 10_000;
/// The highest daily cap an action may have.
pub const MAX_DAILY_CAP: u32 = 1_000_000;

/// An action that can earn points, named after the event that records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    CommentPosted,
    ItemLiked,
    ItemShared,
    ItemViewed,
    LessonCompleted,
    CourseCompleted,
    QuestionAnswered,
    AnswerAccepted,
    CheckedIn,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::CommentPosted,
        Action::ItemLiked,
        Action::ItemShared,
        Action::ItemViewed,
        Action::LessonCompleted,
        Action::CourseCompleted,
        Action::QuestionAnswered,
        Action::AnswerAccepted,
        Action::CheckedIn,
    ];

    /// The type name of the event that records this action.
    pub const fn event_type(self) -> &'static str {
        match self {
            Action::CommentPosted => "CommentPosted",
            Action::ItemLiked => "ItemLiked",
            Action::ItemShared => "ItemShared",
            Action::ItemViewed => "ItemViewed",
            Action::LessonCompleted => "LessonCompleted",
            Action::CourseCompleted => "CourseCompleted",
            Action::QuestionAnswered => "QuestionAnswered",
            Action::AnswerAccepted => "AnswerAccepted",
            Action::CheckedIn => "CheckedIn",
        }
    }

    /// The action an event type records, if it is one that earns points.
    pub fn for_event_type(event_type: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.event_type() == event_type)
    }

    /// The snake-case name the API and the read models use.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::CommentPosted => "comment_posted",
            Action::ItemLiked => "item_liked",
            Action::ItemShared => "item_shared",
            Action::ItemViewed => "item_viewed",
            Action::LessonCompleted => "lesson_completed",
            Action::CourseCompleted => "course_completed",
            Action::QuestionAnswered => "question_answered",
            Action::AnswerAccepted => "answer_accepted",
            Action::CheckedIn => "checked_in",
        }
    }
}

/// What one action earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRule {
    /// Points per action.
    pub points: u32,
    /// The most points this action earns a member per day; `None` for no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_cap: Option<u32>,
}

/// A space's points rules. Valid by construction: points at most [`MAX_POINTS_PER_ACTION`], and
/// a cap, when set, at least the points of one action and at most [`MAX_DAILY_CAP`]. Actions
/// that earn nothing are left out, so equal rules compare equal. The default earns nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<Action, ActionRule>",
    into = "BTreeMap<Action, ActionRule>"
)]
pub struct PointsRules {
    rules: BTreeMap<Action, ActionRule>,
}

impl PointsRules {
    /// Validates the rules; an action given twice is refused.
    pub fn new(rules: impl IntoIterator<Item = (Action, ActionRule)>) -> Result<Self, DomainError> {
        let mut kept = BTreeMap::new();
        let mut seen = Vec::new();
        for (action, rule) in rules {
            if seen.contains(&action) {
                return Err(DomainError::validation(format!(
                    "{} is given twice",
                    action.as_str()
                )));
            }
            seen.push(action);
            let name = action.as_str();
            if rule.points > MAX_POINTS_PER_ACTION {
                return Err(DomainError::validation(format!(
                    "{name}.points must be at most {MAX_POINTS_PER_ACTION}"
                )));
            }
            if let Some(cap) = rule.daily_cap
                && (cap < rule.points.max(1) || cap > MAX_DAILY_CAP)
            {
                return Err(DomainError::validation(format!(
                    "{name}.daily_cap must be at least its points (and at least 1) and at most {MAX_DAILY_CAP}"
                )));
            }
            if rule.points > 0 {
                kept.insert(action, rule);
            }
        }
        Ok(Self { rules: kept })
    }

    /// The rule for `action`; `None` when it earns nothing.
    pub fn rule(&self, action: Action) -> Option<ActionRule> {
        self.rules.get(&action).copied()
    }

    /// The points `action` earns a member who already earned `earned_today` points for it on
    /// the same day: its points, cut to what the daily cap leaves.
    pub fn award(&self, action: Action, earned_today: u64) -> u64 {
        let Some(rule) = self.rule(action) else {
            return 0;
        };
        let points = u64::from(rule.points);
        match rule.daily_cap {
            Some(cap) => points.min(u64::from(cap).saturating_sub(earned_today)),
            None => points,
        }
    }
}

impl TryFrom<BTreeMap<Action, ActionRule>> for PointsRules {
    type Error = DomainError;
    fn try_from(rules: BTreeMap<Action, ActionRule>) -> Result<Self, Self::Error> {
        Self::new(rules)
    }
}

impl From<PointsRules> for BTreeMap<Action, ActionRule> {
    fn from(rules: PointsRules) -> Self {
        rules.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    fn rule(points: u32, daily_cap: Option<u32>) -> ActionRule {
        ActionRule { points, daily_cap }
    }

    fn rules() -> PointsRules {
        PointsRules::new([
            (Action::CommentPosted, rule(5, Some(12))),
            (Action::CheckedIn, rule(10, None)),
            (Action::ItemLiked, rule(0, None)),
        ])
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn refused(pairs: Vec<(Action, ActionRule)>) {
        assert_eq!(
            PointsRules::new(pairs.clone()).map_err(|e| e.code),
            Err(Code::ValidationFailed),
            "{pairs:?} should be refused"
        );
    }

    #[test]
    fn every_action_is_named_after_its_event() {
        for action in Action::ALL {
            assert_eq!(Action::for_event_type(action.event_type()), Some(action));
            let json = serde_json::to_value(action).unwrap_or_default();
            assert_eq!(json, action.as_str());
        }
        assert_eq!(Action::for_event_type("ItemUnliked"), None);
    }

    #[test]
    fn an_action_earns_its_points_until_the_daily_cap() {
        let rules = rules();
        let day: Vec<u64> = [0, 5, 10, 12]
            .into_iter()
            .map(|earned| rules.award(Action::CommentPosted, earned))
            .collect();
        assert_eq!(
            day,
            [5, 5, 2, 0],
            "5, 5, then the 2 left under the cap of 12"
        );
        assert_eq!(rules.award(Action::CheckedIn, 1_000), 10, "no cap");
    }

    #[test]
    fn actions_without_a_rule_earn_nothing() {
        assert_eq!(rules().award(Action::ItemLiked, 0), 0);
        assert_eq!(rules().award(Action::ItemShared, 0), 0);
        assert_eq!(PointsRules::default().award(Action::CheckedIn, 0), 0);
        assert_eq!(
            rules().rule(Action::ItemLiked),
            None,
            "zero rules are dropped"
        );
    }

    #[test]
    fn points_and_caps_are_bounded() {
        refused(vec![(
            Action::ItemLiked,
            rule(MAX_POINTS_PER_ACTION + 1, None),
        )]);
        refused(vec![(Action::ItemLiked, rule(5, Some(4)))]);
        refused(vec![(Action::ItemLiked, rule(0, Some(0)))]);
        refused(vec![(Action::ItemLiked, rule(5, Some(MAX_DAILY_CAP + 1)))]);
        refused(vec![
            (Action::ItemLiked, rule(5, None)),
            (Action::ItemLiked, rule(6, None)),
        ]);
        assert!(PointsRules::new([(Action::ItemLiked, rule(5, Some(5)))]).is_ok());
    }

    #[test]
    fn rules_round_trip_through_json_and_are_revalidated() -> Result<(), serde_json::Error> {
        let json = serde_json::to_value(rules())?;
        assert_eq!(
            json,
            serde_json::json!({"comment_posted": {"points": 5, "daily_cap": 12},
                "checked_in": {"points": 10}})
        );
        assert_eq!(serde_json::from_value::<PointsRules>(json)?, rules());
        let bad = serde_json::json!({"item_liked": {"points": 5, "daily_cap": 1}});
        assert!(serde_json::from_value::<PointsRules>(bad).is_err());
        Ok(())
    }
}
