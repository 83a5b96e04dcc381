//! Charging a subscription through a payment provider: the one translation from the provider's
//! answer to the subscription's [`ChargeResult`], used when a subscription starts and by the
//! scheduler. The idempotency key names the charge (the subscription and the moment it fell
//! due), so asking again after a crash never charges twice.

use crate::membership::subscription::{ChargeResult, Payment};
use crate::money::Money;
use crate::payment::provider::{ChargeOutcome, ChargeRequest, PaymentProvider};

/// Charges `amount` and returns the result for the subscription's command, with the decline
/// reason when there is one.
pub fn charge(
    provider: &dyn PaymentProvider,
    amount: Money,
    payment_method: &str,
    idempotency_key: String,
) -> (ChargeResult, Option<String>) {
    let request = ChargeRequest {
        amount,
        payment_method: payment_method.to_owned(),
        idempotency_key,
        attempt: 1,
    };
    match provider.charge(&request) {
        ChargeOutcome::Succeeded {
            provider_payment_id,
        } => (
            ChargeResult::Succeeded(Payment {
                amount,
                provider_payment_id,
            }),
            None,
        ),
        ChargeOutcome::Declined { code } => (
            ChargeResult::Failed {
                reason: code.as_str().to_owned(),
            },
            Some(code.as_str().to_owned()),
        ),
        ChargeOutcome::RequiresRetry => (
            ChargeResult::Failed {
                reason: "requires_retry".to_owned(),
            },
            Some("requires_retry".to_owned()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::test_provider::TestProvider;
    use crate::values::Currency;

    fn eur(minor: i64) -> Money {
        Money::new(
            minor,
            Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    #[test]
    fn the_same_key_gets_the_same_payment() {
        let (first, error) = charge(&TestProvider, eur(900), "tok_success", "sub:1".into());
        let (again, _) = charge(&TestProvider, eur(900), "tok_success", "sub:1".into());
        assert_eq!(error, None);
        assert_eq!(first, again);
        assert!(
            matches!(first, ChargeResult::Succeeded(Payment { amount, .. }) if amount == eur(900))
        );
    }

    #[test]
    fn declines_carry_their_reason() {
        let (result, error) = charge(
            &TestProvider,
            eur(900),
            "tok_insufficient_funds",
            "k".into(),
        );
        assert_eq!(error.as_deref(), Some("insufficient_funds"));
        assert!(matches!(result, ChargeResult::Failed { .. }));
    }
}
