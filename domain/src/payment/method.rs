//! A stored payment method and who collects with it. Most methods are tokens Lyceum charges
//! itself through its payment provider; a method that starts with [`STRIPE_PREFIX`]
//! (`stripe:cus_…`, `stripe:sub_…`) names a subscription that Stripe bills on its own schedule,
//! so Lyceum never charges it and learns of each payment from Stripe's invoice webhooks.

use crate::error::DomainError;
use std::fmt;

/// The prefix of a method Stripe collects with. Matched without regard to ASCII case.
pub const STRIPE_PREFIX: &str = "stripe:";

/// The longest method accepted, in bytes.
pub const MAX_LEN: usize = 100;

/// Who takes the money for a payment method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collector {
    /// Lyceum charges the token through its payment provider when a charge is due.
    Lyceum,
    /// Stripe charges on its own schedule and reports each invoice by webhook.
    Stripe,
}

/// A payment method as a client sent it: trimmed, 1 to [`MAX_LEN`] bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethod(String);

impl PaymentMethod {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let method = raw.trim();
        if method.is_empty() || method.len() > MAX_LEN {
            return Err(DomainError::validation(format!(
                "payment_method must be 1 to {MAX_LEN} characters"
            )));
        }
        if collector_of(method) == Collector::Stripe && method.len() == STRIPE_PREFIX.len() {
            return Err(DomainError::validation(
                "a Stripe payment method names the Stripe object after stripe:, e.g. stripe:cus_123",
            ));
        }
        Ok(Self(method.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn collector(&self) -> Collector {
        collector_of(&self.0)
    }
}

impl fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who collects with a stored method, however it was stored.
pub fn collector_of(method: &str) -> Collector {
    let stripe = method
        .get(..STRIPE_PREFIX.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(STRIPE_PREFIX));
    if stripe {
        Collector::Stripe
    } else {
        Collector::Lyceum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    #[test]
    fn methods_are_trimmed_and_bounded() {
        let method = PaymentMethod::parse("  tok_success ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(method.as_str(), "tok_success");
        for bad in ["", "   ", &"x".repeat(101), "stripe:", " Stripe: "] {
            let error = PaymentMethod::parse(bad).err();
            assert_eq!(
                error.map(|e| e.code),
                Some(Code::ValidationFailed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_stripe_prefix_means_stripe_collects() {
        let collector = |raw: &str| {
            PaymentMethod::parse(raw)
                .unwrap_or_else(|e| panic!("{e}"))
                .collector()
        };
        assert_eq!(collector("tok_success"), Collector::Lyceum);
        assert_eq!(collector("stripe_tok"), Collector::Lyceum);
        assert_eq!(collector("stripe:cus_123"), Collector::Stripe);
        assert_eq!(collector("STRIPE:sub_123"), Collector::Stripe);
        // Not a char boundary at the prefix length: still a plain token.
        assert_eq!(collector_of("strip€x"), Collector::Lyceum);
    }
}
