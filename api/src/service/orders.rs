//! One-off purchases of items sold on their own, and refunds, on the payment provider: the
//! Order aggregate decides, the provider's answer goes into the command, and the answer shows
//! the order through the same mapping as its read model. A full refund takes the item back
//! (entitlements count paid and partially refunded orders only).
//!
//! A member buys an item at most once: before charging, a purchase claims the (space, member,
//! item) row (see `lyceum_store::purchases`), so of two purchases racing with different
//! idempotency keys (or none) one is charged and the other gets 409. The order's transaction
//! marks the claim paid (or releases it when the charge failed), and a full refund releases it.

use super::{load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{CreatePurchase, CreateRefund, Order as OrderDto};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::content::{Content, ContentStatus};
use lyceum_domain::ids::{ContentId, MemberId, OrderId};
use lyceum_domain::membership::member::Member;
use lyceum_domain::money::Money;
use lyceum_domain::payment::method::PaymentMethod;
use lyceum_domain::payment::order::{Order, OrderCommand, OrderEvent, OrderItem, OrderState};
use lyceum_domain::payment::provider::{
    ChargeOutcome, ChargeRequest, RefundOutcome, RefundRequest,
};
use lyceum_domain::payment::refund_id_from_provider;
use lyceum_domain::{Aggregate, Code, DomainError};
use lyceum_store::SideWrite;
use lyceum_store::command::append_for;
use lyceum_store::purchases::{Purchase, PurchaseClaim};
use std::sync::Arc;
use uuid::Uuid;

fn answer(
    id: Uuid,
    order: &Order,
    times: &[String],
    error: Option<String>,
) -> Result<OrderDto, ApiError> {
    let state = order
        .state
        .as_ref()
        .ok_or_else(|| ApiError::not_found("order"))?;
    let first = times.first().cloned().unwrap_or_default();
    let last = times.last().cloned().unwrap_or_default();
    let mut dto = OrderDto::from(lyceum_projections::orders::row(id, state, first, last));
    dto.latest_payment_error = error;
    Ok(dto)
}

fn fold(order: &mut Order, events: &[OrderEvent]) {
    for event in events {
        order.apply(event);
    }
}

/// Plans `POST /v1/spaces/{space}/members/{member}/purchases`.
pub async fn purchase(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    input: CreatePurchase,
) -> Result<Planned<OrderDto>, ApiError> {
    let member_id = parse_id(member_id, "member")?;
    let member = load_in_space::<Member>(&state.db, space.id, member_id).await?;
    if member.state.state.as_ref().is_some_and(|m| m.removed) {
        return Err(DomainError::transition("a removed member cannot buy").into());
    }
    let payment_method = PaymentMethod::parse(&input.payment_method)?;
    // The path names the member; an item the body names that is not in the space is a
    // reference that must exist, so 422 like a tier's or a topic's (404 would say the member
    // is unknown).
    let content =
        super::load_referenced::<Content>(&state.db, space.id, input.content_id, "content_id")
            .await?
            .state
            .state
            .ok_or_else(|| super::unknown_reference::<Content>("content_id"))?;
    let price = match (content.status, content.access.price_minor()) {
        (ContentStatus::Published, Some(price)) => price,
        _ => {
            return Err(DomainError::validation(
                "this item is not for sale: it must be published with the purchase policy",
            )
            .into());
        }
    };
    let owned = lyceum_projections::members::access::member_access(
        &state.db,
        &space.id.to_string(),
        &member_id.to_string(),
        state.clock.now(),
    )
    .await?;
    if owned
        .purchased_content_ids
        .contains(&input.content_id.to_string())
    {
        return Err(already_owned());
    }
    let currency = super::space_now(state, space).await?.currency;
    let amount = Money::new(price, currency);
    let now = state.clock.now();
    let mut order = Order::default();
    let mut events = order.decide(OrderCommand::Place {
        space_id: space.id,
        member_id: MemberId(member_id),
        item: OrderItem::Content {
            content_id: ContentId(input.content_id),
        },
        amount,
        now,
    })?;
    fold(&mut order, &events);
    let purchase = Purchase {
        space_id: space.id.0,
        member_id,
        content_id: input.content_id,
    };
    let id = match lyceum_store::purchases::claim(&state.db, purchase, OrderId::new().0).await? {
        PurchaseClaim::Claimed { order_id } => order_id,
        PurchaseClaim::Owned => return Err(already_owned()),
        PurchaseClaim::InProgress { retry_after } => {
            return Err(ApiError::new(
                Code::Conflict,
                "another purchase of this item by this member is being charged",
            )
            .with_retry_after(retry_after));
        }
    };
    let outcome = state.payments.for_space(space.id).charge(&ChargeRequest {
        amount,
        payment_method: payment_method.as_str().to_owned(),
        idempotency_key: format!("{id}:charge"),
        attempt: 1,
    });
    let error = match &outcome {
        ChargeOutcome::Succeeded { .. } => None,
        ChargeOutcome::Declined { code } => Some(code.as_str().to_owned()),
        ChargeOutcome::RequiresRetry => Some("requires_retry".to_owned()),
    };
    let charged = order.decide(OrderCommand::RecordCharge {
        outcome,
        provider_event_id: None,
        now,
    })?;
    fold(&mut order, &charged);
    events.extend(charged);
    let settle = if order.state.as_ref().is_some_and(|o| o.status.grants_item()) {
        lyceum_store::purchases::paid(purchase, id)
    } else {
        lyceum_store::purchases::release(purchase, id)
    };
    let append = append_for::<Order>(
        id,
        0,
        &events,
        metadata(auth, Some(space.id)),
        vec![Arc::new(settle)],
    )?;
    let output = answer(
        id,
        &order,
        std::slice::from_ref(&append.occurred().to_owned()),
        error,
    )?;
    Ok(Planned::new(Outcome::Created, output, append))
}

fn already_owned() -> ApiError {
    DomainError::new(Code::Conflict, "the member already owns this item").into()
}

/// The claim to release with `events` when they take a bought item back (a full refund, here
/// or in Stripe), so the member may buy it again.
pub fn released_claim(
    id: Uuid,
    before: &OrderState,
    events: &[OrderEvent],
) -> Option<Arc<dyn SideWrite>> {
    let OrderItem::Content { content_id } = before.item else {
        return None;
    };
    let mut after = Order {
        state: Some(before.clone()),
    };
    fold(&mut after, events);
    let kept = after.state.is_some_and(|o| o.status.grants_item());
    (before.status.grants_item() && !kept).then(|| {
        let purchase = Purchase {
            space_id: before.space_id.0,
            member_id: before.member_id.0,
            content_id: content_id.0,
        };
        Arc::new(lyceum_store::purchases::release(purchase, id)) as Arc<dyn SideWrite>
    })
}

/// Plans `POST /v1/spaces/{space}/orders/{order}/refunds`. The order decides first (nothing is
/// sent to the provider for a refund it refuses); the refund id comes from the request's own
/// sequence, so asking again after a crash asks the provider for the same refund.
pub async fn refund(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    order_id: &str,
    input: CreateRefund,
) -> Result<Planned<OrderDto>, ApiError> {
    let id = parse_id(order_id, "order")?;
    let loaded = load_in_space::<Order>(&state.db, space.id, id).await?;
    let current = loaded
        .state
        .state
        .as_ref()
        .ok_or_else(|| ApiError::not_found("order"))?;
    let amount = match input.amount_minor {
        Some(minor) => Money::new(minor, current.amount.currency),
        None => current.refundable(),
    };
    let key = format!("{id}:refund:{}", current.refunds.len() + 1);
    let reason = input.reason.unwrap_or_else(|| "requested".to_owned());
    let now = state.clock.now();
    let events = loaded.state.decide(OrderCommand::Refund {
        refund_id: refund_id_from_provider(&key),
        amount,
        reason,
        provider_event_id: None,
        now,
    })?;
    let payment = current.provider_payment_id.clone().unwrap_or_default();
    let request = RefundRequest {
        provider_payment_id: payment,
        amount,
        idempotency_key: key,
    };
    if let RefundOutcome::Rejected { reason } = state.payments.for_space(space.id).refund(&request)
    {
        return Err(
            DomainError::validation(format!("the provider refused the refund: {reason}")).into(),
        );
    }
    let release = released_claim(id, current, &events);
    let append = append_for::<Order>(
        id,
        loaded.version,
        &events,
        metadata(auth, Some(space.id)),
        release.into_iter().collect(),
    )?;
    let mut order = loaded.state;
    fold(&mut order, &events);
    let mut times: Vec<String> = loaded.history.into_iter().map(|(_, at)| at).collect();
    times.push(append.occurred().to_owned());
    let output = answer(id, &order, &times, None)?;
    Ok(Planned::new(Outcome::Changed, output, append))
}
