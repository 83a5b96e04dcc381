//! Reading who did what from events of other aggregates, by event type name and payload field
//! names only, so that points, badges and leaderboards need no compile-time knowledge of the
//! aggregates that record engagement (content, comments, Q&A, courses, check-ins).
//!
//! The fields read, per event type (a missing subject means every such event counts):
//!
//! | event type         | member credited             | subject (earns once)     | day            |
//! |--------------------|-----------------------------|--------------------------|----------------|
//! | `CommentPosted`    | `member_id`                 | `comment_id`             | recorded       |
//! | `ItemLiked`        | `member_id`                 | `content_id`             | recorded       |
//! | `ItemShared`       | `member_id`                 | `content_id`             | recorded       |
//! | `ItemViewed`       | `member_id`                 | `content_id` per day     | `day`          |
//! | `LessonCompleted`  | `member_id`                 | `lesson_id`              | recorded       |
//! | `CourseCompleted`  | `member_id`                 | `course_id`              | recorded       |
//! | `QuestionAnswered` | `answerer_id`               | `answer_id`              | recorded       |
//! | `AnswerAccepted`   | `answerer_id`               | `answer_id`              | recorded       |
//! | `CheckedIn`        | `member_id`                 | `project_id` per day     | `day`          |
//!
//! "recorded" is the UTC day the event was recorded, used when the payload has no `day`; both
//! are part of the event, so a replay counts every action on the same day as it did live.
//! `CheckedIn` also gives the `streak` it reached, for the streak badge. A creator's answer has
//! a null `answerer_id` and credits nobody: the creator is not a member.

use crate::gamification::points::Action;
use crate::ids::MemberId;
use chrono::NaiveDate;
use serde_json::Value;

/// One action a member took, as points, badges and leaderboards see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub action: Action,
    pub member_id: MemberId,
    /// The day the action counts on, for daily caps and weekly leaderboards.
    pub day: NaiveDate,
    /// What the action was about: the same subject earns once. `None` when the payload names
    /// none.
    pub subject: Option<String>,
    /// The run of consecutive check-in days reached (`CheckedIn` only).
    pub streak: Option<u32>,
}

/// The payload fields one event type is read by.
struct Fields {
    /// Tried in order; the first present names the member credited.
    member: &'static [&'static str],
    subject: &'static str,
    /// The same subject earns once per day rather than once ever.
    per_day: bool,
}

fn fields(action: Action) -> Fields {
    let member = &["member_id"];
    let (member, subject, per_day): (&'static [&'static str], _, _) = match action {
        Action::CommentPosted => (member, "comment_id", false),
        Action::ItemLiked | Action::ItemShared => (member, "content_id", false),
        Action::ItemViewed => (member, "content_id", true),
        Action::LessonCompleted => (member, "lesson_id", false),
        Action::CourseCompleted => (member, "course_id", false),
        Action::QuestionAnswered | Action::AnswerAccepted => (&["answerer_id"], "answer_id", false),
        Action::CheckedIn => (member, "project_id", true),
    };
    Fields {
        member,
        subject,
        per_day,
    }
}

fn text<'a>(payload: &'a Value, field: &str) -> Option<&'a str> {
    payload.get(field).and_then(Value::as_str)
}

/// The action an event records, if it is one that earns points and its payload names a member.
/// `recorded_day` is the UTC day the event was recorded.
pub fn credit(event_type: &str, payload: &Value, recorded_day: NaiveDate) -> Option<Credit> {
    let action = Action::for_event_type(event_type)?;
    let fields = fields(action);
    let member_id = fields
        .member
        .iter()
        .find_map(|field| text(payload, field))
        .and_then(|id| id.parse().ok())?;
    let day = text(payload, "day")
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .unwrap_or(recorded_day);
    let subject = text(payload, fields.subject).map(|s| {
        if fields.per_day {
            format!("{s}/{day}")
        } else {
            s.to_owned()
        }
    });
    let streak = payload
        .get("streak")
        .and_then(Value::as_u64)
        .and_then(|s| u32::try_from(s).ok());
    Some(Credit {
        action,
        member_id: MemberId(member_id),
        day,
        subject,
        streak,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use uuid::Uuid;

    const ADA: &str = "00000000-0000-0000-0000-00000000000a";
    const BOB: &str = "00000000-0000-0000-0000-00000000000b";

    fn recorded() -> NaiveDate {
        NaiveDate::from_ymd_opt(2031, 3, 5).unwrap_or_default()
    }

    fn member(id: &str) -> MemberId {
        MemberId(Uuid::parse_str(id).unwrap_or_default())
    }

    #[test]
    fn engagement_events_credit_the_member_who_acted() {
        let cases = [
            (
                "CommentPosted",
                json!({"comment_id": "c1", "content_id": "p", "parent_id": null, "member_id": ADA, "body": "sealed"}),
                "c1",
            ),
            (
                "ItemLiked",
                json!({"member_id": ADA, "content_id": "p"}),
                "p",
            ),
            (
                "ItemShared",
                json!({"member_id": ADA, "content_id": "p"}),
                "p",
            ),
            (
                "LessonCompleted",
                json!({"member_id": ADA, "course_id": "k", "lesson_id": "l"}),
                "l",
            ),
            (
                "CourseCompleted",
                json!({"member_id": ADA, "course_id": "k"}),
                "k",
            ),
        ];
        for (event_type, payload, subject) in cases {
            let credit = credit(event_type, &payload, recorded());
            assert_eq!(
                credit.map(|c| (c.action.event_type(), c.member_id, c.day, c.subject)),
                Some((
                    event_type,
                    member(ADA),
                    recorded(),
                    Some(subject.to_owned())
                )),
                "{event_type}"
            );
        }
    }

    #[test]
    fn answers_credit_the_answerer_not_the_asker() {
        let accepted = json!({"answer_id": "a1", "answerer_id": BOB, "member_id": ADA});
        let credit_of = |event_type, payload: &Value| {
            credit(event_type, payload, recorded()).map(|c| (c.member_id, c.subject))
        };
        assert_eq!(
            credit_of("AnswerAccepted", &accepted),
            Some((member(BOB), Some("a1".into())))
        );
        assert_eq!(
            credit_of("QuestionAnswered", &accepted),
            Some((member(BOB), Some("a1".into())))
        );
        // The creator's answer: the payload as `QuestionEvent::QuestionAnswered` writes it.
        assert_eq!(
            credit_of(
                "QuestionAnswered",
                &json!({"answer_id": "a2", "answerer_id": null, "body": "Yes."})
            ),
            None
        );
        assert_eq!(
            credit_of(
                "AnswerAccepted",
                &json!({"answer_id": "a3", "member_id": ADA})
            ),
            None
        );
    }

    #[test]
    fn a_payload_day_wins_over_the_recorded_day_and_makes_the_subject_daily() {
        let viewed = json!({"member_id": ADA, "content_id": "p", "day": "2031-03-01"});
        let credit = credit("ItemViewed", &viewed, recorded());
        let day = NaiveDate::from_ymd_opt(2031, 3, 1).unwrap_or_default();
        assert_eq!(
            credit.map(|c| (c.day, c.subject)),
            Some((day, Some("p/2031-03-01".into())))
        );
    }

    #[test]
    fn check_ins_give_their_streak() {
        let checked_in = json!({"project_id": "j", "member_id": ADA, "day": "2031-03-07", "text": "sealed", "streak": 7});
        let credit = credit("CheckedIn", &checked_in, recorded());
        assert_eq!(
            credit.map(|c| (c.action, c.streak, c.subject)),
            Some((Action::CheckedIn, Some(7), Some("j/2031-03-07".into())))
        );
    }

    #[test]
    fn other_events_and_payloads_without_a_member_credit_nobody() {
        assert_eq!(
            credit("ItemUnliked", &json!({"member_id": ADA}), recorded()),
            None
        );
        assert_eq!(
            credit("MemberAdded", &json!({"member_id": ADA}), recorded()),
            None
        );
        assert_eq!(
            credit("ItemLiked", &json!({"content_id": "p"}), recorded()),
            None
        );
        assert_eq!(
            credit("ItemLiked", &json!({"member_id": "not-a-uuid"}), recorded()),
            None
        );
        let unnamed = credit("ItemLiked", &json!({"member_id": ADA}), recorded());
        assert_eq!(
            unnamed.map(|c| c.subject),
            Some(None),
            "no subject: counts every time"
        );
    }
}
