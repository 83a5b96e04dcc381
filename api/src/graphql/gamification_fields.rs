//! GraphQL fields of the gamification objects beyond their REST bodies: ids as `ID`, and a
//! check-in project's check-ins, streaks and the members who have not checked in today (for
//! API keys).

use super::error::{OrGql, any_caller};
use super::types::{connection, paging};
use crate::auth::Role;
use crate::dto::{CheckInEntry, CheckInProject, LeaderboardEntry, MemberStreak, PointsEntry};
use crate::error::ApiError;
use crate::state::AppState;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID};

fn id(uuid: uuid::Uuid) -> ID {
    ID(uuid.to_string())
}

#[ComplexObject]
impl MemberStreak {
    async fn project_id(&self) -> ID {
        id(self.project_id)
    }

    async fn member_id(&self) -> ID {
        id(self.member_id)
    }
}

#[ComplexObject]
impl CheckInEntry {
    async fn member_id(&self) -> ID {
        id(self.member_id)
    }
}

#[ComplexObject]
impl PointsEntry {
    async fn event_id(&self) -> ID {
        id(self.event_id)
    }
}

#[ComplexObject]
impl LeaderboardEntry {
    async fn member_id(&self) -> ID {
        id(self.member_id)
    }
}

impl CheckInProject {
    /// The state, and today in the project's time zone, for a caller holding a key: members'
    /// records are the creator's to read.
    async fn for_key<'a>(
        &self,
        ctx: &Context<'a>,
    ) -> async_graphql::Result<(
        &'a AppState,
        lyceum_projections::check_ins::queries::ProjectRow,
    )> {
        if any_caller(ctx)?.0.role == Role::Member {
            return Err(super::gql(ApiError::forbidden(
                "members' check-in records are read with an API key",
            )));
        }
        let state = ctx.data::<AppState>()?;
        let row = lyceum_projections::check_ins::queries::project(
            &state.db,
            &self.space_id.to_string(),
            &self.id.to_string(),
        )
        .await
        .or_gql()?
        .ok_or_else(|| super::gql(ApiError::not_found("check-in project")))?;
        Ok((state, row))
    }
}

#[ComplexObject]
impl CheckInProject {
    async fn id(&self) -> ID {
        id(self.id)
    }

    async fn space_id(&self) -> ID {
        id(self.space_id)
    }

    /// The check-ins on `day` (`YYYY-MM-DD`; today in the project's time zone if left out), in
    /// member order, with their text. For API keys.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn check_ins(
        &self,
        ctx: &Context<'_>,
        day: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, CheckInEntry>> {
        let (state, row) = self.for_key(ctx).await?;
        let (first, after) = paging(first, after)?;
        let day = match day.as_deref() {
            Some(raw) => crate::service::check_ins::date("day", raw).or_gql()?,
            None => crate::service::check_ins::today(state, &row).or_gql()?.0,
        };
        let page = lyceum_projections::check_ins::queries::check_ins(
            &state.db,
            &row.id,
            &day.to_string(),
            after.as_deref(),
            first,
        )
        .await
        .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |c| c.member_id.clone(),
            CheckInEntry::from,
        ))
    }

    /// Every member who checked in, in member order, with their streaks. For API keys.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn streaks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, MemberStreak>> {
        let (state, row) = self.for_key(ctx).await?;
        let (first, after) = paging(first, after)?;
        let (today, _) = crate::service::check_ins::today(state, &row).or_gql()?;
        let page = lyceum_projections::check_ins::queries::streaks(
            &state.db,
            &row.id,
            after.as_deref(),
            first,
        )
        .await
        .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |s| s.member_id.clone(),
            |s| MemberStreak::on(s, today),
        ))
    }

    /// The space's active members without a check-in today, in member order; empty on days
    /// the project is not open. For API keys.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn not_checked_in_today(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, MemberStreak>> {
        let (state, row) = self.for_key(ctx).await?;
        let (first, after) = paging(first, after)?;
        let (today, open) = crate::service::check_ins::today(state, &row).or_gql()?;
        let page = match open {
            true => lyceum_projections::check_ins::queries::not_checked_in(
                &state.db,
                &row.space_id,
                &row.id,
                &today.to_string(),
                after.as_deref(),
                first,
            )
            .await
            .or_gql()?,
            false => lyceum_projections::page::Page {
                items: vec![],
                next: None,
            },
        };
        Ok(connection(
            after.as_deref(),
            page,
            |s| s.member_id.clone(),
            |s| MemberStreak::on(s, today),
        ))
    }
}
