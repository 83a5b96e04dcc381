//! Lesson progress: a member completes the lessons of a course they may read, and completes
//! the course with its last lesson. The course's lessons are its stream's (`LessonAdded`,
//! `LessonRemoved`, `LessonsReordered`); the progress read shows them from the catalog.

use super::engagement::engageable;
use crate::auth::Auth;
use crate::dto::CourseProgress as ProgressDto;
use crate::error::ApiError;
use crate::limits::Limit;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::content::ContentKind;
use lyceum_domain::engagement::pair_id;
use lyceum_domain::engagement::progress::{CourseProgress, ProgressCommand, ProgressEvent};
use lyceum_domain::ids::ContentId;
use lyceum_projections::engagement::queries::course_progress;
use lyceum_store::command::load;

/// Plans `POST /v1/spaces/{space}/content/{course}/lessons/{lesson}/complete`.
pub async fn complete(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    course_id: &str,
    lesson_id: &str,
) -> Result<Planned<ProgressDto>, ApiError> {
    let course = engageable(state, auth, space, course_id).await?;
    if course.item.kind != ContentKind::Course {
        return Err(ApiError::not_found("course"));
    }
    let lesson = engageable(state, auth, space, lesson_id).await?;
    if lesson.item.kind != ContentKind::Lesson {
        return Err(ApiError::not_found("lesson"));
    }
    let member = course.member_id;
    state
        .limits
        .check(member.0, Limit::Completion, state.clock.now())
        .await?;
    // The course's own stream says which lessons it has now, so a lesson added a moment ago
    // counts at once.
    let lesson_ids: Vec<ContentId> = course.item.parts.clone();
    let stream = pair_id(CourseProgress::TYPE, member, course.content_id);
    let loaded = load::<CourseProgress>(&state.db, stream).await?;
    let events = loaded.state.decide(ProgressCommand::CompleteLesson {
        member_id: member,
        course_id: course.content_id,
        lesson_id: lesson.content_id,
        course_lessons: lesson_ids.clone(),
    })?;
    let mut after = loaded.state;
    for event in &events {
        after.apply(event);
    }
    let append = super::append_in::<CourseProgress>(auth, space, stream, loaded.version, &events)?;
    let completed_at = if events
        .iter()
        .any(|e| matches!(e, ProgressEvent::CourseCompleted { .. }))
    {
        Some(append.occurred().to_owned())
    } else if after.course_completed {
        course_progress(
            &state.db,
            &member.to_string(),
            &course.content_id.to_string(),
        )
        .await?
        .completed_at
    } else {
        None
    };
    let output = ProgressDto {
        course_id: course.content_id.0,
        member_id: member.0,
        completed_lesson_ids: lesson_ids
            .iter()
            .filter(|l| after.completed.contains(l))
            .map(|l| l.0)
            .collect(),
        lesson_ids: lesson_ids.iter().map(|l| l.0).collect(),
        completed: after.course_completed,
        completed_at,
    };
    Ok(Planned::maybe(
        Outcome::Changed,
        output,
        append,
        loaded.position,
    ))
}

/// A member's progress through a course, from the read model: the signed-in member's own, or
/// with a key, `member_id`'s.
pub async fn progress(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    course_id: &str,
    member_id: Option<&str>,
) -> Result<ProgressDto, ApiError> {
    let member = super::activity::member_of(state, auth, space, member_id).await?;
    let course = super::parse_id(course_id, "course")?;
    let id = course.to_string();
    lyceum_projections::content::queries::content_item(&state.db, Some(&space.id.to_string()), &id)
        .await?
        .filter(|row| {
            row.kind == "course" && (auth.member_id().is_none() || row.status == "published")
        })
        .ok_or_else(|| ApiError::not_found("course"))?;
    let progress = course_progress(&state.db, &member.to_string(), &id).await?;
    Ok(ProgressDto::from_row(course, member, progress))
}
