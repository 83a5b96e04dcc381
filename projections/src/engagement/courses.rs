//! Course progress: each member's completed lessons and courses, which count as completions of
//! the item, and each course's lessons in order.
//!
//! A course's lessons are recorded by the content side (`LessonAdded`, `LessonRemoved`,
//! `LessonsReordered`, on the course's stream). This branch does not have those events yet, so
//! they are read here by type name and field (`lesson_id`, `lesson_ids`, and `course_id` or
//! else the stream's id); anything else is ignored. Once they exist, this is the one place to
//! align with their exact shape.

use super::{Bump, bump, space_of};
use lyceum_domain::engagement::progress::ProgressEvent;
use lyceum_store::{StoreError, StoredEvent};
use serde_json::Value;
use sqlx::AnyConnection;

fn completion() -> Bump {
    Bump {
        completions: 1,
        ..Bump::default()
    }
}

pub(super) async fn complete(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    decoded: ProgressEvent,
) -> Result<(), StoreError> {
    match decoded {
        ProgressEvent::LessonCompleted {
            member_id,
            course_id,
            lesson_id,
        } => {
            sqlx::query(
                "INSERT INTO rm_lesson_completions (member_id, course_id, lesson_id, space_id, \
                 completed_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(member_id.to_string())
            .bind(course_id.to_string())
            .bind(lesson_id.to_string())
            .bind(space_of(event))
            .bind(&event.recorded_at)
            .execute(&mut *conn)
            .await?;
            bump(conn, event, &lesson_id.to_string(), completion()).await
        }
        ProgressEvent::CourseCompleted {
            member_id,
            course_id,
        } => {
            sqlx::query(
                "INSERT INTO rm_course_completions (member_id, course_id, space_id, completed_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(member_id.to_string())
            .bind(course_id.to_string())
            .bind(space_of(event))
            .bind(&event.recorded_at)
            .execute(&mut *conn)
            .await?;
            bump(conn, event, &course_id.to_string(), completion()).await
        }
    }
}

/// A uuid-shaped string field of a payload.
fn id_field(payload: &Value, field: &str) -> Option<String> {
    payload
        .get(field)
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .map(|u| u.to_string())
}

/// Keeps each course's lesson list from the content side's events (see the module docs).
pub(super) async fn outline(
    conn: &mut AnyConnection,
    event: &StoredEvent,
) -> Result<(), StoreError> {
    let payload = &event.payload;
    let course = id_field(payload, "course_id").unwrap_or_else(|| event.aggregate_id.to_string());
    match event.event_type.as_str() {
        "LessonAdded" => {
            let Some(lesson) = id_field(payload, "lesson_id") else {
                return Ok(());
            };
            sqlx::query(
                "INSERT INTO rm_course_lessons (course_id, lesson_id, ordinal) \
                 SELECT $1, $2, COALESCE(MAX(ordinal), 0) + 1 FROM rm_course_lessons \
                 WHERE course_id = $1 ON CONFLICT (course_id, lesson_id) DO NOTHING",
            )
            .bind(&course)
            .bind(&lesson)
            .execute(conn)
            .await?;
        }
        "LessonRemoved" => {
            let Some(lesson) = id_field(payload, "lesson_id") else {
                return Ok(());
            };
            sqlx::query("DELETE FROM rm_course_lessons WHERE course_id = $1 AND lesson_id = $2")
                .bind(&course)
                .bind(&lesson)
                .execute(conn)
                .await?;
        }
        "LessonsReordered" => {
            let lessons = payload
                .get("lesson_ids")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (ordinal, lesson) in lessons.iter().enumerate() {
                let Some(lesson) = lesson.as_str().and_then(|s| uuid::Uuid::parse_str(s).ok())
                else {
                    continue;
                };
                sqlx::query(
                    "UPDATE rm_course_lessons SET ordinal = $1 \
                     WHERE course_id = $2 AND lesson_id = $3",
                )
                .bind(i64::try_from(ordinal).unwrap_or(i64::MAX) + 1)
                .bind(&course)
                .bind(lesson.to_string())
                .execute(&mut *conn)
                .await?;
            }
        }
        _ => {}
    }
    Ok(())
}
