//! `/v1/spaces/{space}/content/{course}/…`: a member completes a course's lessons, and reads
//! their progress.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::CourseProgress;
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, post};
use serde::Deserialize;
use utoipa::IntoParams;

/// Complete a lesson
///
/// The signed-in member completes a lesson of a course, both of which they can read. A lesson
/// completes once (again: nothing is written); completing the course's last lesson completes
/// the course. A lesson the course does not list is `not_found`. The course's lessons are the
/// ones the content side lists for it.
#[utoipa::path(
    tag = "engagement",
    params(("course" = uuid::Uuid, Path, description = "The course's id"),
        ("lesson" = uuid::Uuid, Path, description = "The lesson's id")),
    responses((status = 200, description = "The member's progress through the course.", body = CourseProgress)),
)]
#[post("/v1/spaces/{space}/content/{course}/lessons/{lesson}/complete")]
#[tracing::instrument(skip_all)]
pub async fn complete_lesson(
    call: Call,
    path: Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, course, lesson) = path.into_inner();
    call.write(
        &space,
        Intent::MemberWrite,
        &(),
        async |state, auth, space| {
            service::progress::complete(state, auth, space, &course, &lesson).await
        },
    )
    .await
}

/// Whose progress.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// The member, with a key; a member session reads its own.
    pub member_id: Option<String>,
}

/// Get course progress
///
/// A member's progress through a course: its lessons in order, those completed, and whether
/// (and when) the course was. A member session reads its own; a key names the member.
#[utoipa::path(
    tag = "engagement",
    params(("course" = uuid::Uuid, Path, description = "The course's id"), ProgressQuery,
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The progress.", body = CourseProgress)),
)]
#[get("/v1/spaces/{space}/content/{course}/progress")]
#[tracing::instrument(skip_all)]
pub async fn get_course_progress(
    call: Call,
    path: Path<(String, String)>,
    query: Query<ProgressQuery>,
    _fresh: Fresh<(
        read_model::Content,
        read_model::Engagement,
        read_model::MemberRow,
    )>,
) -> Result<Json<CourseProgress>, ApiError> {
    let (space, course) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let progress = service::progress::progress(
        &call.state,
        &call.auth,
        &space,
        &course,
        query.member_id.as_deref(),
    )
    .await?;
    Ok(Json(progress))
}
