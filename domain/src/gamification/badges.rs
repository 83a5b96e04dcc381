//! Badges and the rules that award them. A badge is earned once and kept.

use crate::gamification::points::Action;
use serde::{Deserialize, Serialize};

/// The check-in streak, in days, that earns [`Badge::SevenDayStreak`].
pub const STREAK_DAYS: u32 = 7;
/// How many accepted answers earn [`Badge::AnswersAccepted`].
pub const ANSWERS_ACCEPTED: u64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    /// Posted a first comment.
    FirstComment,
    /// Checked in to a project 7 days in a row.
    SevenDayStreak,
    /// Completed a course.
    CourseCompleted,
    /// Had 10 answers accepted.
    AnswersAccepted,
}

impl Badge {
    pub const ALL: [Badge; 4] = [
        Badge::FirstComment,
        Badge::SevenDayStreak,
        Badge::CourseCompleted,
        Badge::AnswersAccepted,
    ];

    /// The snake-case name the API and the read models use.
    pub fn as_str(self) -> &'static str {
        match self {
            Badge::FirstComment => "first_comment",
            Badge::SevenDayStreak => "seven_day_streak",
            Badge::CourseCompleted => "course_completed",
            Badge::AnswersAccepted => "answers_accepted",
        }
    }

    pub fn parse(name: &str) -> Option<Badge> {
        Self::ALL.into_iter().find(|b| b.as_str() == name)
    }

    /// The badge a member holds once they took `action` `count` times (this time included),
    /// `streak` being the check-in run it reached, if any.
    pub fn earned_by(action: Action, count: u64, streak: Option<u32>) -> Option<Badge> {
        match action {
            Action::CommentPosted if count >= 1 => Some(Badge::FirstComment),
            Action::CheckedIn if streak.is_some_and(|s| s >= STREAK_DAYS) => {
                Some(Badge::SevenDayStreak)
            }
            Action::CourseCompleted if count >= 1 => Some(Badge::CourseCompleted),
            Action::AnswerAccepted if count >= ANSWERS_ACCEPTED => Some(Badge::AnswersAccepted),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for badge in Badge::ALL {
            assert_eq!(Badge::parse(badge.as_str()), Some(badge));
            assert_eq!(
                serde_json::to_value(badge).unwrap_or_default(),
                badge.as_str()
            );
        }
    }

    #[test]
    fn each_rule_awards_its_badge_at_its_threshold() {
        assert_eq!(
            Badge::earned_by(Action::CommentPosted, 1, None),
            Some(Badge::FirstComment)
        );
        assert_eq!(Badge::earned_by(Action::CheckedIn, 30, Some(6)), None);
        assert_eq!(
            Badge::earned_by(Action::CheckedIn, 7, Some(7)),
            Some(Badge::SevenDayStreak)
        );
        assert_eq!(
            Badge::earned_by(Action::CourseCompleted, 1, None),
            Some(Badge::CourseCompleted)
        );
        assert_eq!(
            Badge::earned_by(Action::AnswerAccepted, ANSWERS_ACCEPTED - 1, None),
            None
        );
        assert_eq!(
            Badge::earned_by(Action::AnswerAccepted, ANSWERS_ACCEPTED, None),
            Some(Badge::AnswersAccepted)
        );
        assert_eq!(Badge::earned_by(Action::ItemLiked, 1_000, None), None);
    }
}
