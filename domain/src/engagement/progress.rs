//! The CourseProgress aggregate: one member's completed lessons of one course, on a stream of
//! its own (see [`super::pair_id`]). A lesson completes once. The course completes, once, when
//! every lesson the course lists right now is completed; the caller looks that list up and puts
//! it in the command.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::event::DomainEvent;
use crate::ids::{ContentId, MemberId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub enum ProgressCommand {
    CompleteLesson {
        member_id: MemberId,
        course_id: ContentId,
        lesson_id: ContentId,
        /// The course's lessons as they are now.
        course_lessons: Vec<ContentId>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ProgressEvent {
    LessonCompleted {
        member_id: MemberId,
        course_id: ContentId,
        lesson_id: ContentId,
    },
    CourseCompleted {
        member_id: MemberId,
        course_id: ContentId,
    },
}

impl DomainEvent for ProgressEvent {
    fn event_type(&self) -> &'static str {
        match self {
            ProgressEvent::LessonCompleted { .. } => "LessonCompleted",
            ProgressEvent::CourseCompleted { .. } => "CourseCompleted",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CourseProgress {
    pub completed: BTreeSet<ContentId>,
    pub course_completed: bool,
}

impl Aggregate for CourseProgress {
    const TYPE: &'static str = "course_progress";
    type Command = ProgressCommand;
    type Event = ProgressEvent;

    fn decide(&self, command: ProgressCommand) -> Result<Vec<ProgressEvent>, DomainError> {
        let ProgressCommand::CompleteLesson {
            member_id,
            course_id,
            lesson_id,
            course_lessons,
        } = command;
        if !course_lessons.contains(&lesson_id) {
            return Err(DomainError::not_found("lesson of this course"));
        }
        let mut events = Vec::new();
        if !self.completed.contains(&lesson_id) {
            events.push(ProgressEvent::LessonCompleted {
                member_id,
                course_id,
                lesson_id,
            });
        }
        // Completing the last lesson completes the course; so does completing a lesson again
        // once the lessons left undone were taken out of the course.
        let all_done = course_lessons
            .iter()
            .all(|l| *l == lesson_id || self.completed.contains(l));
        if all_done && !self.course_completed {
            events.push(ProgressEvent::CourseCompleted {
                member_id,
                course_id,
            });
        }
        Ok(events)
    }

    fn apply(&mut self, event: &ProgressEvent) {
        match event {
            ProgressEvent::LessonCompleted { lesson_id, .. } => {
                self.completed.insert(*lesson_id);
            }
            ProgressEvent::CourseCompleted { .. } => self.course_completed = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};
    use crate::error::Code;
    use uuid::Uuid;

    const MEMBER: MemberId = MemberId(Uuid::from_u128(1));
    const COURSE: ContentId = ContentId(Uuid::from_u128(10));
    const ONE: ContentId = ContentId(Uuid::from_u128(11));
    const TWO: ContentId = ContentId(Uuid::from_u128(12));
    const THREE: ContentId = ContentId(Uuid::from_u128(13));

    fn complete(lesson: ContentId, lessons: &[ContentId]) -> ProgressCommand {
        ProgressCommand::CompleteLesson {
            member_id: MEMBER,
            course_id: COURSE,
            lesson_id: lesson,
            course_lessons: lessons.to_vec(),
        }
    }

    fn done(lesson: ContentId) -> ProgressEvent {
        ProgressEvent::LessonCompleted {
            member_id: MEMBER,
            course_id: COURSE,
            lesson_id: lesson,
        }
    }

    fn course_done() -> ProgressEvent {
        ProgressEvent::CourseCompleted {
            member_id: MEMBER,
            course_id: COURSE,
        }
    }

    #[test]
    fn a_lesson_completes_once() {
        given_no_history::<CourseProgress>()
            .when(complete(ONE, &[ONE, TWO]))
            .then_expect_events(vec![done(ONE)]);
        given::<CourseProgress>(vec![done(ONE)])
            .when(complete(ONE, &[ONE, TWO]))
            .then_expect_events(vec![]);
    }

    #[test]
    fn the_last_lesson_completes_the_course_once() {
        given::<CourseProgress>(vec![done(ONE), done(TWO)])
            .when(complete(THREE, &[ONE, TWO, THREE]))
            .then_expect_events(vec![done(THREE), course_done()]);
        given::<CourseProgress>(vec![done(ONE), done(TWO), course_done()])
            .when(complete(TWO, &[ONE, TWO]))
            .then_expect_events(vec![]);
        given_no_history::<CourseProgress>()
            .when(complete(ONE, &[ONE]))
            .then_expect_events(vec![done(ONE), course_done()]);
    }

    #[test]
    fn the_course_completes_when_the_lessons_left_undone_leave_it() {
        given::<CourseProgress>(vec![done(ONE), done(TWO)])
            .when(complete(TWO, &[ONE, TWO]))
            .then_expect_events(vec![course_done()]);
    }

    #[test]
    fn a_lesson_the_course_does_not_list_is_not_found() {
        given_no_history::<CourseProgress>()
            .when(complete(THREE, &[ONE, TWO]))
            .then_expect_error(Code::NotFound);
        given_no_history::<CourseProgress>()
            .when(complete(ONE, &[]))
            .then_expect_error(Code::NotFound);
    }

    #[test]
    fn events_survive_the_log() -> Result<(), serde_json::Error> {
        for event in [done(ONE), course_done()] {
            let stored = crate::event::encode(&event)?;
            assert!(crate::webhook::EVENT_TYPES.contains(&stored.event_type.as_str()));
            let back: ProgressEvent =
                crate::event::decode(&stored.event_type, stored.event_version, stored.payload)?;
            assert_eq!(back, event);
        }
        Ok(())
    }
}
