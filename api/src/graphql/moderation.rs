//! GraphQL mutations for moderators (API keys): hide and remove comments, mute, unmute and ban
//! members, and resolve reports. Each is recorded as an event with the key as its actor.

use super::call::{in_space, payload};
use super::types::Payload;
use crate::dto::{self, BanMember, Comment, MemberStanding, MuteMember, Report, ReportOutcomeDto};
use crate::service;
use crate::service::moderation::MemberAction;
use crate::space::Intent;
use async_graphql::{Context, ID, Object};
use lyceum_domain::engagement::comment::CommentCommand;

#[derive(Default)]
pub struct ModerationMutation;

/// Hides or removes a comment of the space.
async fn comment(
    ctx: &Context<'_>,
    space: String,
    id: ID,
    command: CommentCommand,
) -> async_graphql::Result<Payload<Comment>> {
    let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
    let planned = service::comments::moderate(state, auth, &space, &id, command).await;
    payload(state, planned).await
}

/// Mutes, unmutes or bans a member of the space.
async fn member(
    ctx: &Context<'_>,
    space: String,
    member_id: ID,
    action: MemberAction,
) -> async_graphql::Result<Payload<MemberStanding>> {
    let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
    let planned = service::moderation::moderate(state, auth, &space, &member_id, action).await;
    payload(state, planned).await
}

#[Object]
impl ModerationMutation {
    /// Hides a comment: only its author and the creator see it, and it no longer counts.
    async fn hide_comment(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<Payload<Comment>> {
        comment(ctx, space, id, CommentCommand::Hide { reason }).await
    }

    /// Removes a comment: its body is shown to nobody, and it no longer counts.
    async fn remove_comment(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<Payload<Comment>> {
        comment(ctx, space, id, CommentCommand::Remove { reason }).await
    }

    /// Stops a member posting for `minutes` (1 minute to 365 days).
    async fn mute_member(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        minutes: u32,
        reason: Option<String>,
    ) -> async_graphql::Result<Payload<MemberStanding>> {
        let action = MemberAction::Mute(MuteMember { minutes, reason });
        member(ctx, space, member_id, action).await
    }

    /// Ends a running mute early.
    async fn unmute_member(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
    ) -> async_graphql::Result<Payload<MemberStanding>> {
        member(ctx, space, member_id, MemberAction::Unmute).await
    }

    /// Bans a member: their sessions are revoked and their access ends, for good; their
    /// subscriptions end at their next renewal instead of charging them.
    async fn ban_member(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<Payload<MemberStanding>> {
        let action = MemberAction::Ban(BanMember { reason });
        member(ctx, space, member_id, action).await
    }

    /// Resolves a report once, as dismissed or actioned.
    async fn resolve_report(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        outcome: ReportOutcomeDto,
        note: Option<String>,
    ) -> async_graphql::Result<Payload<Report>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::ResolveReport { outcome, note };
        let planned = service::reports::resolve(state, auth, &space, &id, input).await;
        payload(state, planned).await
    }
}
