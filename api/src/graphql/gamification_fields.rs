//! GraphQL fields of the gamification objects beyond their REST bodies: ids as `ID`, and a
//! check-in project's check-ins, streaks and the members who have not checked in today (for
//! API keys).

use super::call::caller_for;
use super::types::list;
use crate::dto::{CheckInEntry, CheckInProject, LeaderboardEntry, MemberStreak, PointsEntry};
use crate::service::check_ins;
use crate::space::Intent;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID};

fn streak_key(streak: &MemberStreak) -> String {
    streak.member_id.to_string()
}

#[ComplexObject]
impl MemberStreak {
    async fn project_id(&self) -> ID {
        self.project_id.into()
    }

    async fn member_id(&self) -> ID {
        self.member_id.into()
    }
}

#[ComplexObject]
impl CheckInEntry {
    async fn member_id(&self) -> ID {
        self.member_id.into()
    }
}

#[ComplexObject]
impl PointsEntry {
    async fn event_id(&self) -> ID {
        self.event_id.into()
    }
}

#[ComplexObject]
impl LeaderboardEntry {
    async fn member_id(&self) -> ID {
        self.member_id.into()
    }
}

#[ComplexObject]
impl CheckInProject {
    async fn id(&self) -> ID {
        self.id.into()
    }

    async fn space_id(&self) -> ID {
        self.space_id.into()
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
        let (state, auth) = caller_for(ctx, Intent::MemberRead)?;
        let key = |c: &CheckInEntry| c.member_id.to_string();
        list(first, after, key, |page| {
            check_ins::check_ins(state, auth, self.space_id, self.id, day.as_deref(), page)
        })
        .await
    }

    /// Every member who checked in, in member order, with their streaks. For API keys.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn streaks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, MemberStreak>> {
        let (state, auth) = caller_for(ctx, Intent::MemberRead)?;
        list(first, after, streak_key, |page| {
            check_ins::streaks(state, auth, self.space_id, self.id, page)
        })
        .await
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
        let (state, auth) = caller_for(ctx, Intent::MemberRead)?;
        list(first, after, streak_key, |page| {
            check_ins::not_checked_in(state, auth, self.space_id, self.id, page)
        })
        .await
    }
}
