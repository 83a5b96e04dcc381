//! GraphQL queries and mutations for check-in projects, points rules and leaderboards. Member
//! sessions may read projects, rules and leaderboards of their own space, and check in.

use super::call::{in_space, payload};
use super::error::OrGql;
use super::mutation::parse_uuid;
use super::types::{Payload, list};
use crate::dto::{
    CheckInBody, CheckInProject, CreateCheckInProject, LeaderboardEntry, LeaderboardPeriod,
    MemberStreak, PointsRulesDto,
};
use crate::service::{check_ins, points};
use crate::space::Intent;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use lyceum_domain::Code;

#[derive(Default)]
pub struct GamificationQuery;

#[Object]
impl GamificationQuery {
    /// A space's check-in projects, oldest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn check_in_projects(
        &self,
        ctx: &Context<'_>,
        space: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, CheckInProject>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::MemberRead).await?;
        let key = |p: &CheckInProject| p.id.to_string();
        list(first, after, key, |page| {
            check_ins::projects(state, auth, space.id.0, page)
        })
        .await
    }

    /// A check-in project by id. Null if it does not exist in the space.
    async fn check_in_project(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Option<CheckInProject>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::MemberRead).await?;
        let id = parse_uuid(&id, "check-in project").or_gql()?;
        match check_ins::project(state, auth, space.id.0, id).await {
            Ok(project) => Ok(Some(project)),
            Err(e) if e.code == Code::NotFound => Ok(None),
            Err(e) => Err(super::gql(e)),
        }
    }

    /// What each kind of action earns in the space.
    async fn points_rules(
        &self,
        ctx: &Context<'_>,
        space: String,
    ) -> async_graphql::Result<PointsRulesDto> {
        let (state, _, space) = in_space(ctx, Some(&space), Intent::MemberRead).await?;
        points::get_rules(state, &space).await.or_gql()
    }

    /// The space's active members ranked by points: of one week (`week`, any day of it; this
    /// week if left out) or of all time.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn leaderboard(
        &self,
        ctx: &Context<'_>,
        space: String,
        period: LeaderboardPeriod,
        week: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, LeaderboardEntry>> {
        let (state, _, space) = in_space(ctx, Some(&space), Intent::MemberRead).await?;
        let key = |e: &LeaderboardEntry| format!("{}:{}", e.points, e.member_id);
        list(first, after, key, |page| async move {
            let board = points::leaderboard(state, space.id.0, period, week.as_deref(), page);
            board.await.map(|(_, page)| page)
        })
        .await
    }
}

#[derive(Default)]
pub struct GamificationMutation;

#[Object]
impl GamificationMutation {
    /// Creates a daily check-in project.
    async fn create_check_in_project(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: CreateCheckInProject,
    ) -> async_graphql::Result<Payload<CheckInProject>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = check_ins::create(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Checks the signed-in member in to a project for today. Member sessions only.
    async fn check_in(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        project_id: ID,
        input: CheckInBody,
    ) -> async_graphql::Result<Payload<MemberStreak>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned = check_ins::check_in(state, auth, &space, &project_id, input).await;
        payload(state, planned).await
    }

    /// Replaces the space's points rules; actions left out earn nothing.
    async fn set_points_rules(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: PointsRulesDto,
    ) -> async_graphql::Result<Payload<PointsRulesDto>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = points::set_rules(state, auth, &space, input).await;
        payload(state, planned).await
    }
}
