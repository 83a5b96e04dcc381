//! Course progress: each member's completed lessons and courses, which count as completions of
//! the item. The course's lessons themselves are the content catalog's (`parent_id`, `part_no`).

use super::{Bump, bump, space_of};
use lyceum_domain::engagement::progress::ProgressEvent;
use lyceum_store::{StoreError, StoredEvent};
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
            .bind(&event.occurred_at)
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
            .bind(&event.occurred_at)
            .execute(&mut *conn)
            .await?;
            bump(conn, event, &course_id.to_string(), completion()).await
        }
    }
}
