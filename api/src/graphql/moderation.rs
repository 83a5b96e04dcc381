//! GraphQL mutations for moderators (API keys): hide and remove comments, mute, unmute and ban
//! members, and resolve reports. Each is recorded as an event with the key as its actor.

use super::call::{in_space, payload};
use super::error::caller;
use super::types::Payload;
use crate::dto::{self, Comment, MemberStanding, Report, ReportOutcomeDto};
use crate::service;
use crate::space::Intent;
use async_graphql::{Context, ID, Object};
use lyceum_domain::engagement::comment::CommentCommand;

#[derive(Default)]
pub struct ModerationMutation;

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
        caller(ctx)?;
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let command = CommentCommand::Hide { reason };
        let planned = service::comments::moderate(state, auth, &space, &id, command).await;
        payload(state, planned).await
    }

    /// Removes a comment: its body is shown to nobody, and it no longer counts.
    async fn remove_comment(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<Payload<Comment>> {
        caller(ctx)?;
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let command = CommentCommand::Remove { reason };
        let planned = service::comments::moderate(state, auth, &space, &id, command).await;
        payload(state, planned).await
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
        caller(ctx)?;
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::MuteMember { minutes, reason };
        let planned = service::moderation::mute(state, auth, &space, &member_id, input).await;
        payload(state, planned).await
    }

    /// Ends a running mute early.
    async fn unmute_member(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
    ) -> async_graphql::Result<Payload<MemberStanding>> {
        caller(ctx)?;
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::moderation::unmute(state, auth, &space, &member_id).await;
        payload(state, planned).await
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
        caller(ctx)?;
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::BanMember { reason };
        let planned = service::moderation::ban(state, auth, &space, &member_id, input).await;
        payload(state, planned).await
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
        caller(ctx)?;
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::ResolveReport { outcome, note };
        let planned = service::reports::resolve(state, auth, &space, &id, input).await;
        payload(state, planned).await
    }
}
