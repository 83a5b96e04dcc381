//! GraphQL queries for engagement: an item's counters and comments (member sessions and
//! keys), a member's progress, activity and features (a member session its own), and for keys
//! the report queue and the interaction matrix.

use super::call::in_space;
use super::error::OrGql;
use super::types::list;
use crate::dto::{
    Activity, ActivityFeatures, Comment, CourseProgress, Interaction, ItemEngagement, Report,
};
use crate::service;
use crate::service::comments;
use crate::space::Intent;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};

#[derive(Default)]
pub struct EngagementQuery;

#[Object]
impl EngagementQuery {
    /// An item's engagement counters. `space` defaults to the caller's own.
    async fn item_engagement(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        content_id: ID,
    ) -> async_graphql::Result<ItemEngagement> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberRead).await?;
        let counters = service::engagement::counters(state, auth, &space, &content_id);
        counters.await.or_gql()
    }

    /// One level of an item's thread, oldest first: top-level comments, or the replies to
    /// `parentId`.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        content_id: ID,
        parent_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Comment>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberRead).await?;
        let parent = parent_id.as_deref().map(String::as_str);
        list(
            first,
            after,
            |c: &Comment| c.id.to_string(),
            |page| comments::thread(state, auth, &space, &content_id, parent, page),
        )
        .await
    }

    /// A member's progress through a course: the signed-in member's, or with a key `memberId`'s.
    async fn course_progress(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        course_id: ID,
        member_id: Option<ID>,
    ) -> async_graphql::Result<CourseProgress> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberRead).await?;
        let member_id = member_id.as_deref().map(String::as_str);
        let progress = service::progress::progress(state, auth, &space, &course_id, member_id);
        progress.await.or_gql()
    }

    /// A member's activity, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn member_activity(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        member_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Activity>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberRead).await?;
        list(
            first,
            after,
            |a: &Activity| a.position.to_string(),
            |page| service::activity::activity(state, auth, &space, &member_id, page),
        )
        .await
    }

    /// A member's activity features now.
    async fn member_features(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        member_id: ID,
    ) -> async_graphql::Result<ActivityFeatures> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberRead).await?;
        let features = service::activity::features(state, auth, &space, &member_id);
        features.await.or_gql()
    }

    /// The space's report queue, oldest first (keys only).
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        space: String,
        status: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Report>> {
        let (state, _, space) = in_space(ctx, Some(&space), Intent::Read).await?;
        list(
            first,
            after,
            |r: &Report| r.id.to_string(),
            |page| service::reports::queue(state, &space, status.as_deref(), page),
        )
        .await
    }

    /// The member × item interaction matrix, by member then item (keys only).
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Interaction>> {
        let (state, _, space) = in_space(ctx, Some(&space), Intent::Read).await?;
        let member = member_id.as_deref().map(String::as_str);
        list(first, after, Interaction::cursor, |page| {
            service::activity::interactions(state, &space, member, page)
        })
        .await
    }
}
