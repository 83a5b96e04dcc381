//! Stripe's charge events mapped onto the Order named by `metadata.lyceum_order_id`: a refund
//! made in Stripe, and a dispute opened or closed. A full refund also releases the member's
//! claim on the item, as a refund made through Lyceum does.

use super::{decide, foreign, ignored, record};
use crate::dto::stripe::StripeAck;
use crate::error::ApiError;
use crate::plan::Planned;
use crate::service::orders::released_claim;
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use lyceum_domain::payment::order::{Order, OrderCommand, OrderState};
use lyceum_domain::payment::refund_id_from_provider;
use lyceum_domain::payment::stripe::{StripeEvent, StripeEventKind};
use lyceum_store::command::load;

/// Plans a charge event: the order's events, or an acknowledgement that ignores it.
pub(super) async fn plan(
    state: &AppState,
    space: &SpaceRef,
    event: &StripeEvent,
) -> Result<Planned<StripeAck>, ApiError> {
    let refs = match &event.kind {
        StripeEventKind::ChargeRefunded(charge) => &charge.refs,
        StripeEventKind::DisputeCreated(dispute)
        | StripeEventKind::DisputeClosed { dispute, .. } => &dispute.refs,
        _ => return Ok(ignored(event, "not a charge event")),
    };
    if let Some(reason) = foreign(refs, space) {
        return Ok(ignored(event, reason));
    }
    let Some(order_id) = refs.order_id else {
        return Ok(ignored(event, "the event names no lyceum_order_id"));
    };
    let loaded = load::<Order>(&state.db, order_id.0).await?;
    let Some(current) = loaded
        .state
        .state
        .as_ref()
        .filter(|o| o.space_id == space.id)
    else {
        return Ok(ignored(event, "the order is not in this space"));
    };
    let command = match command_for(event, current, state.clock.now()) {
        Ok(command) => command,
        Err(reason) => return Ok(ignored(event, reason)),
    };
    let events = match decide(event, "order", &loaded.state, command) {
        Ok(events) => events,
        Err(reason) => return Ok(ignored(event, reason)),
    };
    let release = released_claim(order_id.0, current, &events);
    record::<Order>(
        space,
        event,
        (order_id.0, loaded.version),
        &events,
        release.into_iter().collect(),
        StripeAck::applied_to_order(order_id.0, events.len()),
    )
}

/// The order command a charge event becomes, or why there is none.
fn command_for(
    event: &StripeEvent,
    order: &OrderState,
    now: DateTime<Utc>,
) -> Result<OrderCommand, &'static str> {
    let provider_event_id = Some(event.id.clone());
    match &event.kind {
        StripeEventKind::ChargeRefunded(charge) => {
            let amount = order
                .unrecorded_refund(charge.amount_refunded)
                .ok_or("the refund is already recorded")?;
            // Stripe's refund id names the refund; without one, the event is the refund.
            let reference = charge
                .latest_refund_id
                .clone()
                .unwrap_or_else(|| format!("{}:{}", charge.charge_id, event.id));
            Ok(OrderCommand::Refund {
                refund_id: refund_id_from_provider(&reference),
                amount,
                reason: "refunded in Stripe".to_owned(),
                provider_event_id,
                now,
            })
        }
        StripeEventKind::DisputeCreated(dispute) => Ok(OrderCommand::OpenDispute {
            dispute_id: dispute.dispute_id.clone(),
            amount: dispute.amount,
            provider_event_id,
            now,
        }),
        StripeEventKind::DisputeClosed { dispute, outcome } => Ok(OrderCommand::CloseDispute {
            dispute_id: dispute.dispute_id.clone(),
            outcome: *outcome,
            provider_event_id,
            now,
        }),
        _ => Err("not a charge event"),
    }
}
