//! The fields of a `Member` beyond its row: subscriptions, orders, entitlements, badges, the
//! points ledger and check-in streaks. A `Member` object only exists once the caller was
//! allowed to see that member (a creator's key in the member's space, or the member's own
//! session as `viewer`), so these fields read by its ids.

use super::error::OrGql;
use super::types::{connection, paging};
use crate::dto;
use crate::dto::{Member, Order, Subscription};
use crate::service::reads;
use crate::state::AppState;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context};
use std::convert::identity;

#[ComplexObject]
impl Member {
    /// The member's subscriptions, oldest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn subscriptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Subscription>> {
        let state = ctx.data::<AppState>()?;
        let (first, after) = paging(first, after)?;
        let page = reads::subscriptions(state, self.space_id, self.id, after.as_deref(), first);
        let page = page.await.or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |s| s.id.to_string(),
            identity,
        ))
    }

    /// The member's orders (one-off purchases), oldest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn purchases(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Order>> {
        let state = ctx.data::<AppState>()?;
        let (first, after) = paging(first, after)?;
        let page = reads::orders(state, self.space_id, self.id, after.as_deref(), first);
        let page = page.await.or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |o| o.id.to_string(),
            identity,
        ))
    }

    /// What the member may access right now.
    async fn entitlements(&self, ctx: &Context<'_>) -> async_graphql::Result<dto::Entitlements> {
        let state = ctx.data::<AppState>()?;
        reads::entitlements(state, self.space_id, self.id)
            .await
            .or_gql()
    }

    /// The badges the member earned, in order.
    async fn badges(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<dto::BadgeDto>> {
        let state = ctx.data::<AppState>()?;
        let rows = lyceum_projections::points_reads::badges(
            &state.db,
            &self.space_id.to_string(),
            &self.id.to_string(),
        )
        .await
        .or_gql()?;
        Ok(rows
            .into_iter()
            .filter_map(dto::BadgeDto::from_row)
            .collect())
    }

    /// The entries behind the member's points, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn points_ledger(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, dto::PointsEntry>> {
        let state = ctx.data::<AppState>()?;
        let (first, after) = paging(first, after)?;
        let before = after
            .as_deref()
            .map(str::parse::<i64>)
            .transpose()
            .map_err(|_| super::gql(crate::error::ApiError::bad_request("after is not valid")))?;
        let page = lyceum_projections::points_reads::ledger(
            &state.db,
            &self.space_id.to_string(),
            &self.id.to_string(),
            before,
            first,
        )
        .await
        .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |e| e.position.to_string(),
            dto::PointsEntry::from,
        ))
    }

    /// The member's record in each check-in project they checked in to (at most 100), as of
    /// today in each project's time zone.
    async fn check_in_streaks(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<dto::MemberStreak>> {
        let state = ctx.data::<AppState>()?;
        let rows = lyceum_projections::check_in_reads::member_streaks(
            &state.db,
            &self.id.to_string(),
            crate::pagination::MAX_LIMIT,
        )
        .await
        .or_gql()?;
        let mut streaks = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(project) = lyceum_projections::check_in_reads::project(
                &state.db,
                &self.space_id.to_string(),
                &row.project_id,
            )
            .await
            .or_gql()?
            else {
                continue;
            };
            let (today, _) = crate::service::check_ins::today(state, &project).or_gql()?;
            streaks.push(dto::MemberStreak::on(row, today));
        }
        Ok(streaks)
    }
}
