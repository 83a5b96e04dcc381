//! Signed checkpoints: the log's size and root at a moment, signed with Ed25519.
//!
//! The signed bytes are the UTF-8 text
//!
//! ```text
//! lyceum-checkpoint-v1
//! <tree size in decimal>
//! <root as 64 lowercase hex digits>
//! <time, RFC 3339>
//! ```
//!
//! each line ending with `\n`, the last one included. The signature is Ed25519 (RFC 8032) over
//! those bytes, and verification is strict: it refuses weak public keys and non-canonical
//! signatures.

use ed25519_dalek::{Signature, Signer};

pub use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::hash::decode_hex;
use crate::{AuditError, Hash};

/// The log's tree at a moment: its size, its root, and when it was sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub tree_size: u64,
    pub root: Hash,
    /// An RFC 3339 timestamp, on one line.
    pub time: String,
}

impl Checkpoint {
    /// The exact text that is signed.
    pub fn signed_text(&self) -> String {
        format!(
            "lyceum-checkpoint-v1\n{}\n{}\n{}\n",
            self.tree_size,
            self.root.to_hex(),
            self.time
        )
    }

    /// The Ed25519 signature of [`Checkpoint::signed_text`].
    pub fn sign(&self, key: &SigningKey) -> [u8; 64] {
        key.sign(self.signed_text().as_bytes()).to_bytes()
    }

    /// Checks a signature of [`Checkpoint::signed_text`] by the holder of `public_key`.
    pub fn verify(&self, public_key: &[u8; 32], signature: &[u8; 64]) -> Result<(), AuditError> {
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| AuditError::BadKey)?;
        let signature = Signature::from_bytes(signature);
        key.verify_strict(self.signed_text().as_bytes(), &signature)
            .map_err(|_| AuditError::BadSignature)
    }
}

/// The signing key whose secret is `secret`: 32 bytes the caller takes from a
/// cryptographically secure random source (the operating system's, for instance).
pub fn signing_key(secret: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(secret)
}

/// The 32-byte public key of `key`.
pub fn public_key(key: &SigningKey) -> [u8; 32] {
    key.verifying_key().to_bytes()
}

/// The secret of `key` as 64 lowercase hex digits.
pub fn signing_key_to_hex(key: &SigningKey) -> String {
    hex::encode(key.to_bytes())
}

/// The signing key whose secret is written as 64 hex digits.
pub fn signing_key_from_hex(text: &str) -> Result<SigningKey, AuditError> {
    decode_hex(text).map(|secret| signing_key(&secret))
}

/// A public key as 64 lowercase hex digits.
pub fn public_key_to_hex(public_key: &[u8; 32]) -> String {
    hex::encode(public_key)
}

/// A public key written as 64 hex digits; [`AuditError::BadKey`] if the bytes are not one.
pub fn public_key_from_hex(text: &str) -> Result<[u8; 32], AuditError> {
    let bytes = decode_hex(text)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| AuditError::BadKey)?;
    Ok(bytes)
}

/// A signature as 128 lowercase hex digits.
pub fn signature_to_hex(signature: &[u8; 64]) -> String {
    hex::encode(signature)
}

/// A signature written as 128 hex digits.
pub fn signature_from_hex(text: &str) -> Result<[u8; 64], AuditError> {
    decode_hex(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            tree_size: 1234,
            root: Hash::sha256(&[b"root"]),
            time: "2025-01-02T03:04:05Z".to_owned(),
        }
    }

    #[test]
    fn signed_text_is_the_documented_lines() {
        assert_eq!(
            checkpoint().signed_text(),
            "lyceum-checkpoint-v1\n1234\n\
             4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2\n\
             2025-01-02T03:04:05Z\n"
        );
    }

    /// RFC 8032 §7.1, test 1: the secret key gives the published public key, and Ed25519
    /// signatures are deterministic.
    #[test]
    fn keys_follow_rfc_8032() {
        let key = signing_key_from_hex(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        )
        .unwrap();
        assert_eq!(
            public_key_to_hex(&public_key(&key)),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            signature_to_hex(&key.sign(b"").to_bytes()),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
             5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let key = signing_key(&[7; 32]);
        let public = public_key(&key);
        let signature = checkpoint().sign(&key);
        assert_eq!(checkpoint().verify(&public, &signature), Ok(()));

        let changed = [
            Checkpoint {
                tree_size: 1235,
                ..checkpoint()
            },
            Checkpoint {
                root: Hash::ZERO,
                ..checkpoint()
            },
            Checkpoint {
                time: "2025-01-02T03:04:06Z".to_owned(),
                ..checkpoint()
            },
        ];
        for other in changed {
            assert_eq!(
                other.verify(&public, &signature),
                Err(AuditError::BadSignature)
            );
        }
        let other_key = public_key(&signing_key(&[8; 32]));
        assert_eq!(
            checkpoint().verify(&other_key, &signature),
            Err(AuditError::BadSignature)
        );
        let mut flipped = signature;
        flipped[10] ^= 1;
        assert_eq!(
            checkpoint().verify(&public, &flipped),
            Err(AuditError::BadSignature)
        );
    }

    #[test]
    fn keys_and_signatures_round_trip_through_hex() {
        let key = signing_key(&[7; 32]);
        let signature = checkpoint().sign(&key);
        let restored = signing_key_from_hex(&signing_key_to_hex(&key)).unwrap();
        assert_eq!(restored.to_bytes(), key.to_bytes());
        let public = public_key(&key);
        assert_eq!(public_key_from_hex(&public_key_to_hex(&public)), Ok(public));
        assert_eq!(
            signature_from_hex(&signature_to_hex(&signature)),
            Ok(signature)
        );
        assert_eq!(signature_from_hex("00"), Err(AuditError::BadHex));
        assert_eq!(
            signing_key_from_hex("xyz").map(|_| ()),
            Err(AuditError::BadHex)
        );
    }

    #[test]
    fn bytes_that_are_no_point_are_not_a_public_key() {
        // y = 2 is not the y-coordinate of a point of edwards25519.
        let mut not_a_point = [0; 32];
        not_a_point[0] = 2;
        assert_eq!(
            public_key_from_hex(&hex::encode(not_a_point)),
            Err(AuditError::BadKey)
        );
        let signature = checkpoint().sign(&signing_key(&[7; 32]));
        assert_eq!(
            checkpoint().verify(&not_a_point, &signature),
            Err(AuditError::BadKey)
        );
    }
}
