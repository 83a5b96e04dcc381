//! `/v1/spaces/{space}/points-rules`, a member's points, ledger and badges, and
//! `/v1/spaces/{space}/leaderboard`.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{
    Badges, Leaderboard, LeaderboardPeriod, PointsBalance, PointsEntry, PointsRulesDto,
};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service::{parse_id, points};
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, get, put};
use serde::Deserialize;
use utoipa::IntoParams;

/// Get points rules
///
/// Returns what each kind of action earns in the space and its daily cap per member. Every
/// action is listed; until the creator sets rules, every action earns 0 points. Member
/// sessions may read the rules too.
#[utoipa::path(
    tag = "points",
    responses((status = 200, description = "The space's points rules.", body = PointsRulesDto)),
)]
#[get("/v1/spaces/{space}/points-rules")]
#[tracing::instrument(skip_all)]
pub async fn get_points_rules(
    call: Call,
    path: Path<String>,
) -> Result<Json<PointsRulesDto>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    Ok(Json(points::get_rules(&call.state, &space).await?))
}

/// Set points rules
///
/// Replaces the points each kind of action earns and its daily cap per member (`daily_cap`, at
/// least the action's points; null for none). Actions left out earn nothing. The rules apply to
/// actions recorded from now on; points already earned stay, and are not taken back when a like
/// is withdrawn or a comment deleted. The same subject earns once (liking an item again,
/// completing a lesson again); views and check-ins once per item or project per day. Accepted
/// answers earn the answerer. Sending the current rules records nothing.
#[utoipa::path(
    tag = "points",
    request_body = PointsRulesDto,
    responses((status = 200, description = "The rules now in force.", body = PointsRulesDto)),
)]
#[put("/v1/spaces/{space}/points-rules")]
#[tracing::instrument(skip_all)]
pub async fn set_points_rules(
    call: Call,
    path: Path<String>,
    body: Json<PointsRulesDto>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        points::set_rules(state, auth, space, body.0.clone()).await
    })
    .await
}

/// Get a member's points
///
/// Returns a member's points: the creator's manual adjustments plus what actions earned under
/// the space's points rules. Their sum sets the member's level and their place on the
/// all-time leaderboard. A member session may read its own.
#[utoipa::path(
    tag = "points",
    params(("member" = uuid::Uuid, Path, description = "The member's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The member's points.", body = PointsBalance)),
)]
#[get("/v1/spaces/{space}/members/{member}/points")]
#[tracing::instrument(skip_all)]
pub async fn get_member_points(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<(read_model::Points, read_model::Spaces, read_model::Members)>,
) -> Result<Json<PointsBalance>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let member = parse_id(&member, "member")?;
    Ok(Json(
        points::balance(&call.state, &call.auth, space.id.0, member).await?,
    ))
}

/// List a member's points ledger
///
/// Lists the entries behind a member's points, newest first: each action that earned points
/// (after the daily cap) and each manual adjustment with its reason. A member session may read
/// its own.
#[utoipa::path(
    tag = "points",
    params(("member" = uuid::Uuid, Path, description = "The member's id"), PageQuery),
    responses((status = 200, description = "A page of ledger entries.", body = Paged<PointsEntry>)),
)]
#[get("/v1/spaces/{space}/members/{member}/points/ledger")]
#[tracing::instrument(skip_all)]
pub async fn list_points_ledger(
    call: Call,
    path: Path<(String, String)>,
    query: Query<PageQuery>,
    _fresh: Fresh<(read_model::Points, read_model::Members)>,
) -> Result<Json<Paged<PointsEntry>>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let member = parse_id(&member, "member")?;
    let page = points::ledger(&call.state, &call.auth, space.id.0, member, query.slice()?);
    Ok(Json(page.await?.into()))
}

/// List a member's badges
///
/// Lists the badges a member earned, in order: `first_comment` (a first comment),
/// `seven_day_streak` (7 days in a row in a check-in project), `course_completed` (a course
/// completed) and `answers_accepted` (10 answers accepted). Badges are kept once earned. A
/// member session may read its own.
#[utoipa::path(
    tag = "points",
    params(("member" = uuid::Uuid, Path, description = "The member's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The member's badges.", body = Badges)),
)]
#[get("/v1/spaces/{space}/members/{member}/badges")]
#[tracing::instrument(skip_all)]
pub async fn list_badges(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<(read_model::Points, read_model::Members)>,
) -> Result<Json<Badges>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let member = parse_id(&member, "member")?;
    Ok(Json(
        points::badges(&call.state, &call.auth, space.id.0, member).await?,
    ))
}

/// Which leaderboard.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaderboardParams {
    /// `week` (the default) or `all_time`.
    pub period: Option<LeaderboardPeriod>,
    /// For `week`: any day of the week to rank (`YYYY-MM-DD`); this week if left out. With
    /// `all_time` it is refused with 422 `validation_failed`.
    pub week: Option<String>,
}

/// Get the leaderboard
///
/// Ranks the space's active members by points, most first: `week` ranks the points of one
/// week (Monday to Sunday, UTC, by the day each entry counts on), `all_time` every member's
/// points (which also set levels). Members with equal points share a rank; members without
/// points are left out. Member sessions may read it, with display names.
#[utoipa::path(
    tag = "points",
    params(LeaderboardParams,
        PageQuery),
    responses((status = 200, description = "A page of the leaderboard.", body = Leaderboard)),
)]
#[get("/v1/spaces/{space}/leaderboard")]
#[tracing::instrument(skip_all)]
pub async fn get_leaderboard(
    call: Call,
    path: Path<String>,
    params: Query<LeaderboardParams>,
    query: Query<PageQuery>,
    _fresh: Fresh<(read_model::Points, read_model::Members)>,
) -> Result<Json<Leaderboard>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    let period = params.period.unwrap_or(LeaderboardPeriod::Week);
    let week = params.week.as_deref();
    let board = points::leaderboard(&call.state, space.id.0, period, week, query.slice()?);
    let (week_starts_on, page) = board.await?;
    let Paged { data, next_cursor } = page.into();
    Ok(Json(Leaderboard {
        period,
        week_starts_on,
        data,
        next_cursor,
    }))
}
