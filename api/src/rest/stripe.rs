//! The Stripe-compatible inbound webhook: a creator stores the endpoint's signing secrets, and
//! Stripe posts signed events that refund or dispute orders and settle the payments of the
//! subscriptions it collects for (see [`crate::service::stripe`]).

use super::call::Call;
use crate::consistency::POSITION_HEADER;
use crate::dto::stripe::{AddStripeSecret, StripeAck, StripeEventBody, StripeSecrets};
use crate::error::ApiError;
use crate::service;
use crate::space::{Intent, resolve_public};
use crate::state::AppState;
use actix_web::web::{Data, Json, Path, Payload};
use actix_web::{HttpRequest, HttpResponse, post};

/// The header Stripe signs its deliveries with.
const SIGNATURE_HEADER: &str = "Stripe-Signature";

/// Add a Stripe signing secret
///
/// Stores a webhook signing secret (`whsec_…`) for the space's Stripe endpoint. The newest 3
/// secrets are kept and a delivery signed with any of them is accepted, so a secret can be
/// rotated without losing events: add the new one, then roll it in Stripe. Adding a secret that
/// is already stored changes nothing (200). Secrets are kept beside the event log, never in it,
/// and are never returned. Creator or admin keys.
#[utoipa::path(
    tag = "stripe",
    request_body = AddStripeSecret,
    responses(
        (status = 201, description = "The secret is live.", body = StripeSecrets),
        (status = 200, description = "The secret was already stored: nothing changed.", body = StripeSecrets),
    ),
)]
#[post("/v1/spaces/{space}/integrations/stripe/secrets")]
#[tracing::instrument(skip_all)]
pub async fn add_stripe_secret(
    call: Call,
    path: Path<String>,
    body: Json<AddStripeSecret>,
) -> Result<HttpResponse, ApiError> {
    let space = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        service::stripe::add_secret(state, auth, space, &body.secret).await
    })
    .await
}

/// Receive a Stripe event
///
/// Stripe's webhook endpoint for the space. Needs no API key: the `Stripe-Signature` header
/// (`t=…,v1=…`, HMAC-SHA256 over the raw body) must match one of the space's signing secrets
/// and be at most 300 s old.
///
/// Orders, named by `metadata.lyceum_order_id`: `charge.refunded` refunds the part of
/// `amount_refunded` not yet recorded (a full refund takes a bought item back);
/// `charge.dispute.created` opens a dispute; `charge.dispute.closed` closes it, won or lost.
///
/// Subscriptions, named by `metadata.lyceum_subscription_id` (on the invoice or its
/// subscription details), when their payment method is a Stripe one (`stripe:…`; Lyceum's
/// scheduler then never charges them): `invoice.paid` records the payment the subscription is
/// waiting for (its first payment, the trial end, the renewal or the retry that is due);
/// `invoice.payment_failed` records that charge as failed (past due, then the dunning
/// schedule); `customer.subscription.deleted` cancels the subscription at once.
///
/// Answers 200 with `duplicate: true` for an event id already handled; 200 with `ignored` for
/// an authentic event Lyceum cannot use (no order or subscription, another space's, a
/// subscription Lyceum bills itself, an amount other than the one due, a change the aggregate
/// refuses); and 200 with `Lyceum-Position` when the order or subscription changed. Errors,
/// which write nothing: 401 `unauthorized` for a missing or wrong signature or a stale
/// timestamp; 400 `bad_request` for a body that is not JSON, lacks a field the type needs, or
/// has a type not listed above; 404 `not_found` for an unknown space; 409 `invalid_transition`
/// with `Retry-After` for an invoice that comes up to 48 hours before the boundary (or retry)
/// it pays for is due, so that Stripe delivers it again then; 409 `conflict` when the same
/// event, or another change to the same aggregate, is being handled concurrently (Stripe
/// retries).
#[utoipa::path(
    tag = "stripe",
    params(("Stripe-Signature" = String, Header, description = "`t=<unix seconds>,v1=<hex>`; several `v1` while a secret rotates")),
    request_body = StripeEventBody,
    responses((status = 200, description = "Handled, duplicate or ignored.", body = StripeAck,
        headers(("Lyceum-Position" = i64, description = "Global position of the write, when the event changed an order or a subscription"))))
)]
#[post("/v1/webhooks/stripe/{space}")]
#[tracing::instrument(skip_all, fields(space = %path))]
pub async fn receive_stripe_event(
    state: Data<AppState>,
    req: HttpRequest,
    path: Path<String>,
    payload: Payload,
) -> Result<HttpResponse, ApiError> {
    // The signature covers the exact bytes, so the body is read raw (under the one limit).
    let body = crate::body::read(req.headers(), payload).await?;
    let space = resolve_public(&state, &path).await?;
    let header = req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    let event = service::stripe::verify(&state, &space, header, &body).await?;
    let planned = service::stripe::plan(&state, &space, event).await?;
    let wrote = planned.append.is_some();
    let (output, position) = crate::plan::commit(&state, planned).await?;
    let mut response = HttpResponse::Ok();
    if let Some(position) = position.filter(|_| wrote) {
        response.insert_header((POSITION_HEADER, position.to_string()));
    }
    Ok(response.json(output))
}
