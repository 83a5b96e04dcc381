//! Helpers shared by the integration tests.

use lyceum_audit::Hash;
use lyceum_audit::merkle::leaf_hash;

/// `n` distinct leaf hashes, determined by `seed`.
pub fn leaves(seed: u64, n: u64) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(&Hash::sha256(&[&seed.to_be_bytes(), &i.to_be_bytes()])))
        .collect()
}
