//! Referral codes: every member has one, derived from their id, so it needs no event of its own
//! and is the same on every replay. A code is 12 characters of Crockford base32 (60 bits of the
//! SHA-256 of the member id): short enough to type, without the letters I, L, O and U that are
//! easily misread.

use crate::error::DomainError;
use crate::ids::MemberId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The characters of a code: Crockford base32, upper case.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// How many characters a code has.
pub const LENGTH: usize = 12;

/// A member's referral code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReferralCode(String);

impl ReferralCode {
    /// The code of `member`.
    pub fn of(member: MemberId) -> Self {
        let digest = Sha256::digest(member.0.as_bytes());
        let mut bits = u64::from_be_bytes(
            digest[..8]
                .try_into()
                .unwrap_or_else(|_| unreachable!("a SHA-256 digest has 32 bytes")),
        ) >> 4;
        let mut code = [0u8; LENGTH];
        for slot in code.iter_mut().rev() {
            *slot = ALPHABET[(bits & 31) as usize];
            bits >>= 5;
        }
        Self(code.iter().map(|&b| b as char).collect())
    }

    /// Parses what a person typed: surrounding spaces and case are ignored, and the letters
    /// Crockford reads as digits (O as 0, I and L as 1) are accepted.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code: String = raw
            .trim()
            .chars()
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        let valid = code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b));
        if !valid {
            return Err(DomainError::validation(format!(
                "a referral code is {LENGTH} letters and digits"
            )));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReferralCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A referral code someone signed up with, and the member it belongs to (looked up by the
/// caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferredBy {
    pub code: ReferralCode,
    pub referrer: MemberId,
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_code_is_stable_and_parses_back() {
        let member = MemberId(Uuid::from_u128(42));
        let code = ReferralCode::of(member);
        assert_eq!(code, ReferralCode::of(member));
        assert_eq!(code.as_str().len(), 12);
        assert_eq!(
            ReferralCode::parse(&code.as_str().to_lowercase()).ok(),
            Some(code)
        );
    }

    #[test]
    fn different_members_get_different_codes() {
        let codes: std::collections::HashSet<_> = (0..10_000u128)
            .map(|n| ReferralCode::of(MemberId(Uuid::from_u128(n))))
            .collect();
        assert_eq!(codes.len(), 10_000);
    }

    #[test]
    fn misread_letters_are_read_as_digits_and_junk_is_refused() {
        assert_eq!(
            ReferralCode::parse(" oil0000000000 ".trim()).ok(),
            None,
            "13 characters"
        );
        assert_eq!(
            ReferralCode::parse("OIL000000000").map(|c| c.0).ok(),
            Some("011000000000".to_owned())
        );
        assert!(ReferralCode::parse("UUUUUUUUUUUU").is_err());
        assert!(ReferralCode::parse("").is_err());
    }
}
