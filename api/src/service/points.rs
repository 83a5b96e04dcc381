//! Points: a space's points rules (a command on the Space aggregate), and reads of a member's
//! balance, ledger and badges and of the space's leaderboards from the points read model.

use super::parse_id;
use super::terms::change_space;
use crate::auth::Auth;
use crate::dto::{
    BadgeDto, Badges, Leaderboard, LeaderboardEntry, LeaderboardPeriod, PointsBalance,
    PointsRulesDto,
};
use crate::error::ApiError;
use crate::plan::Planned;
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::NaiveDate;
use lyceum_domain::gamification::points::PointsRules;
use lyceum_domain::gamification::week::week_start;
use lyceum_domain::space::{Space, SpaceCommand};
use lyceum_projections::points::queries::{Board, parse_leader_cursor};
use lyceum_store::command::load;

/// `GET /v1/spaces/{space}/points-rules`: from the space's own stream.
pub async fn get_rules(state: &AppState, space: &SpaceRef) -> Result<PointsRulesDto, ApiError> {
    let space = load::<Space>(&state.db, space.id.0)
        .await?
        .state
        .created
        .ok_or_else(|| ApiError::not_found("space"))?;
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

/// The member `member_id` of the space, if the caller may see them: a key sees any member of
/// its space, a member session only itself. Anyone else is 404, like an unknown id.
pub async fn visible_member(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
) -> Result<String, ApiError> {
    let id = parse_id(member_id, "member")?;
    if auth.member_id().is_some_and(|me| me != id) {
        return Err(ApiError::not_found("member"));
    }
    let id = id.to_string();
    lyceum_projections::members::queries::member(&state.db, Some(&space.id.to_string()), &id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))?;
    Ok(id)
}

/// A member's points and level.
pub async fn balance(
    state: &AppState,
    space: &SpaceRef,
    member_id: &str,
) -> Result<PointsBalance, ApiError> {
    let balance = lyceum_projections::points::queries::balance(&state.db, member_id).await?;
    let level = lyceum_projections::spaces::terms::space_levels(&state.db, &space.id.to_string())
        .await?
        .map(|rules| {
            lyceum_projections::spaces::terms::level_for(
                &rules,
                u64::try_from(balance.points).unwrap_or(0),
            )
            .into()
        });
    Ok(PointsBalance {
        member_id: parse_id(member_id, "member")?,
        points: balance.points,
        manual: balance.manual,
        earned: balance.earned,
        level,
    })
}

/// A member's badges, in the order earned.
pub async fn badges(
    state: &AppState,
    space: &SpaceRef,
    member_id: &str,
) -> Result<Badges, ApiError> {
    let rows =
        lyceum_projections::points::queries::badges(&state.db, &space.id.to_string(), member_id)
            .await?;
    Ok(Badges {
        data: rows.into_iter().filter_map(BadgeDto::from_row).collect(),
    })
}

/// Which leaderboard to read.
pub struct LeaderboardQuery {
    pub period: LeaderboardPeriod,
    /// Any day of the week to rank (`YYYY-MM-DD`); this week on the injected clock if `None`.
    pub week: Option<String>,
    /// A decoded cursor.
    pub after: Option<String>,
    pub limit: i64,
}

/// A page of a leaderboard.
pub async fn leaderboard(
    state: &AppState,
    space: &SpaceRef,
    query: LeaderboardQuery,
) -> Result<(Leaderboard, Option<String>), ApiError> {
    let board = match (query.period, query.week.as_deref()) {
        (LeaderboardPeriod::AllTime, Some(_)) => {
            return Err(ApiError::bad_request(
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
    let after = query
        .after
        .as_deref()
        .map(|c| parse_leader_cursor(c).ok_or_else(|| ApiError::bad_request("cursor is not valid")))
        .transpose()?;
    let page = lyceum_projections::points::queries::leaderboard(
        &state.db,
        &space.id.to_string(),
        board,
        after,
        query.limit,
    )
    .await?;
    let board = Leaderboard {
        period: query.period,
        week_starts_on: match board {
            Board::Week(monday) => Some(monday.to_string()),
            Board::AllTime => None,
        },
        data: page.items.into_iter().map(LeaderboardEntry::from).collect(),
        next_cursor: None,
    };
    Ok((board, page.next))
}
