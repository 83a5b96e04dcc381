//! `/v1/spaces/{space}/check-in-projects`: daily check-in projects, members checking in, a
//! day's check-ins, and who keeps their streak and who has not checked in today.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{CheckInBody, CheckInEntry, CheckInProject, CreateCheckInProject, MemberStreak};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service::{check_ins, parse_id};
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, post};
use serde::Deserialize;
use utoipa::IntoParams;

/// Create a check-in project
///
/// Creates a daily check-in (打卡) project: members check in at most once per day, from
/// `starts_on` to `ends_on` (inclusive), with a text of at least `min_text_chars` characters.
/// Days are the calendar days of the project's time zone, a fixed `utc_offset_minutes`.
#[utoipa::path(
    tag = "check-ins",
    request_body = CreateCheckInProject,
    responses((status = 201, description = "The project was created.", body = CheckInProject)),
)]
#[post("/v1/spaces/{space}/check-in-projects")]
#[tracing::instrument(skip_all)]
pub async fn create_check_in_project(
    call: Call,
    path: Path<String>,
    body: Json<CreateCheckInProject>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        check_ins::create(state, auth, space, body.0.clone()).await
    })
    .await
}

/// List check-in projects
///
/// Lists the space's check-in projects, oldest first, with today's numbers. A member session
/// may list them too, and sees its own record in each as `viewer`.
#[utoipa::path(
    tag = "check-ins",
    params(PageQuery),
    responses((status = 200, description = "A page of projects.", body = Paged<CheckInProject>)),
)]
#[get("/v1/spaces/{space}/check-in-projects")]
#[tracing::instrument(skip_all)]
pub async fn list_check_in_projects(
    call: Call,
    path: Path<String>,
    query: Query<PageQuery>,
    _fresh: Fresh<(read_model::CheckIns, read_model::Members)>,
) -> Result<Json<Paged<CheckInProject>>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    let page = check_ins::projects(&call.state, &call.auth, space.id.0, query.slice()?);
    Ok(Json(page.await?.into()))
}

/// Get a check-in project
///
/// Returns a project with today's date in its time zone, whether it is open today, how many
/// members ever checked in and how many did today. A member session sees its own record as
/// `viewer`: whether it checked in today, its current and longest streak.
#[utoipa::path(
    tag = "check-ins",
    params(("project" = uuid::Uuid, Path, description = "The project's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The project.", body = CheckInProject)),
)]
#[get("/v1/spaces/{space}/check-in-projects/{project}")]
#[tracing::instrument(skip_all)]
pub async fn get_check_in_project(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<(read_model::CheckIns, read_model::Members)>,
) -> Result<Json<CheckInProject>, ApiError> {
    let (space, project) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let project = parse_id(&project, "check-in project")?;
    Ok(Json(
        check_ins::project(&call.state, &call.auth, space.id.0, project).await?,
    ))
}

/// Check in
///
/// Checks the signed-in member in to the project for today (in the project's time zone), with
/// a text. Only a member session may check in. A second check-in the same day is refused with
/// `invalid_transition`, as is one before `starts_on` or after `ends_on`; a text shorter than
/// the project's `min_text_chars` with `validation_failed`. Answers the member's record after
/// the check-in.
#[utoipa::path(
    tag = "check-ins",
    params(("project" = uuid::Uuid, Path, description = "The project's id")),
    request_body = CheckInBody,
    responses((status = 201, description = "Checked in.", body = MemberStreak)),
)]
#[post("/v1/spaces/{space}/check-in-projects/{project}/check-ins")]
#[tracing::instrument(skip_all)]
pub async fn check_in(
    call: Call,
    path: Path<(String, String)>,
    body: Json<CheckInBody>,
) -> Result<HttpResponse, ApiError> {
    let (space, project) = path.into_inner();
    call.write(
        &space,
        Intent::MemberWrite,
        &body,
        async |state, auth, space| {
            check_ins::check_in(state, auth, space, &project, body.0.clone()).await
        },
    )
    .await
}

/// List members' streaks
///
/// Lists every member who checked in to the project, in member order, with their current
/// streak (0 once a day was missed), longest streak, total check-ins and whether they checked
/// in today.
#[utoipa::path(
    tag = "check-ins",
    params(("project" = uuid::Uuid, Path, description = "The project's id"), PageQuery),
    responses((status = 200, description = "A page of streaks.", body = Paged<MemberStreak>)),
)]
#[get("/v1/spaces/{space}/check-in-projects/{project}/streaks")]
#[tracing::instrument(skip_all)]
pub async fn list_check_in_streaks(
    call: Call,
    path: Path<(String, String)>,
    query: Query<PageQuery>,
    _fresh: Fresh<(read_model::CheckIns, read_model::Members)>,
) -> Result<Json<Paged<MemberStreak>>, ApiError> {
    let (space, project) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let project = parse_id(&project, "check-in project")?;
    let page = check_ins::streaks(&call.state, &call.auth, space.id.0, project, query.slice()?);
    Ok(Json(page.await?.into()))
}

/// List members who have not checked in today
///
/// Lists the space's active members without a check-in to the project today (in its time
/// zone), in member order, each with their record so far: a `current_streak` above 0 is a
/// streak that ends tonight without a check-in. Empty on days the project is not open.
#[utoipa::path(
    tag = "check-ins",
    params(("project" = uuid::Uuid, Path, description = "The project's id"), PageQuery),
    responses((status = 200, description = "A page of members.", body = Paged<MemberStreak>)),
)]
#[get("/v1/spaces/{space}/check-in-projects/{project}/not-checked-in")]
#[tracing::instrument(skip_all)]
pub async fn list_not_checked_in(
    call: Call,
    path: Path<(String, String)>,
    query: Query<PageQuery>,
    _fresh: Fresh<(read_model::CheckIns, read_model::Members)>,
) -> Result<Json<Paged<MemberStreak>>, ApiError> {
    let (space, project) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let project = parse_id(&project, "check-in project")?;
    let page =
        check_ins::not_checked_in(&call.state, &call.auth, space.id.0, project, query.slice()?);
    Ok(Json(page.await?.into()))
}

/// Which day's check-ins.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayParams {
    /// The day (`YYYY-MM-DD`); today in the project's time zone if left out.
    pub day: Option<String>,
}

/// List a day's check-ins
///
/// Lists the check-ins to the project on one day (today in its time zone by default), in
/// member order, with their text and the streak each reached. The text is null once the
/// member's personal data is erased.
#[utoipa::path(
    tag = "check-ins",
    params(("project" = uuid::Uuid, Path, description = "The project's id"), DayParams, PageQuery),
    responses((status = 200, description = "A page of check-ins.", body = Paged<CheckInEntry>)),
)]
#[get("/v1/spaces/{space}/check-in-projects/{project}/check-ins")]
#[tracing::instrument(skip_all)]
pub async fn list_check_ins(
    call: Call,
    path: Path<(String, String)>,
    params: Query<DayParams>,
    query: Query<PageQuery>,
    _fresh: Fresh<(read_model::CheckIns, read_model::Members)>,
) -> Result<Json<Paged<CheckInEntry>>, ApiError> {
    let (space, project) = path.into_inner();
    let space = call.space(&space, Intent::Read).await?;
    let project = parse_id(&project, "check-in project")?;
    let day = params.day.as_deref();
    let page = check_ins::check_ins(
        &call.state,
        &call.auth,
        space.id.0,
        project,
        day,
        query.slice()?,
    );
    Ok(Json(page.await?.into()))
}
