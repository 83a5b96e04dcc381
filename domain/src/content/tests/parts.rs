//! A course's lessons and a column's articles: added, removed and reordered.

use super::*;
use crate::Code;
use crate::aggregate::testing::given;

fn lesson(n: u128) -> PartRef {
    PartRef {
        id: id(n),
        space_id: SPACE,
        kind: ContentKind::Lesson,
        elsewhere: false,
    }
}

fn course_with(lessons: &[u128]) -> Vec<ContentEvent> {
    let mut history = vec![drafted_as(ContentKind::Course)];
    history.extend(
        lessons
            .iter()
            .map(|n| ContentEvent::LessonAdded { lesson_id: id(*n) }),
    );
    history
}

#[test]
fn lessons_are_appended_to_a_course() {
    given::<Content>(course_with(&[1]))
        .when(ContentCommand::AddPart { part: lesson(2) })
        .then_expect_events(vec![ContentEvent::LessonAdded { lesson_id: id(2) }]);
    let state = Content::from_history(&course_with(&[1, 2, 3]));
    assert_eq!(state.state.unwrap().parts, vec![id(1), id(2), id(3)]);
}

#[test]
fn a_column_holds_articles_under_its_own_event_names() {
    let article = PartRef {
        kind: ContentKind::Article,
        ..lesson(4)
    };
    given::<Content>(vec![drafted_as(ContentKind::Column)])
        .when(ContentCommand::AddPart { part: article })
        .then_expect_events(vec![ContentEvent::ArticleAddedToColumn {
            article_id: id(4),
        }]);
    given::<Content>(vec![drafted_as(ContentKind::Column)])
        .when(ContentCommand::AddPart { part: lesson(4) })
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn only_courses_and_columns_hold_parts_and_only_lessons_go_in_courses() {
    given::<Content>(vec![drafted()])
        .when(ContentCommand::AddPart { part: lesson(1) })
        .then_expect_error(Code::ValidationFailed);
    given::<Content>(course_with(&[]))
        .when(ContentCommand::AddPart {
            part: PartRef {
                kind: ContentKind::Post,
                ..lesson(1)
            },
        })
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn a_lesson_is_in_one_course_once_and_of_the_same_space() {
    given::<Content>(course_with(&[1]))
        .when(ContentCommand::AddPart { part: lesson(1) })
        .then_expect_error(Code::Conflict);
    given::<Content>(course_with(&[]))
        .when(ContentCommand::AddPart {
            part: PartRef {
                elsewhere: true,
                ..lesson(1)
            },
        })
        .then_expect_error(Code::Conflict);
    given::<Content>(course_with(&[]))
        .when(ContentCommand::AddPart {
            part: PartRef {
                space_id: SpaceId(Uuid::from_u128(9)),
                ..lesson(1)
            },
        })
        .then_expect_error(Code::NotFound);
}

#[test]
fn a_lesson_is_removed_and_an_absent_one_is_not_found() {
    given::<Content>(course_with(&[1, 2]))
        .when(ContentCommand::RemovePart { part_id: id(1) })
        .then_expect_events(vec![ContentEvent::LessonRemoved { lesson_id: id(1) }]);
    given::<Content>(course_with(&[1, 2]))
        .when(ContentCommand::RemovePart { part_id: id(3) })
        .then_expect_error(Code::NotFound);
    let mut history = course_with(&[1, 2]);
    history.push(ContentEvent::LessonRemoved { lesson_id: id(1) });
    assert_eq!(
        Content::from_history(&history).state.unwrap().parts,
        vec![id(2)]
    );
}

#[test]
fn lessons_are_reordered_as_a_whole() {
    given::<Content>(course_with(&[1, 2, 3]))
        .when(ContentCommand::ReorderParts {
            part_ids: vec![id(3), id(1), id(2)],
        })
        .then_expect_events(vec![ContentEvent::LessonsReordered {
            lesson_ids: vec![id(3), id(1), id(2)],
        }]);
    given::<Content>(course_with(&[1, 2, 3]))
        .when(ContentCommand::ReorderParts {
            part_ids: vec![id(1), id(2), id(3)],
        })
        .then_expect_events(vec![]);
    let mut history = course_with(&[1, 2, 3]);
    history.push(ContentEvent::LessonsReordered {
        lesson_ids: vec![id(3), id(1), id(2)],
    });
    assert_eq!(
        Content::from_history(&history).state.unwrap().parts,
        vec![id(3), id(1), id(2)]
    );
}

#[test]
fn a_reorder_must_name_every_lesson_exactly_once() {
    for wrong in [
        vec![id(1), id(2)],
        vec![id(1), id(2), id(2)],
        vec![id(1), id(2), id(3), id(4)],
        vec![id(1), id(2), id(4)],
    ] {
        given::<Content>(course_with(&[1, 2, 3]))
            .when(ContentCommand::ReorderParts { part_ids: wrong })
            .then_expect_error(Code::ValidationFailed);
    }
}
