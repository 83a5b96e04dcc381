//! The Stripe-compatible inbound webhook: signing secrets per space, and turning a verified
//! Stripe event into an Order command. The pure parts (signature, parsing) live in
//! `lyceum_domain::payment::stripe`; this module looks up what they need, decides, and plans
//! the append with the handled event id in the same transaction.
//!
//! What is mapped: `charge.refunded` becomes `Refund` for the part of Stripe's cumulative
//! `amount_refunded` not yet recorded; `charge.dispute.created` becomes `OpenDispute`;
//! `charge.dispute.closed` becomes `CloseDispute` (won or lost). The order is the one named by
//! `metadata.lyceum_order_id`. Invoice and subscription events are acknowledged and ignored:
//! Lyceum's own scheduler bills subscriptions, so Stripe's view of them is not authoritative.
//!
//! Stripe retries anything but a 2xx, so only a request that is wrong (bad signature, stale
//! timestamp, malformed body, an event type it should not send) is refused; an authentic event
//! Lyceum cannot use (no order, another space's order, a refusal by the order) answers 200 with
//! `ignored` and writes nothing.

use crate::auth::Auth;
use crate::error::ApiError;
use crate::request_id;
use crate::rest::stripe::{StripeAck, StripeSecrets};
use crate::space::SpaceRef;
use crate::state::AppState;
use crate::write::{Planned, metadata};
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use lyceum_domain::payment::order::{Order, OrderCommand, OrderState};
use lyceum_domain::payment::refund_id_from_provider;
use lyceum_domain::payment::stripe::{
    DEFAULT_TOLERANCE_SECS, ParseError, SignatureError, StripeEvent, StripeEventKind, parse_event,
    verify_signature,
};
use lyceum_domain::space::Space;
use lyceum_domain::{Aggregate, DomainError};
use lyceum_store::Metadata;
use lyceum_store::command::{append_for, load};
use lyceum_store::stripe::MAX_SECRETS;

/// Why subscription events are acknowledged without effect.
pub const SUBSCRIPTIONS_IGNORED: &str = "subscriptions are billed by Lyceum's own scheduler";

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
    let valid = secret.starts_with("whsec_")
        && (10..=200).contains(&secret.len())
        && secret.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(DomainError::validation(
            "secret must be a Stripe signing secret: whsec_ followed by 4 to 194 visible characters",
        )
        .into());
    }
    let live = lyceum_store::stripe::secrets(&state.db, space.id.0).await?;
    if live.iter().any(|s| s == secret) {
        let output = StripeSecrets {
            active_secrets: live.len() as i64,
        };
        return Ok(Planned {
            status: StatusCode::OK,
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
        vec![row],
    )?;
    let output = StripeSecrets {
        active_secrets: (live.len() as i64 + 1).min(MAX_SECRETS),
    };
    Ok(Planned::maybe(StatusCode::CREATED, output, append, None))
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
        status: StatusCode::OK,
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
/// event plans the order's events together with the handled event id.
pub async fn plan(
    state: &AppState,
    space: &SpaceRef,
    event: StripeEvent,
) -> Result<Planned<StripeAck>, ApiError> {
    if lyceum_store::stripe::seen(&state.db, space.id.0, &event.id).await? {
        return Ok(ack(StripeAck::duplicate()));
    }
    let refs = match &event.kind {
        StripeEventKind::InvoicePaid(_)
        | StripeEventKind::InvoicePaymentFailed(_)
        | StripeEventKind::SubscriptionDeleted(_) => {
            return Ok(ignored(&event, SUBSCRIPTIONS_IGNORED));
        }
        StripeEventKind::ChargeRefunded(charge) => &charge.refs,
        StripeEventKind::DisputeCreated(dispute)
        | StripeEventKind::DisputeClosed { dispute, .. } => &dispute.refs,
    };
    if refs.space_id.is_some_and(|id| id != space.id) {
        return Ok(ignored(&event, "the event belongs to another space"));
    }
    let Some(order_id) = refs.order_id else {
        return Ok(ignored(&event, "the event names no lyceum_order_id"));
    };
    let loaded = load::<Order>(&state.db, order_id.0).await?;
    let Some(current) = loaded
        .state
        .state
        .as_ref()
        .filter(|o| o.space_id == space.id)
    else {
        return Ok(ignored(&event, "the order is not in this space"));
    };
    let command = match command_for(&event, current, state.clock.now()) {
        Ok(command) => command,
        Err(reason) => return Ok(ignored(&event, reason)),
    };
    let events = match loaded.state.decide(command) {
        Ok(events) => events,
        Err(refusal) => {
            tracing::warn!(event = %event.id, order = %order_id.0, code = %refusal.code,
                detail = %refusal.detail, "the order refused a stripe event");
            return Ok(ignored(
                &event,
                format!("the order refused it: {}", refusal.detail),
            ));
        }
    };
    let metadata = Metadata {
        space_id: Some(space.id.0),
        actor: ACTOR.to_owned(),
        correlation_id: request_id::correlation(),
        causation_id: None,
        request_id: request_id::current(),
    };
    let recorded = lyceum_store::stripe::record_event(space.id.0, &event.id);
    let append = append_for::<Order>(
        order_id.0,
        loaded.version,
        &events,
        metadata,
        vec![recorded],
    )?;
    Ok(Planned::maybe(
        StatusCode::OK,
        StripeAck::applied(order_id.0, events.len()),
        append,
        None,
    ))
}

/// The order command a mapped event becomes, or why there is none.
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
        StripeEventKind::InvoicePaid(_)
        | StripeEventKind::InvoicePaymentFailed(_)
        | StripeEventKind::SubscriptionDeleted(_) => Err(SUBSCRIPTIONS_IGNORED),
    }
}
