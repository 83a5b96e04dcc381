//! GraphQL mutations for members' engagement, through the same service layer as REST: views,
//! likes, shares, comments, lesson completion and reports. They need a member session
//! (`lyc_ms_…`); `space` defaults to the session's own.

use super::error::{OrGql, any_caller};
use super::mutation::{finish, parse_uuid};
use super::types::{Done, Payload};
use crate::auth::Auth;
use crate::dto::{
    self, Comment, CourseProgress, InteractionResult, Report, ReportReasonDto, ShareChannelDto,
};
use crate::error::ApiError;
use crate::plan::Planned;
use crate::plan::commit;
use crate::service;
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
use async_graphql::{Context, ID, InputObject, Object, OutputType};
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

/// The caller and the space (the one named, or the caller's own), for `intent`.
pub(super) async fn space_for<'a>(
    ctx: &Context<'a>,
    space: Option<&str>,
    intent: Intent,
) -> async_graphql::Result<(&'a AppState, &'a Auth, SpaceRef)> {
    let auth = any_caller(ctx)?;
    let state = ctx.data::<AppState>()?;
    let space = match (space, auth.0.space_id) {
        (Some(space), _) => space.to_owned(),
        (None, Some(own)) => own.to_string(),
        (None, None) => {
            return Err(super::gql(ApiError::bad_request(
                "name the space: an admin key belongs to none",
            )));
        }
    };
    let space = resolve(state, auth, &space, intent).await.or_gql()?;
    Ok((state, auth, space))
}

/// Appends a planned command and answers with its output, as it is, and position.
pub(super) async fn settle<T: OutputType>(
    state: &AppState,
    planned: Result<Planned<T>, ApiError>,
) -> async_graphql::Result<Payload<T>> {
    finish(state, planned, std::convert::identity).await
}

async fn interact(
    ctx: &Context<'_>,
    space: Option<String>,
    content_id: ID,
    action: impl FnOnce(chrono::DateTime<chrono::Utc>) -> Action,
) -> async_graphql::Result<Payload<InteractionResult>> {
    let (state, auth, space) = space_for(ctx, space.as_deref(), Intent::MemberWrite).await?;
    let planned = service::engagement::interact(state, auth, &space, &content_id, action).await;
    settle(state, planned).await
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
        let (state, auth, space) = space_for(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let body = dto::CreateComment {
            body: input.body,
            parent_id: input
                .parent_id
                .map(|p| parse_uuid(&p, "parent"))
                .transpose()
                .or_gql()?,
        };
        let planned = service::comments::post(state, auth, &space, &input.content_id, body).await;
        settle(state, planned).await
    }

    /// The author edits their comment.
    async fn edit_comment(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        id: ID,
        body: String,
    ) -> async_graphql::Result<Payload<Comment>> {
        let (state, auth, space) = space_for(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned =
            service::comments::edit(state, auth, &space, &id, dto::EditComment { body }).await;
        settle(state, planned).await
    }

    /// The author deletes their comment (again: nothing changes).
    async fn delete_comment(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        id: ID,
    ) -> async_graphql::Result<Done> {
        let (state, auth, space) = space_for(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned = service::comments::delete(state, auth, &space, &id).await;
        let ((), position) = commit(state, planned.or_gql()?).await.or_gql()?;
        Ok(Done { position })
    }

    /// Completes a lesson of a course; the course's last lesson completes the course.
    async fn complete_lesson(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        course_id: ID,
        lesson_id: ID,
    ) -> async_graphql::Result<Payload<CourseProgress>> {
        let (state, auth, space) = space_for(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned =
            service::progress::complete(state, auth, &space, &course_id, &lesson_id).await;
        settle(state, planned).await
    }

    /// Reports an item or a comment to the space's moderators.
    async fn report_content(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        input: ReportInput,
    ) -> async_graphql::Result<Payload<Report>> {
        let (state, auth, space) = space_for(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let body = dto::CreateReport {
            content_id: parse_uuid(&input.content_id, "content").or_gql()?,
            comment_id: input
                .comment_id
                .map(|c| parse_uuid(&c, "comment"))
                .transpose()
                .or_gql()?,
            reason: input.reason,
            details: input.details,
        };
        let planned = service::reports::file(state, auth, &space, body).await;
        settle(state, planned).await
    }
}
