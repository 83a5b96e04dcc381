//! Parsing Stripe webhook events into typed values. Only the event types Lyceum acts on are
//! understood; any other type is [`ParseError::UnknownType`], which the endpoint should answer
//! with a 2xx (Stripe retries anything else) and ignore.
//!
//! Amounts stay in Stripe's minor units (yen for JPY, cents for EUR) and currencies are
//! upper-cased into [`Currency`]. Lyceum's own ids travel in Stripe `metadata` under
//! `lyceum_space_id`, `lyceum_order_id` and `lyceum_subscription_id`. For invoices the metadata
//! is read from the invoice, then from its subscription details in both the older
//! (`subscription_details`) and newer (`parent.subscription_details`) API shapes.

use crate::ids::{OrderId, SpaceId};
use crate::money::Money;
use crate::payment::order::DisputeOutcome;
use crate::values::Currency;
use serde_json::Value;
use uuid::Uuid;

/// Why a webhook body could not be turned into a [`StripeEvent`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not JSON at all.
    #[error("the body is not valid JSON: {0}")]
    Json(String),
    /// An event type Lyceum does not act on.
    #[error("unhandled event type {0}")]
    UnknownType(String),
    /// A field the event type needs is absent or null.
    #[error("missing field {0}")]
    MissingField(String),
    /// A field is present but unusable.
    #[error("invalid field {field}: {reason}")]
    InvalidField { field: String, reason: String },
}

/// A verified-and-parsed Stripe event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeEvent {
    /// Stripe's event id (`evt_…`): the provider event id that makes commands idempotent.
    pub id: String,
    /// When Stripe created the event, in unix seconds.
    pub created: i64,
    pub livemode: bool,
    pub kind: StripeEventKind,
}

/// The event types Lyceum maps onto commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeEventKind {
    /// `invoice.paid`: a subscription period (or one-off invoice) was paid.
    InvoicePaid(StripeInvoice),
    /// `invoice.payment_failed`: a charge for an invoice failed; Stripe may retry.
    InvoicePaymentFailed(StripeInvoice),
    /// `customer.subscription.deleted`: the Stripe subscription ended.
    SubscriptionDeleted(StripeSubscription),
    /// `charge.refunded`: some or all of a charge was refunded.
    ChargeRefunded(StripeChargeRefund),
    /// `charge.dispute.created`: the cardholder disputed a charge.
    DisputeCreated(StripeDispute),
    /// `charge.dispute.closed`: a dispute ended, won or lost.
    DisputeClosed {
        dispute: StripeDispute,
        outcome: DisputeOutcome,
    },
}

/// Lyceum ids found in an object's metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LyceumRefs {
    pub space_id: Option<SpaceId>,
    pub order_id: Option<OrderId>,
    /// Lyceum's subscription id (a UUID; wrap it in the subscription id type).
    pub subscription_id: Option<Uuid>,
}

/// The parts of a Stripe invoice we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeInvoice {
    pub invoice_id: String,
    pub customer_id: Option<String>,
    /// Stripe's subscription id (`sub_…`), when the invoice belongs to one.
    pub subscription_id: Option<String>,
    /// The payment intent (`pi_…`), on API versions that still put it on the invoice.
    pub payment_intent_id: Option<String>,
    /// The charge (`ch_…`), on API versions that still put it on the invoice.
    pub charge_id: Option<String>,
    pub amount_paid: Money,
    pub amount_due: Money,
    /// How many payment attempts were made so far.
    pub attempt_count: u32,
    /// When Stripe will try again (unix seconds), or `None` when it has given up.
    pub next_payment_attempt: Option<i64>,
    pub refs: LyceumRefs,
}

/// The parts of a Stripe subscription we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeSubscription {
    pub subscription_id: String,
    pub customer_id: Option<String>,
    pub status: String,
    pub canceled_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub refs: LyceumRefs,
}

/// The parts of a refunded Stripe charge we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeChargeRefund {
    pub charge_id: String,
    pub payment_intent_id: Option<String>,
    /// What was charged.
    pub amount: Money,
    /// Everything refunded on this charge so far (cumulative, not this refund alone).
    pub amount_refunded: Money,
    /// Whether the charge is now refunded in full.
    pub fully_refunded: bool,
    /// The newest refund's id, when the payload includes the refunds list.
    pub latest_refund_id: Option<String>,
    pub refs: LyceumRefs,
}

/// The parts of a Stripe dispute we use. Disputes rarely carry metadata: find the order by
/// `charge_id` / `payment_intent_id` when `refs` is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeDispute {
    pub dispute_id: String,
    pub charge_id: String,
    pub payment_intent_id: Option<String>,
    pub amount: Money,
    pub reason: Option<String>,
    pub status: String,
    pub refs: LyceumRefs,
}

/// Parses a Stripe event body. Call it only after the signature has been verified.
pub fn parse_event(body: &[u8]) -> Result<StripeEvent, ParseError> {
    let root: Value = serde_json::from_slice(body).map_err(|e| ParseError::Json(e.to_string()))?;
    let event = Fields::new(&root, "");
    let id = event.string("id")?;
    let kind_name = event.string("type")?;
    let created = event.opt_int("created")?.unwrap_or_default();
    let livemode = root
        .get("livemode")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let object = root
        .get("data")
        .and_then(|data| data.get("object"))
        .filter(|object| object.is_object())
        .ok_or_else(|| ParseError::MissingField("data.object".into()))?;
    let object = Fields::new(object, "data.object.");
    let kind = match kind_name.as_str() {
        "invoice.paid" => StripeEventKind::InvoicePaid(invoice(&object)?),
        "invoice.payment_failed" => StripeEventKind::InvoicePaymentFailed(invoice(&object)?),
        "customer.subscription.deleted" => {
            StripeEventKind::SubscriptionDeleted(subscription(&object)?)
        }
        "charge.refunded" => StripeEventKind::ChargeRefunded(charge_refund(&object)?),
        "charge.dispute.created" => StripeEventKind::DisputeCreated(dispute(&object)?),
        "charge.dispute.closed" => {
            let dispute = dispute(&object)?;
            let outcome = match dispute.status.as_str() {
                "won" => DisputeOutcome::Won,
                // An inquiry that closed without becoming a chargeback: no money moved.
                "warning_closed" => DisputeOutcome::Won,
                "lost" => DisputeOutcome::Lost,
                other => return Err(object.invalid("status", format!("{other:?} is not closed"))),
            };
            StripeEventKind::DisputeClosed { dispute, outcome }
        }
        _ => return Err(ParseError::UnknownType(kind_name)),
    };
    Ok(StripeEvent {
        id,
        created,
        livemode,
        kind,
    })
}

fn invoice(object: &Fields<'_>) -> Result<StripeInvoice, ParseError> {
    let currency = object.currency()?;
    let subscription_details = object.path(&["subscription_details"]);
    let parent_details = object.path(&["parent", "subscription_details"]);
    let subscription_id = object
        .expandable_id("subscription")
        .or_else(|| parent_details.and_then(|d| expandable(d.get("subscription"))));
    let metadata = [
        object.value.get("metadata"),
        subscription_details.and_then(|d| d.get("metadata")),
        parent_details.and_then(|d| d.get("metadata")),
    ];
    let attempt_count = object.opt_int("attempt_count")?.unwrap_or_default();
    Ok(StripeInvoice {
        invoice_id: object.string("id")?,
        customer_id: object.expandable_id("customer"),
        subscription_id,
        payment_intent_id: object.expandable_id("payment_intent"),
        charge_id: object.expandable_id("charge"),
        amount_paid: object.money("amount_paid", currency)?,
        amount_due: object.money("amount_due", currency)?,
        attempt_count: u32::try_from(attempt_count)
            .map_err(|_| object.invalid("attempt_count", "out of range".into()))?,
        next_payment_attempt: object.opt_int("next_payment_attempt")?,
        refs: refs(object, &metadata)?,
    })
}

fn subscription(object: &Fields<'_>) -> Result<StripeSubscription, ParseError> {
    Ok(StripeSubscription {
        subscription_id: object.string("id")?,
        customer_id: object.expandable_id("customer"),
        status: object.string("status")?,
        canceled_at: object.opt_int("canceled_at")?,
        ended_at: object.opt_int("ended_at")?,
        refs: refs(object, &[object.value.get("metadata")])?,
    })
}

fn charge_refund(object: &Fields<'_>) -> Result<StripeChargeRefund, ParseError> {
    let currency = object.currency()?;
    let amount = object.money("amount", currency)?;
    let amount_refunded = object.money("amount_refunded", currency)?;
    let fully_refunded = object
        .value
        .get("refunded")
        .and_then(Value::as_bool)
        .unwrap_or(amount_refunded.minor >= amount.minor);
    // `refunds.data` is newest first, when the API version includes it at all.
    let latest_refund_id = object
        .path(&["refunds", "data"])
        .and_then(|list| list.get(0))
        .and_then(|refund| expandable(Some(refund)));
    Ok(StripeChargeRefund {
        charge_id: object.string("id")?,
        payment_intent_id: object.expandable_id("payment_intent"),
        amount,
        amount_refunded,
        fully_refunded,
        latest_refund_id,
        refs: refs(object, &[object.value.get("metadata")])?,
    })
}

fn dispute(object: &Fields<'_>) -> Result<StripeDispute, ParseError> {
    let currency = object.currency()?;
    Ok(StripeDispute {
        dispute_id: object.string("id")?,
        charge_id: object
            .expandable_id("charge")
            .ok_or_else(|| object.missing("charge"))?,
        payment_intent_id: object.expandable_id("payment_intent"),
        amount: object.money("amount", currency)?,
        reason: object.opt_string("reason"),
        status: object.string("status")?,
        refs: refs(object, &[object.value.get("metadata")])?,
    })
}

/// Reads Lyceum's ids from the first metadata map that has each key.
fn refs(object: &Fields<'_>, maps: &[Option<&Value>]) -> Result<LyceumRefs, ParseError> {
    let lookup = |key: &str| -> Result<Option<Uuid>, ParseError> {
        let Some(raw) = maps
            .iter()
            .flatten()
            .find_map(|m| m.get(key).and_then(Value::as_str))
        else {
            return Ok(None);
        };
        Uuid::parse_str(raw)
            .map(Some)
            .map_err(|e| object.invalid(&format!("metadata.{key}"), e.to_string()))
    };
    Ok(LyceumRefs {
        space_id: lookup("lyceum_space_id")?.map(SpaceId),
        order_id: lookup("lyceum_order_id")?.map(OrderId),
        subscription_id: lookup("lyceum_subscription_id")?,
    })
}

/// The id of an expandable field: either the id string or an expanded object with an `id`.
fn expandable(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(id) => Some(id.clone()),
        Value::Object(object) => object.get("id")?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Typed access to one JSON object's fields, naming the full path in errors.
struct Fields<'a> {
    value: &'a Value,
    prefix: &'static str,
}

impl<'a> Fields<'a> {
    fn new(value: &'a Value, prefix: &'static str) -> Self {
        Self { value, prefix }
    }

    fn missing(&self, field: &str) -> ParseError {
        ParseError::MissingField(format!("{}{field}", self.prefix))
    }

    fn invalid(&self, field: &str, reason: String) -> ParseError {
        ParseError::InvalidField {
            field: format!("{}{field}", self.prefix),
            reason,
        }
    }

    fn path(&self, keys: &[&str]) -> Option<&'a Value> {
        keys.iter()
            .try_fold(self.value, |value, key| value.get(key))
            .filter(|value| !value.is_null())
    }

    fn present(&self, field: &str) -> Option<&'a Value> {
        self.value.get(field).filter(|value| !value.is_null())
    }

    fn string(&self, field: &str) -> Result<String, ParseError> {
        let value = self.present(field).ok_or_else(|| self.missing(field))?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.invalid(field, "expected a string".into()))
    }

    fn opt_string(&self, field: &str) -> Option<String> {
        self.present(field)?.as_str().map(str::to_owned)
    }

    fn opt_int(&self, field: &str) -> Result<Option<i64>, ParseError> {
        self.present(field)
            .map(|value| {
                value
                    .as_i64()
                    .ok_or_else(|| self.invalid(field, "expected an integer".into()))
            })
            .transpose()
    }

    fn expandable_id(&self, field: &str) -> Option<String> {
        expandable(self.present(field))
    }

    /// The object's `currency`, upper-cased.
    fn currency(&self) -> Result<Currency, ParseError> {
        let raw = self.string("currency")?;
        Currency::parse(&raw.to_ascii_uppercase()).map_err(|e| self.invalid("currency", e.detail))
    }

    /// A non-negative amount in minor units.
    fn money(&self, field: &str, currency: Currency) -> Result<Money, ParseError> {
        let minor = self.opt_int(field)?.ok_or_else(|| self.missing(field))?;
        if minor < 0 {
            return Err(self.invalid(field, "amounts are never negative".into()));
        }
        Ok(Money::new(minor, currency))
    }
}

#[cfg(test)]
mod tests;
