//! An id the creator's other system gives a member or an item (`oulad:28400`, a Patreon user id,
//! a Ghost post id), so that an import or a migration can find what it already brought over.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

/// 1 to 200 visible ASCII characters (no spaces): ids from elsewhere are opaque, and keeping
/// them to printable ASCII keeps them safe in a query string and a log line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

/// How long an external id may be, in characters (all ASCII).
pub const EXTERNAL_ID_LEN: RangeInclusive<usize> = 1..=200;

impl ExternalId {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if !EXTERNAL_ID_LEN.contains(&raw.len()) || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::validation(
                "external_id must be 1-200 visible ASCII characters, without spaces",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ExternalId {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ExternalId> for String {
    fn from(value: ExternalId) -> Self {
        value.0
    }
}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_visible_ascii() {
        for good in ["oulad:28400", "x", "patreon/user:9_1-2", &"a".repeat(200)] {
            assert!(ExternalId::parse(good).is_ok(), "{good:?} should be taken");
        }
        for bad in ["", "a b", "tab\t", "ünï", "\u{7f}", &"a".repeat(201)] {
            assert!(ExternalId::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
