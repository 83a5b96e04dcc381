//! GraphQL mutations for members' engagement, through the same service layer as REST: views,
//! likes, shares, comments, lesson completion and reports. They need a member session
//! (`lyc_ms_…`); `space` defaults to the session's own.

use super::call::{done, in_space, payload};
use super::error::OrGql;
use super::mutation::parse_uuid;
use super::types::{Done, Payload};
use crate::dto::{
    self, Comment, CourseProgress, InteractionResult, Report, ReportReasonDto, ShareChannelDto,
};
use crate::service;
use crate::space::Intent;
use async_graphql::{Context, ID, InputObject, Object};
use lyceum_domain::engagement::interaction::Action;

#[derive(Default)]
pub struct EngagementMutation;

#[derive(InputObject)]
pub struct PostCommentInput {
    pub content_id: ID,
    /// 1 to 5000 characters.
    pub body: String,
    /// The comment this replies to, on the same item.
    pub parent_id: Option<ID>,
}

#[derive(InputObject)]
pub struct ReportInput {
    /// The item reported, or the item the reported comment is on.
    pub content_id: ID,
    pub comment_id: Option<ID>,
    pub reason: ReportReasonDto,
    /// At most 1000 characters.
    pub details: Option<String>,
}

/// An optional id as a UUID.
fn optional(id: Option<ID>, noun: &str) -> async_graphql::Result<Option<uuid::Uuid>> {
    id.map(|id| parse_uuid(&id, noun)).transpose().or_gql()
}

async fn interact(
    ctx: &Context<'_>,
    space: Option<String>,
    content_id: ID,
    action: impl FnOnce(chrono::DateTime<chrono::Utc>) -> Action,
) -> async_graphql::Result<Payload<InteractionResult>> {
    let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
    let planned = service::engagement::interact(state, auth, &space, &content_id, action).await;
    payload(state, planned).await
}

#[Object]
impl EngagementMutation {
    /// Records that the signed-in member opened an item: once per item and UTC day.
    async fn record_view(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        content_id: ID,
    ) -> async_graphql::Result<Payload<InteractionResult>> {
        interact(ctx, space, content_id, |now| Action::View {
            day: now.date_naive(),
            clicks: 1,
        })
        .await
    }

    /// Likes an item (again: nothing changes).
    async fn like_item(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        content_id: ID,
    ) -> async_graphql::Result<Payload<InteractionResult>> {
        interact(ctx, space, content_id, |_| Action::Like).await
    }

    /// Takes back a like (without one: nothing changes).
    async fn unlike_item(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        content_id: ID,
    ) -> async_graphql::Result<Payload<InteractionResult>> {
        interact(ctx, space, content_id, |_| Action::Unlike).await
    }

    /// Records a share of an item.
    async fn share_item(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        content_id: ID,
        channel: ShareChannelDto,
    ) -> async_graphql::Result<Payload<InteractionResult>> {
        let channel = channel.into();
        interact(ctx, space, content_id, move |_| Action::Share { channel }).await
    }

    /// Comments on an item, or replies to a comment on it. A muted member gets `MEMBER_MUTED`.
    async fn post_comment(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        input: PostCommentInput,
    ) -> async_graphql::Result<Payload<Comment>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let body = dto::CreateComment {
            body: input.body,
            parent_id: optional(input.parent_id, "parent")?,
        };
        let planned = service::comments::post(state, auth, &space, &input.content_id, body).await;
        payload(state, planned).await
    }

    /// The author edits their comment.
    async fn edit_comment(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        id: ID,
        body: String,
    ) -> async_graphql::Result<Payload<Comment>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned =
            service::comments::edit(state, auth, &space, &id, dto::EditComment { body }).await;
        payload(state, planned).await
    }

    /// The author deletes their comment (again: nothing changes).
    async fn delete_comment(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        id: ID,
    ) -> async_graphql::Result<Done> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned = service::comments::delete(state, auth, &space, &id).await;
        done(state, planned).await
    }

    /// Completes a lesson of a course; the course's last lesson completes the course.
    async fn complete_lesson(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        course_id: ID,
        lesson_id: ID,
    ) -> async_graphql::Result<Payload<CourseProgress>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned =
            service::progress::complete(state, auth, &space, &course_id, &lesson_id).await;
        payload(state, planned).await
    }

    /// Reports an item or a comment to the space's moderators.
    async fn report_content(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        input: ReportInput,
    ) -> async_graphql::Result<Payload<Report>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let body = dto::CreateReport {
            content_id: parse_uuid(&input.content_id, "content").or_gql()?,
            comment_id: optional(input.comment_id, "comment")?,
            reason: input.reason,
            details: input.details,
        };
        let planned = service::reports::file(state, auth, &space, body).await;
        payload(state, planned).await
    }
}
