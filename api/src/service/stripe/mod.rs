//! The Stripe-compatible inbound webhook: signing secrets per space, and turning a verified
//! Stripe event into a command. The pure parts (signature, parsing, which command a collected
//! charge becomes) live in the domain crate; this module looks up what they need, decides, and
//! plans the append with the handled event id in the same transaction, so a redelivery of an
//! event id already handled writes nothing.
//!
//! What is mapped:
//! - Orders, named by `metadata.lyceum_order_id` ([`orders`]): `charge.refunded` becomes
//!   `Refund` for the part of Stripe's cumulative `amount_refunded` not yet recorded (a full
//!   refund also frees the item to be bought again); `charge.dispute.created` becomes
//!   `OpenDispute`; `charge.dispute.closed` becomes `CloseDispute` (won or lost).
//! - Subscriptions Stripe collects for, named by `metadata.lyceum_subscription_id`
//!   ([`subscriptions`]): `invoice.paid` and `invoice.payment_failed` become the command the
//!   subscription's state calls for (`ConfirmFirstPayment`, `EndTrial`, `Renew` or
//!   `RetryPayment`); `customer.subscription.deleted` becomes `Cancel`.
//!
//! Stripe retries anything but a 2xx, so only a request that is wrong (bad signature, stale
//! timestamp, malformed body, an event type it should not send) is refused; an authentic event
//! Lyceum cannot use (no order or subscription, another space's, a refusal by the aggregate, an
//! amount that is not the one due) answers 200 with `ignored`, is logged, and writes nothing.
//! The one exception is an invoice that comes shortly before its boundary is due: it answers
//! 409 so that Stripe delivers it again (see [`subscriptions`]).

mod orders;
mod subscriptions;

use crate::auth::Auth;
use crate::dto::stripe::{StripeAck, StripeSecrets};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::request_id;
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::payment::stripe::event::LyceumRefs;
use lyceum_domain::payment::stripe::{
    DEFAULT_TOLERANCE_SECS, ParseError, SECRET_LEN, SECRET_PREFIX, SignatureError, StripeEvent,
    StripeEventKind, parse_event, verify_signature,
};
use lyceum_domain::space::Space;
use lyceum_domain::{Aggregate, DomainError};
use lyceum_store::command::append_for;
use lyceum_store::stripe::MAX_SECRETS;
use lyceum_store::{Metadata, SideWrite};
use std::sync::Arc;
use uuid::Uuid;

/// The actor recorded on events a Stripe webhook caused.
const ACTOR: &str = "stripe";

/// Plans `POST /v1/spaces/{space}/integrations/stripe/secrets`: adds a signing secret, keeping
/// the newest [`MAX_SECRETS`]. Not an event: secrets never enter the log.
pub async fn add_secret(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    secret: &str,
) -> Result<Planned<StripeSecrets>, ApiError> {
    let secret = secret.trim();
    let valid = secret.starts_with(SECRET_PREFIX)
        && SECRET_LEN.contains(&secret.len())
        && secret.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(DomainError::validation(format!(
            "secret must be a Stripe signing secret: {SECRET_PREFIX} followed by {} to {} visible characters",
            SECRET_LEN.start() - SECRET_PREFIX.len(),
            SECRET_LEN.end() - SECRET_PREFIX.len()
        ))
        .into());
    }
    let live = lyceum_store::stripe::secrets(&state.db, space.id.0).await?;
    if live.iter().any(|s| s == secret) {
        let output = StripeSecrets {
            active_secrets: live.len() as i64,
        };
        return Ok(Planned {
            outcome: Outcome::Changed,
            output,
            append: None,
            position: None,
            replay_body: None,
        });
    }
    let row = lyceum_store::stripe::add_secret(space.id.0, secret);
    // A side-write-only append on the space: it appends no event, so it needs no version.
    let append = append_for::<Space>(
        space.id.0,
        0,
        &[],
        metadata(auth, Some(space.id)),
        vec![Arc::new(row)],
    )?;
    let output = StripeSecrets {
        active_secrets: (live.len() as i64 + 1).min(MAX_SECRETS),
    };
    Ok(Planned::maybe(Outcome::Created, output, append, None))
}

/// Checks the signature and parses the event. Every refusal is logged here with its cause.
pub async fn verify(
    state: &AppState,
    space: &SpaceRef,
    header: Option<&str>,
    body: &[u8],
) -> Result<StripeEvent, ApiError> {
    let Some(header) = header else {
        tracing::warn!(space = %space.id, "stripe webhook without a Stripe-Signature header");
        return Err(ApiError::unauthorized("send the Stripe-Signature header"));
    };
    let secrets = lyceum_store::stripe::secrets(&state.db, space.id.0).await?;
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let now = chrono::Utc::now().timestamp();
    if let Err(error) = verify_signature(header, body, &secrets, now, DEFAULT_TOLERANCE_SECS) {
        tracing::warn!(space = %space.id, secrets = secrets.len(), %error, "stripe webhook refused");
        let detail = match error {
            SignatureError::Malformed => "the Stripe-Signature header is malformed".to_owned(),
            SignatureError::Mismatch => {
                "no signature matches the payload under this space's secrets".to_owned()
            }
            SignatureError::Stale { tolerance_secs, .. } => {
                format!("the signature timestamp is more than {tolerance_secs} s from now")
            }
        };
        return Err(ApiError::unauthorized(detail));
    }
    parse_event(body).map_err(|error| {
        tracing::warn!(space = %space.id, %error, "stripe webhook body refused");
        match error {
            ParseError::UnknownType(kind) => {
                ApiError::bad_request(format!("unhandled event type {kind}"))
            }
            other => ApiError::bad_request(format!("the event is not valid: {other}")),
        }
    })
}

fn ack(output: StripeAck) -> Planned<StripeAck> {
    Planned {
        outcome: Outcome::Changed,
        output,
        append: None,
        position: None,
        replay_body: None,
    }
}

fn ignored(event: &StripeEvent, reason: impl Into<String>) -> Planned<StripeAck> {
    let reason = reason.into();
    tracing::info!(event = %event.id, %reason, "stripe event ignored");
    ack(StripeAck::ignored(reason))
}

/// Plans what a verified event does: a duplicate or an unusable event plans nothing; a mapped
/// event plans the aggregate's events together with the handled event id.
pub async fn plan(
    state: &AppState,
    space: &SpaceRef,
    event: StripeEvent,
) -> Result<Planned<StripeAck>, ApiError> {
    if lyceum_store::stripe::seen(&state.db, space.id.0, &event.id).await? {
        return Ok(ack(StripeAck::duplicate()));
    }
    match &event.kind {
        StripeEventKind::InvoicePaid(_)
        | StripeEventKind::InvoicePaymentFailed(_)
        | StripeEventKind::SubscriptionDeleted(_) => {
            subscriptions::plan(state, space, &event).await
        }
        StripeEventKind::ChargeRefunded(_)
        | StripeEventKind::DisputeCreated(_)
        | StripeEventKind::DisputeClosed { .. } => orders::plan(state, space, &event).await,
    }
}

/// Why an event naming `refs` is not this space's, if it is not.
fn foreign(refs: &LyceumRefs, space: &SpaceRef) -> Option<&'static str> {
    refs.space_id
        .is_some_and(|id| id != space.id)
        .then_some("the event belongs to another space")
}

/// What `aggregate` decides on `command`, or (logged) why it refused: the reason to ignore the
/// event for.
fn decide<A: Aggregate>(
    event: &StripeEvent,
    noun: &str,
    aggregate: &A,
    command: A::Command,
) -> Result<Vec<A::Event>, String> {
    aggregate.decide(command).map_err(|refusal| {
        tracing::warn!(event = %event.id, code = %refusal.code, detail = %refusal.detail,
            "the {noun} refused a stripe event");
        format!("the {noun} refused it: {}", refusal.detail)
    })
}

/// Plans `events` of the aggregate `id` after `version`, with the handled event id (and any
/// `side_writes`) in the same transaction.
fn record<A: Aggregate>(
    space: &SpaceRef,
    event: &StripeEvent,
    (id, version): (Uuid, i64),
    events: &[A::Event],
    mut side_writes: Vec<Arc<dyn SideWrite>>,
    output: StripeAck,
) -> Result<Planned<StripeAck>, ApiError> {
    let metadata = Metadata {
        space_id: Some(space.id.0),
        actor: ACTOR.to_owned(),
        correlation_id: request_id::correlation(),
        causation_id: None,
        request_id: request_id::current(),
    };
    side_writes.push(Arc::new(lyceum_store::stripe::record_event(
        space.id.0, &event.id,
    )));
    let append = append_for::<A>(id, version, events, metadata, side_writes)?;
    Ok(Planned::maybe(Outcome::Changed, output, append, None))
}
