//! The 32-byte SHA-256 value every other module computes, compares and prints.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::AuditError;

/// A SHA-256 digest: an event hash, a Merkle tree node or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// All zero bytes: the "previous hash" of the first event of a stream.
    pub const ZERO: Hash = Hash([0; 32]);

    /// SHA-256 of the concatenation of `parts`.
    pub fn sha256(parts: &[&[u8]]) -> Hash {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part);
        }
        Hash(hasher.finalize().into())
    }

    /// The 64 lowercase hex digits of the hash.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(text: &str) -> Result<Hash, AuditError> {
        decode_hex(text).map(Hash)
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

/// Decodes exactly `N` bytes written as `2 * N` hex digits (either case).
pub(crate) fn decode_hex<const N: usize>(text: &str) -> Result<[u8; N], AuditError> {
    let mut bytes = [0; N];
    hex::decode_to_slice(text, &mut bytes).map_err(|_| AuditError::BadHex)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_wrong_lengths_and_digits() {
        let hash = Hash::sha256(&[b"abc"]);
        assert_eq!(
            hash.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Hash::from_hex(&hash.to_hex()), Ok(hash));
        assert_eq!(Hash::from_hex(&hash.to_hex().to_uppercase()), Ok(hash));
        assert_eq!(
            Hash::from_hex(&hash.to_hex()[..62]),
            Err(AuditError::BadHex)
        );
        assert_eq!(
            Hash::from_hex(&format!("{hash}00")),
            Err(AuditError::BadHex)
        );
        assert_eq!(Hash::from_hex(&"g".repeat(64)), Err(AuditError::BadHex));
    }

    #[test]
    fn sha256_hashes_the_concatenation_of_its_parts() {
        assert_eq!(Hash::sha256(&[b"a", b"", b"bc"]), Hash::sha256(&[b"abc"]));
    }
}
