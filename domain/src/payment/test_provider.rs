//! The built-in `test` payment provider, the default in embedded mode. It never touches a
//! network and holds no state: every answer is a pure function of the request, so demos, tests
//! and replays behave the same every time.
//!
//! Payment methods are test tokens:
//!
//! | token                    | charge outcome                                              |
//! |--------------------------|-------------------------------------------------------------|
//! | `tok_success`            | `Succeeded`, payment id `tp_<24 hex>`                       |
//! | `tok_declined`           | `Declined { code: CardDeclined }`                           |
//! | `tok_insufficient_funds` | `Declined { code: InsufficientFunds }`                      |
//! | `tok_retry`              | `RequiresRetry` on attempt 1 (or 0), `Succeeded` from attempt 2 on |
//! | `tok_dispute_later`      | `Succeeded`, payment id `tpd_<24 hex>`: [`TestProvider::dispute_for`] simulates a dispute on it |
//! | anything else            | `Declined { code: CardDeclined }`                           |
//!
//! Ids are derived from the request, never random: a payment id is its prefix followed by the
//! first 24 hex digits of SHA-256 of the idempotency key, so retrying a charge with the same key
//! yields the same payment id. Refund ids are `tr_<24 hex>` of the refund's idempotency key, and
//! a simulated dispute is `dp_<24 hex>` of the payment id.
//!
//! Refunds succeed for any positive amount on a payment id this provider issued (`tp_…` or
//! `tpd_…`) and are rejected otherwise. The provider does not remember payments, so it cannot
//! check amounts against them: the [`Order`](super::order::Order) aggregate does that.

use super::hex_sha256_prefix;
use super::provider::{
    ChargeOutcome, ChargeRequest, DeclineCode, PaymentProvider, RefundOutcome, RefundRequest,
};

/// A card that is always charged successfully.
pub const TOK_SUCCESS: &str = "tok_success";
/// A card that is always declined (`card_declined`).
pub const TOK_DECLINED: &str = "tok_declined";
/// A card that is always declined for insufficient funds.
pub const TOK_INSUFFICIENT_FUNDS: &str = "tok_insufficient_funds";
/// A card that needs a retry on the first attempt and succeeds on later ones.
pub const TOK_RETRY: &str = "tok_retry";
/// A card that is charged successfully and disputed later (see [`TestProvider::dispute_for`]).
pub const TOK_DISPUTE_LATER: &str = "tok_dispute_later";

/// Every documented test token, for docs and UIs that offer them.
pub const TEST_TOKENS: [&str; 5] = [
    TOK_SUCCESS,
    TOK_DECLINED,
    TOK_INSUFFICIENT_FUNDS,
    TOK_RETRY,
    TOK_DISPUTE_LATER,
];

/// The prefix of ordinary test payment ids.
const PAYMENT_PREFIX: &str = "tp_";
/// The prefix of payment ids that will be disputed.
const DISPUTED_PAYMENT_PREFIX: &str = "tpd_";
/// How many hex digits of the hash follow a prefix.
const ID_HEX_DIGITS: usize = 24;

/// The deterministic test provider. Stateless, so it is `Copy` and can be shared freely.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TestProvider;

/// A dispute the test provider raises against a `tok_dispute_later` payment. Its event ids are
/// fixed, so feeding the same simulated dispute twice is recognised as a duplicate by the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedDispute {
    /// The dispute's id at the provider (`dp_…`).
    pub dispute_id: String,
    /// The disputed payment.
    pub provider_payment_id: String,
    /// The provider event id to put on the `OpenDispute` command.
    pub opened_event_id: String,
    /// The provider event id to put on the `CloseDispute` command.
    pub closed_event_id: String,
}

impl TestProvider {
    /// The payment id a successful charge with this idempotency key gets.
    pub fn payment_id(idempotency_key: &str) -> String {
        format!(
            "{PAYMENT_PREFIX}{}",
            hex_sha256_prefix(idempotency_key, ID_HEX_DIGITS)
        )
    }

    /// The payment id a successful `tok_dispute_later` charge with this key gets.
    fn disputed_payment_id(idempotency_key: &str) -> String {
        format!(
            "{DISPUTED_PAYMENT_PREFIX}{}",
            hex_sha256_prefix(idempotency_key, ID_HEX_DIGITS)
        )
    }

    /// The dispute a `tok_dispute_later` payment runs into, or `None` for any other payment.
    pub fn dispute_for(&self, provider_payment_id: &str) -> Option<SimulatedDispute> {
        if !is_issued_id(provider_payment_id, DISPUTED_PAYMENT_PREFIX) {
            return None;
        }
        let hash = hex_sha256_prefix(provider_payment_id, ID_HEX_DIGITS);
        Some(SimulatedDispute {
            dispute_id: format!("dp_{hash}"),
            provider_payment_id: provider_payment_id.to_owned(),
            opened_event_id: format!("evt_tp_dispute_created_{hash}"),
            closed_event_id: format!("evt_tp_dispute_closed_{hash}"),
        })
    }
}

/// Whether `id` is `prefix` followed by exactly [`ID_HEX_DIGITS`] lower-case hex digits.
fn is_issued_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == ID_HEX_DIGITS
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl PaymentProvider for TestProvider {
    fn charge(&self, request: &ChargeRequest) -> ChargeOutcome {
        let succeeded = |id: String| ChargeOutcome::Succeeded {
            provider_payment_id: id,
        };
        match request.payment_method.as_str() {
            TOK_SUCCESS => succeeded(Self::payment_id(&request.idempotency_key)),
            TOK_INSUFFICIENT_FUNDS => ChargeOutcome::Declined {
                code: DeclineCode::InsufficientFunds,
            },
            TOK_RETRY if request.attempt <= 1 => ChargeOutcome::RequiresRetry,
            TOK_RETRY => succeeded(Self::payment_id(&request.idempotency_key)),
            TOK_DISPUTE_LATER => succeeded(Self::disputed_payment_id(&request.idempotency_key)),
            // `tok_declined` and every unknown token.
            _ => ChargeOutcome::Declined {
                code: DeclineCode::CardDeclined,
            },
        }
    }

    fn refund(&self, request: &RefundRequest) -> RefundOutcome {
        let id = request.provider_payment_id.as_str();
        if !is_issued_id(id, PAYMENT_PREFIX) && !is_issued_id(id, DISPUTED_PAYMENT_PREFIX) {
            return RefundOutcome::Rejected {
                reason: "no such payment at the test provider".into(),
            };
        }
        if request.amount.minor <= 0 {
            return RefundOutcome::Rejected {
                reason: "refund amounts must be positive".into(),
            };
        }
        RefundOutcome::Succeeded {
            provider_refund_id: format!(
                "tr_{}",
                hex_sha256_prefix(&request.idempotency_key, ID_HEX_DIGITS)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use crate::values::Currency;

    fn request(token: &str, key: &str, attempt: u32) -> ChargeRequest {
        ChargeRequest {
            amount: Money::new(
                980,
                Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}")),
            ),
            payment_method: token.into(),
            idempotency_key: key.into(),
            attempt,
        }
    }

    fn payment_id_of(outcome: ChargeOutcome) -> String {
        match outcome {
            ChargeOutcome::Succeeded {
                provider_payment_id,
            } => provider_payment_id,
            other => panic!("expected success, got {other:?}"),
        }
    }

    #[test]
    fn tok_success_succeeds_with_a_deterministic_id() {
        let first = payment_id_of(TestProvider.charge(&request(TOK_SUCCESS, "order-1", 1)));
        let again = payment_id_of(TestProvider.charge(&request(TOK_SUCCESS, "order-1", 1)));
        let other = payment_id_of(TestProvider.charge(&request(TOK_SUCCESS, "order-2", 1)));
        assert_eq!(first, again);
        assert_ne!(first, other);
        // tp_ + the first 24 hex digits of sha256("order-1").
        assert_eq!(first, "tp_0bafe22156d2698c143b8604");
        assert_eq!(first, TestProvider::payment_id("order-1"));
    }

    #[test]
    fn tok_declined_is_a_card_decline() {
        assert_eq!(
            TestProvider.charge(&request(TOK_DECLINED, "k", 1)),
            ChargeOutcome::Declined {
                code: DeclineCode::CardDeclined
            }
        );
    }

    #[test]
    fn tok_insufficient_funds_is_declined_for_funds() {
        assert_eq!(
            TestProvider.charge(&request(TOK_INSUFFICIENT_FUNDS, "k", 1)),
            ChargeOutcome::Declined {
                code: DeclineCode::InsufficientFunds
            }
        );
    }

    #[test]
    fn tok_retry_needs_one_retry_then_succeeds() {
        assert_eq!(
            TestProvider.charge(&request(TOK_RETRY, "k", 0)),
            ChargeOutcome::RequiresRetry
        );
        assert_eq!(
            TestProvider.charge(&request(TOK_RETRY, "k", 1)),
            ChargeOutcome::RequiresRetry
        );
        let second = payment_id_of(TestProvider.charge(&request(TOK_RETRY, "k", 2)));
        let third = payment_id_of(TestProvider.charge(&request(TOK_RETRY, "k", 3)));
        assert_eq!(second, TestProvider::payment_id("k"));
        assert_eq!(second, third, "retries of one key charge one payment");
    }

    #[test]
    fn tok_dispute_later_succeeds_and_is_disputed() {
        let id = payment_id_of(TestProvider.charge(&request(TOK_DISPUTE_LATER, "k", 1)));
        assert!(id.starts_with("tpd_"), "{id}");
        let dispute = TestProvider
            .dispute_for(&id)
            .unwrap_or_else(|| panic!("a tok_dispute_later payment is disputed"));
        assert!(dispute.dispute_id.starts_with("dp_"));
        assert_eq!(dispute.provider_payment_id, id);
        assert_ne!(dispute.opened_event_id, dispute.closed_event_id);
        assert_eq!(TestProvider.dispute_for(&id), Some(dispute));
    }

    #[test]
    fn ordinary_payments_are_never_disputed() {
        let id = payment_id_of(TestProvider.charge(&request(TOK_SUCCESS, "k", 1)));
        assert_eq!(TestProvider.dispute_for(&id), None);
        assert_eq!(TestProvider.dispute_for("tpd_not-hex"), None);
        assert_eq!(TestProvider.dispute_for("ch_3Mabc"), None);
    }

    #[test]
    fn unknown_tokens_are_declined() {
        assert_eq!(
            TestProvider.charge(&request("tok_visa", "k", 1)),
            ChargeOutcome::Declined {
                code: DeclineCode::CardDeclined
            }
        );
    }

    #[test]
    fn every_documented_token_has_a_defined_outcome() {
        for token in TEST_TOKENS {
            let outcome = TestProvider.charge(&request(token, "k", 2));
            assert_eq!(
                outcome,
                TestProvider.charge(&request(token, "k", 2)),
                "{token}"
            );
        }
    }

    #[test]
    fn refunds_succeed_only_for_issued_payments() {
        let refund = |payment: &str, minor: i64| {
            TestProvider.refund(&RefundRequest {
                provider_payment_id: payment.into(),
                amount: Money::new(
                    minor,
                    Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}")),
                ),
                idempotency_key: "refund-1".into(),
            })
        };
        let paid = TestProvider::payment_id("order-1");
        let first = refund(&paid, 500);
        assert!(
            matches!(&first, RefundOutcome::Succeeded { provider_refund_id } if provider_refund_id.starts_with("tr_"))
        );
        assert_eq!(first, refund(&paid, 500));
        assert!(matches!(
            refund("ch_unknown", 500),
            RefundOutcome::Rejected { .. }
        ));
        assert!(matches!(refund(&paid, 0), RefundOutcome::Rejected { .. }));
    }
}
