//! The Order aggregate: one checkout (a subscription period or a one-off content purchase), its
//! payment, refunds and dispute. Provider answers and webhooks arrive as commands; each carries
//! the provider's event id when there is one, and an order never applies the same provider event
//! twice: a command with an id it has already seen causes no events and is not an error.

mod command;
mod event;
mod state;

pub use command::{BillingInterval, MAX_PROVIDER_ID, MAX_REFUND_REASON, OrderCommand, OrderItem};
pub use event::{DisputeOutcome, FailureReason, OrderEvent};
pub use state::{Dispute, OrderState, OrderStatus};

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::ids::{MemberId, RefundId, SpaceId};
use crate::money::Money;
use crate::payment::provider::ChargeOutcome;
use crate::values::bounded_text;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// The Order aggregate: `None` until placed.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Order {
    pub state: Option<OrderState>,
}

impl Aggregate for Order {
    const TYPE: &'static str = "order";
    type Command = OrderCommand;
    type Event = OrderEvent;

    fn decide(&self, command: OrderCommand) -> Result<Vec<OrderEvent>, DomainError> {
        let state = match (&self.state, command) {
            (
                None,
                OrderCommand::Place {
                    space_id,
                    member_id,
                    item,
                    amount,
                    now,
                },
            ) => {
                return place(space_id, member_id, item, amount, now);
            }
            (Some(_), OrderCommand::Place { .. }) => {
                return Err(DomainError::new(Code::Conflict, "order already exists"));
            }
            (None, _) => return Err(DomainError::not_found("order")),
            (Some(state), command) => (state, command),
        };
        match state {
            // Handled above; kept so the match stays exhaustive without a panic.
            (_, OrderCommand::Place { .. }) => {
                Err(DomainError::new(Code::Conflict, "order already exists"))
            }
            (
                state,
                OrderCommand::RecordCharge {
                    outcome,
                    provider_event_id,
                    now,
                },
            ) => {
                let Fresh::New(provider_event_id) = state.fresh(provider_event_id)? else {
                    return Ok(vec![]);
                };
                record_charge(state, outcome, provider_event_id, now)
            }
            (
                state,
                OrderCommand::Refund {
                    refund_id,
                    amount,
                    reason,
                    provider_event_id,
                    now,
                },
            ) => {
                let Fresh::New(provider_event_id) = state.fresh(provider_event_id)? else {
                    return Ok(vec![]);
                };
                let reason = bounded_text("reason", &reason, MAX_REFUND_REASON)?;
                refund(state, refund_id, amount, reason, provider_event_id, now)
            }
            (
                state,
                OrderCommand::OpenDispute {
                    dispute_id,
                    amount,
                    provider_event_id,
                    now,
                },
            ) => {
                let Fresh::New(provider_event_id) = state.fresh(provider_event_id)? else {
                    return Ok(vec![]);
                };
                let dispute_id = bounded_text("dispute_id", &dispute_id, MAX_PROVIDER_ID)?;
                open_dispute(state, dispute_id, amount, provider_event_id, now)
            }
            (
                state,
                OrderCommand::CloseDispute {
                    dispute_id,
                    outcome,
                    provider_event_id,
                    now,
                },
            ) => {
                let Fresh::New(provider_event_id) = state.fresh(provider_event_id)? else {
                    return Ok(vec![]);
                };
                close_dispute(state, &dispute_id, outcome, provider_event_id, now)
            }
        }
    }

    fn apply(&mut self, event: &OrderEvent) {
        if let OrderEvent::OrderPlaced {
            space_id,
            member_id,
            item,
            amount,
            ..
        } = event
        {
            self.state = Some(OrderState {
                space_id: *space_id,
                member_id: *member_id,
                item: item.clone(),
                amount: *amount,
                status: OrderStatus::AwaitingPayment,
                provider_payment_id: None,
                failed_attempts: 0,
                refunds: BTreeMap::new(),
                total_refunded: Money::zero(amount.currency),
                dispute: None,
                provider_events: BTreeSet::new(),
            });
            return;
        }
        // Events of an order that was never placed cannot exist; ignore rather than panic.
        let Some(state) = self.state.as_mut() else {
            return;
        };
        if let Some(id) = event.provider_event_id() {
            state.provider_events.insert(id.to_owned());
        }
        match event {
            OrderEvent::OrderPlaced { .. } => {}
            OrderEvent::PaymentSucceeded {
                provider_payment_id,
                ..
            } => {
                state.status = OrderStatus::Paid;
                state.provider_payment_id = Some(provider_payment_id.clone());
            }
            OrderEvent::PaymentFailed { attempt, .. } => {
                state.status = OrderStatus::PaymentFailed;
                state.failed_attempts = *attempt;
            }
            OrderEvent::Refunded {
                refund_id,
                amount,
                total_refunded,
                full,
                ..
            } => {
                state.refunds.insert(*refund_id, *amount);
                state.total_refunded = *total_refunded;
                state.status = if *full {
                    OrderStatus::Refunded
                } else {
                    OrderStatus::PartiallyRefunded
                };
            }
            OrderEvent::DisputeOpened {
                dispute_id, amount, ..
            } => {
                state.dispute = Some(Dispute {
                    dispute_id: dispute_id.clone(),
                    amount: *amount,
                    outcome: None,
                });
            }
            OrderEvent::DisputeClosed { outcome, .. } => {
                if let Some(dispute) = state.dispute.as_mut() {
                    dispute.outcome = Some(*outcome);
                }
            }
        }
    }
}

/// A command's provider event id, checked against the ones already applied.
enum Fresh {
    /// Already applied: the command must cause nothing.
    Seen,
    /// New, or absent (a command that does not come from a provider event).
    New(Option<String>),
}

impl OrderState {
    /// Checks a command's provider event id against the ones already applied.
    fn fresh(&self, id: Option<String>) -> Result<Fresh, DomainError> {
        let Some(id) = id else {
            return Ok(Fresh::New(None));
        };
        if self.provider_events.contains(&id) {
            return Ok(Fresh::Seen);
        }
        if id.trim().is_empty() || id.chars().count() > MAX_PROVIDER_ID {
            return Err(DomainError::validation(format!(
                "provider_event_id must be 1 to {MAX_PROVIDER_ID} characters"
            )));
        }
        Ok(Fresh::New(Some(id)))
    }
}

/// Checks that `amount` is a positive amount in the order's currency.
fn check_amount(state: &OrderState, amount: Money, what: &str) -> Result<(), DomainError> {
    if amount.minor <= 0 {
        return Err(DomainError::validation(format!(
            "{what} must be a positive amount in minor units"
        )));
    }
    if amount.currency != state.amount.currency {
        return Err(DomainError::validation(format!(
            "{what} is in {}, but the order is in {}",
            amount.currency, state.amount.currency
        )));
    }
    Ok(())
}

fn place(
    space_id: SpaceId,
    member_id: MemberId,
    item: OrderItem,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<Vec<OrderEvent>, DomainError> {
    let amount = Money::positive(amount.minor, amount.currency)?;
    if let OrderItem::SubscriptionPeriod {
        period_start,
        period_end,
        ..
    } = &item
        && period_end <= period_start
    {
        return Err(DomainError::validation(
            "period_end must be after period_start",
        ));
    }
    Ok(vec![OrderEvent::OrderPlaced {
        space_id,
        member_id,
        item,
        amount,
        at: now,
    }])
}

fn record_charge(
    state: &OrderState,
    outcome: ChargeOutcome,
    provider_event_id: Option<String>,
    at: DateTime<Utc>,
) -> Result<Vec<OrderEvent>, DomainError> {
    if state.status.is_paid() {
        return match outcome {
            // The same success reported again (say, by the API answer and then the webhook).
            ChargeOutcome::Succeeded {
                provider_payment_id,
            } if state.provider_payment_id.as_deref() == Some(provider_payment_id.as_str()) => {
                Ok(vec![])
            }
            ChargeOutcome::Succeeded { .. } => Err(DomainError::transition(
                "the order was already paid by another payment",
            )),
            _ => Err(DomainError::transition("the order was already paid")),
        };
    }
    let reason = match outcome {
        ChargeOutcome::Succeeded {
            provider_payment_id,
        } => {
            let provider_payment_id =
                bounded_text("provider_payment_id", &provider_payment_id, MAX_PROVIDER_ID)?;
            return Ok(vec![OrderEvent::PaymentSucceeded {
                provider_payment_id,
                amount: state.amount,
                provider_event_id,
                at,
            }]);
        }
        ChargeOutcome::Declined { code } => FailureReason::from(code),
        ChargeOutcome::RequiresRetry => FailureReason::RequiresRetry,
    };
    Ok(vec![OrderEvent::PaymentFailed {
        reason,
        attempt: state.failed_attempts.saturating_add(1),
        provider_event_id,
        at,
    }])
}

fn refund(
    state: &OrderState,
    refund_id: RefundId,
    amount: Money,
    reason: String,
    provider_event_id: Option<String>,
    at: DateTime<Utc>,
) -> Result<Vec<OrderEvent>, DomainError> {
    if let Some(recorded) = state.refunds.get(&refund_id) {
        return if *recorded == amount {
            Ok(vec![])
        } else {
            Err(DomainError::new(
                Code::Conflict,
                "this refund id was already used for a different amount",
            ))
        };
    }
    if !state.status.is_paid() {
        return Err(DomainError::transition("only a paid order can be refunded"));
    }
    if state.status == OrderStatus::Refunded {
        return Err(DomainError::transition(
            "the order was already fully refunded",
        ));
    }
    if state.dispute.as_ref().is_some_and(|d| d.outcome.is_none()) {
        return Err(DomainError::transition(
            "a disputed payment cannot be refunded while the dispute is open",
        ));
    }
    check_amount(state, amount, "the refund")?;
    let refundable = state.refundable();
    if refundable.is_zero() {
        return Err(DomainError::transition("nothing is left to refund"));
    }
    if amount.minor > refundable.minor {
        return Err(DomainError::validation(format!(
            "at most {refundable} can still be refunded"
        )));
    }
    let total_refunded = state.total_refunded.checked_add(amount)?;
    Ok(vec![OrderEvent::Refunded {
        refund_id,
        amount,
        total_refunded,
        full: amount == refundable,
        reason,
        provider_event_id,
        at,
    }])
}

fn open_dispute(
    state: &OrderState,
    dispute_id: String,
    amount: Money,
    provider_event_id: Option<String>,
    at: DateTime<Utc>,
) -> Result<Vec<OrderEvent>, DomainError> {
    if !state.status.is_paid() {
        return Err(DomainError::transition("only a paid order can be disputed"));
    }
    if let Some(existing) = &state.dispute {
        return if existing.dispute_id == dispute_id {
            Ok(vec![])
        } else {
            Err(DomainError::transition("the payment was already disputed"))
        };
    }
    check_amount(state, amount, "the disputed amount")?;
    let disputable = state.amount.checked_sub(state.total_refunded)?;
    if amount.minor > disputable.minor {
        return Err(DomainError::validation(format!(
            "at most {disputable} can be disputed"
        )));
    }
    Ok(vec![OrderEvent::DisputeOpened {
        dispute_id,
        amount,
        provider_event_id,
        at,
    }])
}

fn close_dispute(
    state: &OrderState,
    dispute_id: &str,
    outcome: DisputeOutcome,
    provider_event_id: Option<String>,
    at: DateTime<Utc>,
) -> Result<Vec<OrderEvent>, DomainError> {
    let Some(dispute) = state
        .dispute
        .as_ref()
        .filter(|d| d.dispute_id == dispute_id)
    else {
        return Err(DomainError::transition("the order has no such dispute"));
    };
    match dispute.outcome {
        None => Ok(vec![OrderEvent::DisputeClosed {
            dispute_id: dispute.dispute_id.clone(),
            outcome,
            amount: dispute.amount,
            provider_event_id,
            at,
        }]),
        Some(closed) if closed == outcome => Ok(vec![]),
        Some(_) => Err(DomainError::transition(
            "the dispute was already closed with another outcome",
        )),
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Order {
    const NOUN: &'static str = "order";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|o| o.space_id)
    }
    fn owner(&self) -> Option<crate::ids::MemberId> {
        self.state.as_ref().map(|o| o.member_id)
    }
}

#[cfg(test)]
mod tests;
