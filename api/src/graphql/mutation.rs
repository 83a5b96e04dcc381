//! GraphQL mutations that take an API key: the same commands as REST, through the same service
//! layer, and the plumbing every mutation shares.

use super::call::{caller_for, done, in_space, payload};
use super::error::{OrGql, caller};
use super::types::{AccessPolicy, ContentItem, ContentKind, Done, Payload};
use crate::auth::Auth;
use crate::dto;
use crate::dto::{
    CreateMember, CreateSpace, CreateTier, IntervalDto, IssuedKey, KeyRoleDto, Member, Membership,
    Order, Space, Subscription, Tier, UpdateSpace, UpdateTier,
};
use crate::error::ApiError;
use crate::plan::Planned;
use crate::plan::commit;
use crate::service;
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
use async_graphql::{Context, ID, InputObject, Object};
use lyceum_domain::content::ContentCommand;
use uuid::Uuid;

/// The mutations that take an API key (see [`super::membership`] for those a member session
/// may make too).
#[derive(Default)]
pub struct CreatorMutation;

#[derive(InputObject)]
pub struct StartSubscriptionInput {
    pub member_id: ID,
    pub tier_id: ID,
    pub interval: IntervalDto,
    /// A payment method of the configured provider, such as `tok_success`.
    pub payment_method: String,
    /// A sign-up offer's code.
    pub offer_code: Option<String>,
    /// Another member's referral code.
    pub referral_code: Option<String>,
}

#[derive(InputObject)]
pub struct AccessInput {
    pub policy: AccessPolicy,
    pub tier_ids: Option<Vec<ID>>,
    /// The price in minor units, for the `PURCHASE` policy.
    pub price_minor: Option<i64>,
}

#[derive(InputObject)]
pub struct CreateContentInput {
    pub kind: ContentKind,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: AccessInput,
}

#[derive(InputObject)]
pub struct EditContentInput {
    pub title: Option<String>,
    pub body: Option<String>,
    pub excerpt: Option<String>,
    pub access: Option<AccessInput>,
}

pub(super) fn parse_uuid(id: &ID, noun: &str) -> Result<Uuid, ApiError> {
    service::parse_id(id, noun)
}

impl AccessInput {
    fn into_dto(self) -> Result<dto::AccessDto, ApiError> {
        Ok(match self.policy {
            AccessPolicy::Public => dto::AccessDto::Public,
            AccessPolicy::Members => dto::AccessDto::Members,
            AccessPolicy::Purchase => dto::AccessDto::Purchase {
                price_minor: self.price_minor.unwrap_or_default(),
            },
            AccessPolicy::Tiers => dto::AccessDto::Tiers {
                tier_ids: self
                    .tier_ids
                    .unwrap_or_default()
                    .iter()
                    .map(|id| parse_uuid(id, "tier"))
                    .collect::<Result<_, _>>()?,
            },
        })
    }
}

fn content_kind(kind: ContentKind) -> dto::ContentKindDto {
    match kind {
        ContentKind::Post => dto::ContentKindDto::Post,
        ContentKind::Article => dto::ContentKindDto::Article,
        ContentKind::Course => dto::ContentKindDto::Course,
        ContentKind::Lesson => dto::ContentKindDto::Lesson,
        ContentKind::Column => dto::ContentKindDto::Column,
    }
}

/// Shared plumbing: who is calling, and the space they name, if any.
pub(super) async fn context<'a>(
    ctx: &Context<'a>,
    space: Option<&str>,
) -> async_graphql::Result<(&'a AppState, &'a Auth, Option<SpaceRef>)> {
    let auth = caller(ctx)?;
    let state = ctx.data::<AppState>()?;
    let space = match space {
        Some(space) => Some(resolve(state, auth, space, Intent::Write).await.or_gql()?),
        None => None,
    };
    Ok((state, auth, space))
}

pub(super) async fn finish<T, G: async_graphql::OutputType>(
    state: &AppState,
    planned: Result<Planned<T>, ApiError>,
    map: impl FnOnce(T) -> G,
) -> async_graphql::Result<Payload<G>> {
    let (output, position) = commit(state, planned.or_gql()?).await.or_gql()?;
    Ok(Payload {
        node: map(output),
        position,
    })
}

pub(super) fn need(space: Option<SpaceRef>) -> async_graphql::Result<SpaceRef> {
    space.ok_or_else(|| super::gql(ApiError::not_found("space")))
}

#[Object]
impl CreatorMutation {
    /// Creates a space (admin keys only).
    async fn create_space(
        &self,
        ctx: &Context<'_>,
        input: CreateSpace,
    ) -> async_graphql::Result<Payload<Space>> {
        let (state, auth) = caller_for(ctx, Intent::Write)?;
        payload(state, service::spaces::create(auth, input).await).await
    }

    /// Changes a space's name or description.
    async fn update_space(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: UpdateSpace,
    ) -> async_graphql::Result<Payload<Space>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::spaces::update(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Issues a creator or auditor key for a space. The secret is returned once.
    async fn issue_key(
        &self,
        ctx: &Context<'_>,
        space: String,
        role: KeyRoleDto,
    ) -> async_graphql::Result<Payload<IssuedKey>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::keys::issue(state, auth, &space, role).await;
        payload(state, planned).await
    }

    /// Defines a free or paid tier.
    async fn define_tier(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: CreateTier,
    ) -> async_graphql::Result<Payload<Tier>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::tiers::create(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Changes a tier's name, prices for new subscriptions, or trial. (To move a subscription
    /// to another tier, use `changeTier`.)
    async fn update_tier(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        input: UpdateTier,
    ) -> async_graphql::Result<Payload<Tier>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let command = service::tiers::change_command(input);
        let planned = service::tiers::change(state, auth, &space, &id, command).await;
        payload(state, planned).await
    }

    /// Archives a tier: it takes no new members.
    async fn archive_tier(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<Tier>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let command = lyceum_domain::membership::tier::TierCommand::Archive;
        let planned = service::tiers::change(state, auth, &space, &id, command).await;
        payload(state, planned).await
    }

    /// Subscribes a member to a paid tier: a trial, or the first charge at once.
    async fn start_subscription(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: StartSubscriptionInput,
    ) -> async_graphql::Result<Payload<Subscription>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let member_id = input.member_id.clone();
        let input = dto::StartSubscription {
            tier_id: parse_uuid(&input.tier_id, "tier").or_gql()?,
            interval: input.interval,
            payment_method: input.payment_method,
            offer_code: input.offer_code,
            referral_code: input.referral_code,
        };
        let planned = service::subscriptions::start(state, auth, &space, &member_id, input).await;
        payload(state, planned).await
    }

    /// Buys an item sold on its own for a member, through the payment provider.
    async fn purchase(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        content_id: ID,
        payment_method: String,
    ) -> async_graphql::Result<Payload<Order>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::CreatePurchase {
            content_id: parse_uuid(&content_id, "content").or_gql()?,
            payment_method,
        };
        let planned = service::orders::purchase(state, auth, &space, &member_id, input).await;
        payload(state, planned).await
    }

    /// Refunds part of an order, or all that is still refundable.
    async fn refund_order(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        amount_minor: Option<i64>,
        reason: Option<String>,
    ) -> async_graphql::Result<Payload<Order>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::CreateRefund {
            amount_minor,
            reason,
        };
        let planned = service::orders::refund(state, auth, &space, &id, input).await;
        payload(state, planned).await
    }

    /// Adds a member; their email and display name are sealed with a key of their own.
    async fn add_member(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: CreateMember,
    ) -> async_graphql::Result<Payload<Member>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::members::add(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Makes a member join a free tier.
    async fn join_tier(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        tier_id: ID,
    ) -> async_graphql::Result<Payload<Membership>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let tier = parse_uuid(&tier_id, "tier").or_gql()?;
        let planned = service::members::join(state, auth, &space, &member_id, tier).await;
        payload(state, planned).await
    }

    /// Removes a member from the space.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
    ) -> async_graphql::Result<Done> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        done(
            state,
            service::members::remove(state, auth, &space, &member_id).await,
        )
        .await
    }

    /// Erases a member's personal data by deleting their key.
    async fn erase_personal_data(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
    ) -> async_graphql::Result<Done> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        done(
            state,
            service::members::erase(state, auth, &space, &member_id).await,
        )
        .await
    }

    /// Creates a draft.
    async fn create_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: CreateContentInput,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::CreateContent {
            kind: content_kind(input.kind),
            title: input.title,
            body: input.body,
            excerpt: input.excerpt,
            access: input.access.into_dto().or_gql()?,
        };
        let planned = service::content::create(state, auth, &space, input).await;
        finish(state, planned, ContentItem::from).await
    }

    /// Edits a content item.
    async fn edit_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
        input: EditContentInput,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::EditContent {
            title: input.title,
            body: input.body,
            excerpt: input.excerpt,
            access: input
                .access
                .map(AccessInput::into_dto)
                .transpose()
                .or_gql()?,
        };
        let command = service::content::edit_command(input);
        let planned = service::content::change(state, auth, &space, &id, command).await;
        finish(state, planned, ContentItem::from).await
    }

    /// Publishes a content item.
    async fn publish_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned =
            service::content::change(state, auth, &space, &id, ContentCommand::Publish).await;
        finish(state, planned, ContentItem::from).await
    }

    /// Unpublishes a content item.
    async fn unpublish_content(
        &self,
        ctx: &Context<'_>,
        space: String,
        id: ID,
    ) -> async_graphql::Result<Payload<ContentItem>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned =
            service::content::change(state, auth, &space, &id, ContentCommand::Unpublish).await;
        finish(state, planned, ContentItem::from).await
    }

    /// Replaces the space's billing terms (all fields).
    async fn set_billing_terms(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: dto::BillingTermsDto,
    ) -> async_graphql::Result<Payload<dto::BillingTermsDto>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let planned = service::terms::set_terms(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Replaces the space's member levels, lowest first.
    async fn set_levels(
        &self,
        ctx: &Context<'_>,
        space: String,
        levels: Vec<dto::LevelDto>,
    ) -> async_graphql::Result<Payload<dto::LevelRulesDto>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::LevelRulesDto { levels };
        let planned = service::terms::set_levels(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Gives a member points, or takes some back with a negative delta.
    async fn adjust_points(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        delta: i64,
        reason: String,
    ) -> async_graphql::Result<Payload<dto::MemberPoints>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let input = dto::AdjustPoints { delta, reason };
        let planned = service::terms::adjust_points(state, auth, &space, &member_id, input).await;
        payload(state, planned).await
    }
}
