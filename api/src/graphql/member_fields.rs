//! The fields of a `Member` beyond its row: subscriptions, orders, entitlements, badges, the
//! points ledger and check-in streaks. A `Member` object only exists once the caller was
//! allowed to see that member (a creator's key in the member's space, or the member's own
//! session as `viewer`), so these fields read by its ids.

use super::error::OrGql;
use super::types::{Member, MemberOrder, MemberSubscription, connection, paging};
use crate::dto;
use crate::state::AppState;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, SimpleObject};

/// What a member may access right now.
#[derive(SimpleObject, Clone)]
pub struct MemberEntitlements {
    /// An active member of the space: content for `members` is open to them.
    pub is_member: bool,
    /// Tiers held now: free tiers joined, and tiers of subscriptions that grant access.
    pub tier_ids: Vec<ID>,
    /// Content items bought and not taken back.
    pub purchased_content_ids: Vec<ID>,
}

#[ComplexObject]
impl Member {
    /// The member's subscriptions, oldest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn subscriptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, MemberSubscription>> {
        let state = ctx.data::<AppState>()?;
        let (first, after) = paging(first, after)?;
        let page = lyceum_projections::subscriptions::queries::subscriptions(
            &state.db,
            &self.space_id,
            &self.id,
            after.as_deref(),
            first,
        )
        .await
        .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |s| s.id.clone(),
            |s| MemberSubscription::from(dto::Subscription::from(s)),
        ))
    }

    /// The member's orders (one-off purchases), oldest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn purchases(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, MemberOrder>> {
        let state = ctx.data::<AppState>()?;
        let (first, after) = paging(first, after)?;
        let page = lyceum_projections::orders::queries::orders(
            &state.db,
            &self.space_id,
            &self.id,
            after.as_deref(),
            first,
        )
        .await
        .or_gql()?;
        Ok(connection(
            after.as_deref(),
            page,
            |o| o.id.clone(),
            |o| MemberOrder::from(dto::Order::from(o)),
        ))
    }

    /// What the member may access right now.
    async fn entitlements(&self, ctx: &Context<'_>) -> async_graphql::Result<MemberEntitlements> {
        let state = ctx.data::<AppState>()?;
        let access = lyceum_projections::members::access::member_access(
            &state.db,
            &self.space_id,
            &self.id,
            state.clock.now(),
        )
        .await
        .or_gql()?;
        let ids = |ids: Vec<String>| ids.into_iter().map(ID).collect();
        Ok(MemberEntitlements {
            is_member: access.is_member,
            tier_ids: ids(access.tier_ids),
            purchased_content_ids: ids(access.purchased_content_ids),
        })
    }

    /// The badges the member earned, in order.
    async fn badges(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<dto::BadgeDto>> {
        let state = ctx.data::<AppState>()?;
        let rows = lyceum_projections::points::queries::badges(&state.db, &self.space_id, &self.id)
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
        let page = lyceum_projections::points::queries::ledger(
            &state.db,
            &self.space_id,
            &self.id,
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
        let rows = lyceum_projections::check_ins::queries::member_streaks(
            &state.db,
            &self.id,
            crate::pagination::MAX_LIMIT,
        )
        .await
        .or_gql()?;
        let mut streaks = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(project) = lyceum_projections::check_ins::queries::project(
                &state.db,
                &self.space_id,
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
