//! Payments: checkout orders with their payments, refunds and disputes ([`order`]); the
//! payment-provider port as plain data ([`provider`]) and which provider charges which space
//! ([`providers`]); stored payment methods and who collects
//! with them ([`method`]); the built-in deterministic test provider ([`test_provider`]); and the
//! pure half of the Stripe-compatible webhook adapter: signature checks and event parsing
//! ([`stripe`]). Nothing here does IO or reads a clock.

pub mod method;
pub mod order;
pub mod provider;
pub mod providers;
pub mod stripe;
pub mod test_provider;

use crate::ids::RefundId;
use sha2::{Digest, Sha256};

/// A refund id derived from a provider's reference (a Stripe refund id, or a webhook event id),
/// so that a refund first seen in a webhook gets the same id however often it is delivered.
pub fn refund_id_from_provider(reference: &str) -> RefundId {
    let digest = Sha256::digest(reference.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // A version-8 (custom) UUID: the bits are ours, the layout is still a valid UUID.
    RefundId(uuid::Builder::from_custom_bytes(bytes).into_uuid())
}

/// The first `digits` lower-case hex digits of SHA-256 of `input`: a short deterministic id.
fn hex_sha256_prefix(input: &str, digits: usize) -> String {
    let mut hex = hex::encode(Sha256::digest(input.as_bytes()));
    hex.truncate(digits);
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_refund_ids_are_stable_and_distinct() {
        let a = refund_id_from_provider("re_3MtwBwLkdIwHu7ix0Hh4gVJ2");
        assert_eq!(a, refund_id_from_provider("re_3MtwBwLkdIwHu7ix0Hh4gVJ2"));
        assert_ne!(a, refund_id_from_provider("re_other"));
        assert_eq!(a.0.get_version_num(), 8);
    }

    #[test]
    fn short_hashes_are_prefixes_of_sha256() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223…
        assert_eq!(hex_sha256_prefix("abc", 24), "ba7816bf8f01cfea414140de");
    }
}
