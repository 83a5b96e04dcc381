//! Subscriptions in GraphQL: starting one, and what a member session (`lyc_ms_…`) may do too:
//! checkout, cancel, resume, change tier and redeem a retention offer. A member session acts for
//! itself on its own subscriptions only (another member's id is `NOT_FOUND`, like an unknown
//! one); a key acts on any of its space's. `space` defaults to the caller's own. Starting a
//! subscription for a member, comps and listing a member's subscriptions take a key.

use super::call::{in_space, payload};
use super::error::OrGql;
use super::mutation::parse_uuid;
use super::types::{Payload, list};
use crate::dto;
use crate::dto::{CompReasonDto, IntervalDto, Subscription, TierChange};
use crate::error::ApiError;
use crate::service;
use crate::service::checkout::{self, Item};
use crate::service::reads;
use crate::space::Intent;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use lyceum_domain::membership::subscription::SubscriptionCommand;

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

/// A subscription to a paid tier (`tierId` and `interval`) or an item sold on its own
/// (`contentId`): exactly one of the two.
#[derive(InputObject)]
pub struct CheckoutInput {
    /// Required with an API key; a member session checks out for itself.
    pub member_id: Option<ID>,
    pub tier_id: Option<ID>,
    pub interval: Option<IntervalDto>,
    pub content_id: Option<ID>,
    /// A payment method of the configured provider, such as `tok_success`.
    pub payment_method: String,
    /// A sign-up offer's code, for a subscription.
    pub offer_code: Option<String>,
    /// Another member's referral code, for a subscription.
    pub referral_code: Option<String>,
}

impl CheckoutInput {
    /// The member named (if any) and what to check out.
    fn into_item(self) -> Result<(Option<ID>, Item), ApiError> {
        let item = match (self.tier_id, self.content_id) {
            (Some(tier), None) => {
                let interval = self.interval.ok_or_else(|| {
                    ApiError::bad_request("interval is required to subscribe to a tier")
                })?;
                Item::Subscription(dto::StartSubscription {
                    tier_id: parse_uuid(&tier, "tier")?,
                    interval,
                    payment_method: self.payment_method,
                    offer_code: self.offer_code,
                    referral_code: self.referral_code,
                })
            }
            (None, Some(content))
                if self.interval.is_none()
                    && self.offer_code.is_none()
                    && self.referral_code.is_none() =>
            {
                Item::Purchase(dto::CreatePurchase {
                    content_id: parse_uuid(&content, "content")?,
                    payment_method: self.payment_method,
                })
            }
            (None, Some(_)) => {
                return Err(ApiError::bad_request(
                    "interval, offerCode and referralCode are for subscriptions, not purchases",
                ));
            }
            _ => {
                return Err(ApiError::bad_request(
                    "give exactly one of tierId (a subscription) and contentId (a purchase)",
                ));
            }
        };
        Ok((self.member_id, item))
    }
}

#[derive(InputObject)]
pub struct CompMembershipInput {
    pub member_id: ID,
    /// A paid tier that takes new members.
    pub tier_id: ID,
    /// When the membership ends (RFC 3339, in the future).
    pub until: String,
    pub reason: CompReasonDto,
}

#[derive(Default)]
pub struct SubscriptionMutation;

#[Object]
impl SubscriptionMutation {
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

    /// Subscribes to a paid tier (a trial, or the first charge at once) or buys an item sold on
    /// its own, for the signed-in member or, with a key, for `memberId`.
    async fn checkout(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        input: CheckoutInput,
    ) -> async_graphql::Result<Payload<Checkout>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let (member, item) = input.into_item().or_gql()?;
        let planned = service::checkout::checkout(
            state,
            auth,
            &space,
            member.as_ref().map(|m| m.as_str()),
            item,
        )
        .await;
        payload(state, planned.map(|p| p.map(Checkout::from))).await
    }

    /// Cancels a subscription at the end of its period (the default) or at once.
    async fn cancel_subscription(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        id: ID,
        at_period_end: Option<bool>,
    ) -> async_graphql::Result<Payload<Subscription>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let at_period_end = at_period_end.unwrap_or(true);
        let planned = service::subscriptions::change(state, auth, &space, &id, |now| {
            if at_period_end {
                SubscriptionCommand::CancelAtPeriodEnd { now }
            } else {
                SubscriptionCommand::Cancel { now }
            }
        })
        .await;
        payload(state, planned).await
    }

    /// Withdraws a cancellation at period end.
    async fn resume_subscription(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        id: ID,
    ) -> async_graphql::Result<Payload<Subscription>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned = service::subscriptions::change(state, auth, &space, &id, |now| {
            SubscriptionCommand::Resume { now }
        })
        .await;
        payload(state, planned).await
    }

    /// Moves a subscription to another paid tier: an upgrade at once, prorated and charged
    /// (`payment_declined` changes nothing); a downgrade at the next boundary. (To edit a tier
    /// itself, use `updateTier`.)
    async fn change_tier(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        subscription_id: ID,
        tier_id: ID,
    ) -> async_graphql::Result<Payload<TierChange>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let tier = parse_uuid(&tier_id, "tier").or_gql()?;
        let planned =
            service::subscriptions::change_tier(state, auth, &space, &subscription_id, tier).await;
        payload(state, planned).await
    }

    /// Gives a subscription a retention offer's discount from its next charge.
    async fn redeem_offer(
        &self,
        ctx: &Context<'_>,
        space: Option<String>,
        subscription_id: ID,
        code: String,
    ) -> async_graphql::Result<Payload<Subscription>> {
        let (state, auth, space) = in_space(ctx, space.as_deref(), Intent::MemberWrite).await?;
        let planned =
            service::subscriptions::apply_offer(state, auth, &space, &subscription_id, &code).await;
        payload(state, planned).await
    }

    /// Gives a member a paid tier without payment until `until` (keys only).
    async fn comp_membership(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: CompMembershipInput,
    ) -> async_graphql::Result<Payload<Subscription>> {
        let (state, auth, space) = in_space(ctx, Some(&space), Intent::Write).await?;
        let member_id = input.member_id.clone();
        let input = dto::CreateComp {
            tier_id: parse_uuid(&input.tier_id, "tier").or_gql()?,
            until: input.until,
            reason: input.reason,
        };
        let planned = service::subscriptions::comp(state, auth, &space, &member_id, input).await;
        payload(state, planned).await
    }
}

#[derive(Default)]
pub struct SubscriptionQuery;

#[Object(name = "SubscriptionQuery")]
impl SubscriptionQuery {
    /// A member's subscriptions, oldest first. Empty for a member the key may not see.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn member_subscriptions(
        &self,
        ctx: &Context<'_>,
        space: String,
        member_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Subscription>> {
        let (state, _, space) = in_space(ctx, Some(&space), Intent::Read).await?;
        let member = crate::service::parse_id(&member_id, "member").or_gql()?;
        let key = |s: &Subscription| s.id.to_string();
        list(first, after, key, |page| {
            reads::subscriptions(state, space.id.0, member, page)
        })
        .await
    }
}

/// What a checkout made: a subscription or an order (the other is null).
#[derive(SimpleObject, Clone)]
pub struct Checkout {
    pub subscription: Option<dto::Subscription>,
    pub order: Option<dto::Order>,
}

impl From<checkout::Checkout> for Checkout {
    fn from(c: checkout::Checkout) -> Self {
        match c {
            checkout::Checkout::Subscription(s) => Self {
                subscription: Some(s),
                order: None,
            },
            checkout::Checkout::Order(o) => Self {
                subscription: None,
                order: Some(o),
            },
        }
    }
}
