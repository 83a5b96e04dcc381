//! Stripe's invoice and subscription events mapped onto the Subscription named by
//! `metadata.lyceum_subscription_id`, for subscriptions Stripe collects for: their stored
//! payment method starts with `stripe:` (see `lyceum_domain::payment::method`). Lyceum's own
//! scheduler charges every other subscription, so an invoice for one of those is ignored rather
//! than counted twice; the scheduler in turn never charges a Stripe-collected one.
//!
//! - `invoice.paid`: a payment of `amount_paid` (its id is the invoice's payment intent, else
//!   its charge, else the invoice itself) settles what the state calls for
//!   ([`Subscription::settle_collected`]): `ConfirmFirstPayment` when incomplete, otherwise
//!   `EndTrial`, `Renew` or `RetryPayment`, whichever is due.
//! - `invoice.payment_failed`: the same with a failed charge of `amount_due`, so a renewal goes
//!   past due and a failed retry counts toward the dunning schedule.
//! - `customer.subscription.deleted`: `Cancel`, at once.
//!
//! An invoice for another amount than the one due is acknowledged as `ignored` and logged.
//!
//! Timing. Lyceum keeps its own periods, counted from one anchor (the first payment or the
//! trial end as Lyceum recorded them), and a boundary is settled only once it is due. Stripe
//! charges a renewal about an hour after its own period ends, which is normally after Lyceum's
//! boundary, but the two calendars can drift (a first payment recorded late, a Stripe
//! subscription anchored elsewhere). An invoice that comes before its boundary (or, when past
//! due, before Lyceum's next retry) is neither applied early nor dropped: when that time is at
//! most [`REDELIVERY_WINDOW`] away, the answer is 409 `invalid_transition` with `Retry-After`,
//! and Stripe, which redelivers anything but a 2xx for up to three days, brings it again once it
//! is due. An invoice further ahead than that cannot be helped by redelivery, so it is
//! acknowledged as `ignored` with the due time, and logged. Stripe's own period dates are not
//! used: taking them would move one period off the anchor every other cycle is counted from.

use super::{decide, foreign, ignored, record};
use crate::dto::stripe::StripeAck;
use crate::error::ApiError;
use crate::plan::Planned;
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::{DateTime, TimeDelta, Utc};
use lyceum_domain::Code;
use lyceum_domain::membership::subscription::{
    ChargeResult, NotSettled, Payment, Subscription, SubscriptionCommand,
};
use lyceum_domain::payment::method::{Collector, collector_of};
use lyceum_domain::payment::stripe::event::StripeInvoice;
use lyceum_domain::payment::stripe::{StripeEvent, StripeEventKind};
use lyceum_store::command::load;

/// How far ahead of its due time an invoice is answered 409, for Stripe to redeliver: a day
/// less than the three days Stripe keeps redelivering, so a later delivery lands in time.
pub const REDELIVERY_WINDOW: TimeDelta = TimeDelta::days(2);

/// Plans an invoice or subscription event: the subscription's events, an acknowledgement that
/// ignores it, or a 409 for an invoice that comes shortly before it is due.
pub(super) async fn plan(
    state: &AppState,
    space: &SpaceRef,
    event: &StripeEvent,
) -> Result<Planned<StripeAck>, ApiError> {
    let refs = match &event.kind {
        StripeEventKind::InvoicePaid(invoice) | StripeEventKind::InvoicePaymentFailed(invoice) => {
            &invoice.refs
        }
        StripeEventKind::SubscriptionDeleted(subscription) => &subscription.refs,
        _ => return Ok(ignored(event, "not a subscription event")),
    };
    if let Some(reason) = foreign(refs, space) {
        return Ok(ignored(event, reason));
    }
    let Some(id) = refs.subscription_id else {
        return Ok(ignored(event, "the event names no lyceum_subscription_id"));
    };
    let loaded = load::<Subscription>(&state.db, id).await?;
    if loaded.state.state.as_ref().map(|s| s.space_id) != Some(space.id) {
        return Ok(ignored(event, "the subscription is not in this space"));
    }
    let method = lyceum_store::billing::payment_method(&state.db, id).await?;
    if collector_of(method.as_deref().unwrap_or_default()) != Collector::Stripe {
        return Ok(ignored(
            event,
            "the subscription is billed by Lyceum, not Stripe: its payment method is not stripe:…",
        ));
    }
    let now = state.clock.now();
    let settled = match &event.kind {
        StripeEventKind::InvoicePaid(invoice) => {
            let payment = Payment {
                amount: invoice.amount_paid,
                provider_payment_id: payment_id(invoice),
            };
            let charge = ChargeResult::Succeeded(payment);
            loaded
                .state
                .settle_collected(invoice.amount_paid, charge, now)
        }
        StripeEventKind::InvoicePaymentFailed(invoice) => {
            let reason = format!(
                "stripe invoice {} attempt {} failed",
                invoice.invoice_id, invoice.attempt_count
            );
            let charge = ChargeResult::Failed { reason };
            loaded
                .state
                .settle_collected(invoice.amount_due, charge, now)
        }
        _ => Ok(SubscriptionCommand::Cancel { now }),
    };
    let command = match settled {
        Ok(command) => command,
        Err(NotSettled::NotYetDue(due)) => return not_yet_due(event, due, now),
        Err(wrong @ NotSettled::WrongAmount { .. }) => {
            tracing::warn!(event = %event.id, subscription = %id, %wrong,
                "a stripe invoice is not for the amount due");
            return Ok(ignored(event, wrong.to_string()));
        }
        Err(other) => return Ok(ignored(event, other.to_string())),
    };
    let events = match decide(event, "subscription", &loaded.state, command) {
        Ok(events) => events,
        Err(reason) => return Ok(ignored(event, reason)),
    };
    record::<Subscription>(
        space,
        event,
        (id, loaded.version),
        &events,
        vec![],
        StripeAck::applied_to_subscription(id, events.len()),
    )
}

/// What Stripe calls the payment of an invoice, on old and new API versions alike.
fn payment_id(invoice: &StripeInvoice) -> String {
    invoice
        .payment_intent_id
        .clone()
        .or_else(|| invoice.charge_id.clone())
        .unwrap_or_else(|| invoice.invoice_id.clone())
}

/// The answer to an invoice whose boundary falls due at `due`, after `now`.
fn not_yet_due(
    event: &StripeEvent,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Planned<StripeAck>, ApiError> {
    let early = due - now;
    if early > REDELIVERY_WINDOW {
        tracing::warn!(event = %event.id, due = %due.to_rfc3339(),
            "a stripe invoice came too long before its boundary to wait for a redelivery");
        return Ok(ignored(
            event,
            format!(
                "the charge is not due before {}, more than {} hours from now: Stripe's \
                 billing periods do not line up with Lyceum's",
                due.to_rfc3339(),
                REDELIVERY_WINDOW.num_hours()
            ),
        ));
    }
    tracing::info!(event = %event.id, due = %due.to_rfc3339(),
        "a stripe invoice came before its boundary; Stripe will redeliver it");
    let seconds = u32::try_from(early.num_seconds().max(1)).unwrap_or(u32::MAX);
    Err(ApiError::new(
        Code::InvalidTransition,
        format!(
            "the charge is not due before {}; deliver the event again then",
            due.to_rfc3339()
        ),
    )
    .with_retry_after(seconds))
}
