//! Orders in GraphQL: buying an item sold on its own for a member, and refunds.

use super::call::{in_space, payload};
use super::error::OrGql;
use super::mutation::parse_uuid;
use super::types::Payload;
use crate::dto;
use crate::dto::Order;
use crate::service;
use crate::space::Intent;
use async_graphql::{Context, ID, Object};

#[derive(Default)]
pub struct OrderMutation;

#[Object]
impl OrderMutation {
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
}
