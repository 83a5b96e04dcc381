//! Points: a space's points rules (a command on the Space aggregate), and reads of a member's
//! balance, ledger and badges and of the space's leaderboards from the points read model.

use super::reads::{self, map};
use super::terms::change_space;
use crate::auth::Auth;
use crate::dto::{
    BadgeDto, Badges, LeaderboardEntry, LeaderboardPeriod, PointsBalance, PointsEntry,
    PointsRulesDto,
};
use crate::error::ApiError;
use crate::pagination::Slice;
use crate::plan::Planned;
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::NaiveDate;
use lyceum_domain::Code;
use lyceum_domain::gamification::points::PointsRules;
use lyceum_domain::gamification::week::week_start;
use lyceum_domain::space::SpaceCommand;
use lyceum_projections::page::Page;
use lyceum_projections::points::queries::{self, Board, parse_leader_cursor};
use lyceum_projections::spaces::terms;
use uuid::Uuid;

/// `GET /v1/spaces/{space}/points-rules`: from the space's own stream.
pub async fn get_rules(state: &AppState, space: &SpaceRef) -> Result<PointsRulesDto, ApiError> {
    let space = super::space_now(state, space).await?;
    Ok(PointsRulesDto::from(&space.points_rules))
}

/// Plans `PUT /v1/spaces/{space}/points-rules`.
pub async fn set_rules(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: PointsRulesDto,
) -> Result<Planned<PointsRulesDto>, ApiError> {
    let rules = PointsRules::try_from(input)?;
    change_space(
        state,
        auth,
        space,
        SpaceCommand::SetPointsRules { rules },
        |s| PointsRulesDto::from(&s.points_rules),
    )
    .await
}

/// Whether the caller may see the member `member` of the space: a key sees any member of its
/// space, a member session only itself. Anyone else is 404, like an unknown id.
async fn visible_member(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    member: Uuid,
) -> Result<(), ApiError> {
    if auth.member_id().is_some_and(|me| me != member) {
        return Err(ApiError::not_found("member"));
    }
    reads::member(state, space, member).await.map(drop)
}

/// A member's points and level.
pub async fn balance(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    member: Uuid,
) -> Result<PointsBalance, ApiError> {
    visible_member(state, auth, space, member).await?;
    let balance = queries::balance(&state.db, &member.to_string()).await?;
    let level = terms::space_levels(&state.db, &space.to_string())
        .await?
        .map(|rules| terms::level_for(&rules, u64::try_from(balance.points).unwrap_or(0)).into());
    Ok(PointsBalance {
        member_id: member,
        points: balance.points,
        manual: balance.manual,
        earned: balance.earned,
        level,
    })
}

/// A member's ledger, newest first; `after` is the position of the last entry of the previous
/// page.
pub async fn ledger(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    member: Uuid,
    page: Slice,
) -> Result<Page<PointsEntry>, ApiError> {
    visible_member(state, auth, space, member).await?;
    let before = page.before()?;
    let (space, member) = (space.to_string(), member.to_string());
    let page = queries::ledger(&state.db, &space, &member, before, page.limit).await?;
    Ok(map(page, PointsEntry::from))
}

/// A member's badges, in the order earned.
pub async fn badges(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    member: Uuid,
) -> Result<Badges, ApiError> {
    visible_member(state, auth, space, member).await?;
    let rows = queries::badges(&state.db, &space.to_string(), &member.to_string()).await?;
    Ok(Badges {
        data: rows.into_iter().filter_map(BadgeDto::from_row).collect(),
    })
}

/// A page of a leaderboard: of the week holding `week` (`YYYY-MM-DD`; this week on the
/// injected clock if `None`) with the Monday it starts on, or of all time. `after` is a decoded
/// cursor.
pub async fn leaderboard(
    state: &AppState,
    space: Uuid,
    period: LeaderboardPeriod,
    week: Option<&str>,
    page: Slice,
) -> Result<(Option<String>, Page<LeaderboardEntry>), ApiError> {
    let board = match (period, week) {
        // A rule joining two parameters, which no schema states: 422, as the contract says.
        (LeaderboardPeriod::AllTime, Some(_)) => {
            return Err(ApiError::new(
                Code::ValidationFailed,
                "week applies to the week period only",
            ));
        }
        (LeaderboardPeriod::AllTime, None) => Board::AllTime,
        (LeaderboardPeriod::Week, Some(day)) => {
            Board::Week(week_start(day.parse::<NaiveDate>().map_err(|_| {
                ApiError::bad_request("week must be a date like 2031-03-05")
            })?))
        }
        (LeaderboardPeriod::Week, None) => Board::Week(week_start(state.clock.now().date_naive())),
    };
    let after = page
        .after()
        .map(|c| parse_leader_cursor(c).ok_or_else(|| ApiError::bad_request("cursor is not valid")))
        .transpose()?;
    let page =
        queries::leaderboard(&state.db, &space.to_string(), board, after, page.limit).await?;
    let week_starts_on = match board {
        Board::Week(monday) => Some(monday.to_string()),
        Board::AllTime => None,
    };
    Ok((week_starts_on, map(page, LeaderboardEntry::from)))
}
