//! The payment-provider port, as plain data: what we ask a provider to do (charge, refund) and
//! what it answers. Adapters that talk to a real provider over the network live outside the
//! domain and implement [`PaymentProvider`] (or wrap it); the domain only ever sees the answers,
//! which the caller puts into an order command.

use crate::money::Money;
use serde::{Deserialize, Serialize};

/// A request to charge a payment method once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    /// What to charge: positive minor units in the order's currency.
    pub amount: Money,
    /// A provider token for the card or wallet (for the test provider, a `tok_…` test token).
    pub payment_method: String,
    /// Stable across retries of the same charge, so the provider charges at most once.
    pub idempotency_key: String,
    /// Which try this is for the same idempotency key, starting at 1. Lets deterministic
    /// providers (and tests) model "fails now, succeeds on retry" without hidden state.
    pub attempt: u32,
}

/// Why a provider refused a charge for good (retrying the same card will not help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineCode {
    /// The issuer declined without a more specific reason.
    CardDeclined,
    /// The account has too little money.
    InsufficientFunds,
}

impl DeclineCode {
    /// The stable wire name (`card_declined`, `insufficient_funds`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineCode::CardDeclined => "card_declined",
            DeclineCode::InsufficientFunds => "insufficient_funds",
        }
    }

    /// Maps a Stripe `decline_code` (or error `code`) onto ours. Stripe has dozens of decline
    /// codes; everything but insufficient funds is a plain decline for our purposes.
    pub fn from_stripe(code: &str) -> Self {
        match code {
            "insufficient_funds" => DeclineCode::InsufficientFunds,
            _ => DeclineCode::CardDeclined,
        }
    }
}

/// What a provider answered to a [`ChargeRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ChargeOutcome {
    /// The money was taken; `provider_payment_id` identifies the payment at the provider and is
    /// what refunds and disputes refer to.
    Succeeded { provider_payment_id: String },
    /// The charge was refused for good.
    Declined { code: DeclineCode },
    /// A temporary problem (network, issuer unavailable, rate limit): try again later with the
    /// same idempotency key and the next attempt number.
    RequiresRetry,
}

/// A request to give back (part of) a successful payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// The payment to refund, as the provider named it in [`ChargeOutcome::Succeeded`].
    pub provider_payment_id: String,
    /// How much to give back: positive, at most what is still refundable.
    pub amount: Money,
    /// Stable across retries of the same refund.
    pub idempotency_key: String,
}

/// What a provider answered to a [`RefundRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RefundOutcome {
    /// The refund was accepted; `provider_refund_id` identifies it at the provider.
    Succeeded { provider_refund_id: String },
    /// The provider refused the refund (unknown payment, amount too large, …).
    Rejected { reason: String },
}

/// A payment provider, seen from the domain: a synchronous, side-effect-free description of
/// its answers. Network adapters (Stripe) implement it outside this crate, or wrap it in an
/// async port; the built-in [`TestProvider`](super::test_provider::TestProvider) implements it
/// deterministically.
pub trait PaymentProvider {
    /// Charges a payment method once.
    fn charge(&self, request: &ChargeRequest) -> ChargeOutcome;

    /// Refunds (part of) an earlier successful charge.
    fn refund(&self, request: &RefundRequest) -> RefundOutcome;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_decline_codes_map_onto_ours() {
        assert_eq!(
            DeclineCode::from_stripe("insufficient_funds"),
            DeclineCode::InsufficientFunds
        );
        assert_eq!(
            DeclineCode::from_stripe("generic_decline"),
            DeclineCode::CardDeclined
        );
        assert_eq!(
            DeclineCode::InsufficientFunds.as_str(),
            "insufficient_funds"
        );
    }

    #[test]
    fn outcomes_serialize_with_a_stable_tag() {
        let json = serde_json::to_value(ChargeOutcome::Declined {
            code: DeclineCode::CardDeclined,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            json,
            serde_json::json!({"outcome": "declined", "code": "card_declined"})
        );
    }
}
