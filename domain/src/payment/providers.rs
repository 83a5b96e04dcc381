//! Which payment provider charges a space's members: one for the installation, replaced for
//! some spaces by configuration. Services and the scheduler ask here instead of naming a
//! provider, so adding one touches neither.

use super::provider::PaymentProvider;
use super::test_provider::TestProvider;
use crate::ids::SpaceId;
use std::collections::HashMap;
use std::sync::Arc;

/// A provider shared by every request and worker of a process.
pub type SharedProvider = Arc<dyn PaymentProvider + Send + Sync>;

/// The payment providers of an installation.
#[derive(Clone)]
pub struct Payments {
    default: SharedProvider,
    by_space: HashMap<SpaceId, SharedProvider>,
}

impl Payments {
    /// Every space charged through `provider`.
    pub fn new(provider: SharedProvider) -> Self {
        Self {
            default: provider,
            by_space: HashMap::new(),
        }
    }

    /// `space` charged through `provider` instead.
    pub fn with_space(mut self, space: SpaceId, provider: SharedProvider) -> Self {
        self.by_space.insert(space, provider);
        self
    }

    /// The provider that charges `space`'s members.
    pub fn for_space(&self, space: SpaceId) -> &(dyn PaymentProvider + Send + Sync) {
        self.by_space.get(&space).unwrap_or(&self.default).as_ref()
    }
}

impl Default for Payments {
    /// The built-in deterministic test provider for every space.
    fn default() -> Self {
        Self::new(Arc::new(TestProvider))
    }
}

impl std::fmt::Debug for Payments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payments")
            .field("spaces_with_their_own", &self.by_space.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::provider::{
        ChargeOutcome, ChargeRequest, DeclineCode, RefundOutcome, RefundRequest,
    };

    /// A provider that declines everything.
    struct Declining;

    impl PaymentProvider for Declining {
        fn charge(&self, _: &ChargeRequest) -> ChargeOutcome {
            ChargeOutcome::Declined {
                code: DeclineCode::CardDeclined,
            }
        }
        fn refund(&self, _: &RefundRequest) -> RefundOutcome {
            RefundOutcome::Rejected {
                reason: "no".into(),
            }
        }
    }

    #[test]
    fn a_space_may_be_charged_through_its_own_provider() {
        let special = SpaceId(uuid::Uuid::from_u128(7));
        let payments = Payments::default().with_space(special, Arc::new(Declining));
        let currency = crate::values::Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}"));
        let request = ChargeRequest {
            amount: crate::money::Money::new(900, currency),
            payment_method: "tok_success".into(),
            idempotency_key: "k".into(),
            attempt: 1,
        };
        assert!(matches!(
            payments.for_space(special).charge(&request),
            ChargeOutcome::Declined { .. }
        ));
        let other = SpaceId(uuid::Uuid::from_u128(8));
        assert!(matches!(
            payments.for_space(other).charge(&request),
            ChargeOutcome::Succeeded { .. }
        ));
    }
}
