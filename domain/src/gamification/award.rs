//! What one action earns: points under the space's rules and daily cap, and a badge when a rule
//! is met. Pure: the read model looks up what the member already has (a [`Tally`]) and writes
//! the [`Award`] back, so live and replayed projections decide alike.

use crate::gamification::badges::Badge;
use crate::gamification::credit::Credit;
use crate::gamification::points::PointsRules;

/// What the read model knows about a member before an action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// The action's subject already counted for this member (liking the same item again).
    pub subject_seen: bool,
    /// How many times the member took this kind of action before.
    pub count: u64,
    /// Points the member earned for this kind of action on the credit's day.
    pub earned_today: u64,
}

/// What an action earns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Award {
    /// Whether the action counts at all: a repeated subject does not.
    pub counted: bool,
    pub points: u64,
    /// A badge whose rule is met (the member may hold it already).
    pub badge: Option<Badge>,
}

/// Decides what `credit` earns under `rules`, given the member's `tally`.
pub fn award(rules: &PointsRules, credit: &Credit, tally: Tally) -> Award {
    if tally.subject_seen {
        return Award::default();
    }
    Award {
        counted: true,
        points: rules.award(credit.action, tally.earned_today),
        badge: Badge::earned_by(credit.action, tally.count + 1, credit.streak),
    }
}

#[cfg(test)]
mod tests {
    //! given (rules and earlier events) / when (an event) / then (what it earns), over events
    //! of other aggregates as their payloads name their fields.

    use super::*;
    use crate::gamification::badges::ANSWERS_ACCEPTED;
    use crate::gamification::credit::credit;
    use crate::gamification::points::{Action, ActionRule};
    use chrono::NaiveDate;
    use serde_json::{Value, json};
    use std::collections::{HashMap, HashSet};

    const ADA: &str = "00000000-0000-0000-0000-00000000000a";

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2031, 3, d).unwrap_or_default()
    }

    /// The state a read model keeps, folded in memory.
    #[derive(Default)]
    struct Board {
        rules: PointsRules,
        subjects: HashSet<(String, Action, String)>,
        counts: HashMap<(String, Action), u64>,
        earned: HashMap<(String, Action, NaiveDate), u64>,
        badges: HashSet<Badge>,
        points: u64,
    }

    fn given(rules: &[(Action, u32, Option<u32>)]) -> Board {
        let rules = rules.iter().map(|(action, points, daily_cap)| {
            (
                *action,
                ActionRule {
                    points: *points,
                    daily_cap: *daily_cap,
                },
            )
        });
        Board {
            rules: PointsRules::new(rules).unwrap_or_else(|e| panic!("{e}")),
            ..Board::default()
        }
    }

    impl Board {
        /// Applies an event recorded on `on`; returns what it earned.
        fn when(&mut self, event_type: &str, payload: Value, on: NaiveDate) -> Award {
            let Some(credit) = credit(event_type, &payload, on) else {
                return Award::default();
            };
            let member = credit.member_id.to_string();
            let subject = credit.subject.clone().unwrap_or_default();
            let key = (member.clone(), credit.action);
            let earned_key = (member.clone(), credit.action, credit.day);
            let tally = Tally {
                subject_seen: self.subjects.contains(&(
                    member.clone(),
                    credit.action,
                    subject.clone(),
                )),
                count: self.counts.get(&key).copied().unwrap_or_default(),
                earned_today: self.earned.get(&earned_key).copied().unwrap_or_default(),
            };
            let award = award(&self.rules, &credit, tally);
            if award.counted {
                self.subjects.insert((member, credit.action, subject));
                *self.counts.entry(key).or_default() += 1;
                *self.earned.entry(earned_key).or_default() += award.points;
                self.points += award.points;
                self.badges.extend(award.badge);
            }
            award
        }

        fn then_points(&self, expected: u64) -> &Self {
            assert_eq!(self.points, expected);
            self
        }

        fn then_badges(&self, expected: &[Badge]) -> &Self {
            let mut badges: Vec<_> = self.badges.iter().copied().collect();
            badges.sort();
            assert_eq!(badges, expected);
            self
        }
    }

    fn comment(id: &str) -> Value {
        json!({"comment_id": id, "content_id": "p", "parent_id": null, "member_id": ADA, "body": "sealed"})
    }

    #[test]
    fn comments_earn_points_up_to_the_daily_cap_and_again_the_next_day() {
        let mut board = given(&[(Action::CommentPosted, 5, Some(12))]);
        let earned: Vec<u64> = ["c1", "c2", "c3", "c4"]
            .into_iter()
            .map(|id| board.when("CommentPosted", comment(id), day(5)).points)
            .collect();
        assert_eq!(earned, [5, 5, 2, 0]);
        assert_eq!(board.when("CommentPosted", comment("c5"), day(6)).points, 5);
        board.then_points(17).then_badges(&[Badge::FirstComment]);
    }

    #[test]
    fn liking_or_sharing_the_same_item_again_earns_nothing() {
        let mut board = given(&[(Action::ItemLiked, 1, None), (Action::ItemShared, 3, None)]);
        let like = |content: &str| json!({"member_id": ADA, "content_id": content});
        assert_eq!(board.when("ItemLiked", like("p"), day(5)).points, 1);
        assert!(!board.when("ItemUnliked", like("p"), day(5)).counted);
        assert_eq!(board.when("ItemLiked", like("p"), day(6)), Award::default());
        assert_eq!(board.when("ItemLiked", like("q"), day(6)).points, 1);
        assert_eq!(board.when("ItemShared", like("p"), day(6)).points, 3);
        assert_eq!(board.when("ItemShared", like("p"), day(7)).points, 0);
        board.then_points(5).then_badges(&[]);
    }

    #[test]
    fn views_earn_once_per_item_per_day_by_the_day_they_carry() {
        let mut board = given(&[(Action::ItemViewed, 1, Some(2))]);
        let view =
            |content: &str, d: &str| json!({"member_id": ADA, "content_id": content, "day": d});
        for (content, d) in [
            ("p", "2031-03-05"),
            ("p", "2031-03-05"),
            ("q", "2031-03-05"),
            ("r", "2031-03-05"),
        ] {
            board.when("ItemViewed", view(content, d), day(9));
        }
        board.then_points(2);
        board.when("ItemViewed", view("p", "2031-03-06"), day(9));
        board.then_points(3);
    }

    #[test]
    fn completing_a_course_earns_its_points_and_badge_once() {
        let mut board = given(&[
            (Action::LessonCompleted, 10, None),
            (Action::CourseCompleted, 50, None),
        ]);
        for lesson in ["l1", "l2", "l1"] {
            board.when(
                "LessonCompleted",
                json!({"member_id": ADA, "course_id": "k", "lesson_id": lesson}),
                day(5),
            );
        }
        board.then_points(20).then_badges(&[]);
        let completed = json!({"member_id": ADA, "course_id": "k"});
        assert_eq!(
            board.when("CourseCompleted", completed.clone(), day(5)),
            Award {
                counted: true,
                points: 50,
                badge: Some(Badge::CourseCompleted)
            }
        );
        assert!(!board.when("CourseCompleted", completed, day(6)).counted);
        board.then_points(70).then_badges(&[Badge::CourseCompleted]);
    }

    #[test]
    fn the_tenth_accepted_answer_earns_the_badge() {
        let mut board = given(&[
            (Action::AnswerAccepted, 20, Some(100)),
            (Action::QuestionAnswered, 2, None),
        ]);
        for n in 1..ANSWERS_ACCEPTED {
            let answer = format!("a{n}");
            board.when(
                "QuestionAnswered",
                json!({"answer_id": answer, "answerer_id": ADA, "body": "Yes."}),
                day(5),
            );
            let accepted = json!({"answer_id": answer, "answerer_id": ADA});
            assert_eq!(board.when("AnswerAccepted", accepted, day(5)).badge, None);
        }
        board
            .then_points(100 + 2 * (ANSWERS_ACCEPTED - 1))
            .then_badges(&[]);
        let last = json!({"answer_id": "a10", "answerer_id": ADA});
        assert_eq!(
            board.when("AnswerAccepted", last, day(6)).badge,
            Some(Badge::AnswersAccepted)
        );
        board.then_badges(&[Badge::AnswersAccepted]);
    }

    #[test]
    fn a_seven_day_check_in_streak_earns_the_streak_badge() {
        let mut board = given(&[(Action::CheckedIn, 10, None)]);
        for (d, streak) in (1..=6).zip(1..) {
            let checked_in = json!({"project_id": "j", "member_id": ADA, "day": format!("2031-03-0{d}"), "streak": streak});
            board.when("CheckedIn", checked_in, day(d));
        }
        board.then_points(60).then_badges(&[]);
        let seventh =
            json!({"project_id": "j", "member_id": ADA, "day": "2031-03-07", "streak": 7});
        board.when("CheckedIn", seventh, day(7));
        board.then_points(70).then_badges(&[Badge::SevenDayStreak]);
    }

    #[test]
    fn without_rules_actions_earn_badges_but_no_points() {
        let mut board = given(&[]);
        board.when("CommentPosted", comment("c1"), day(5));
        board.then_points(0).then_badges(&[Badge::FirstComment]);
    }
}
