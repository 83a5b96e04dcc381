//! Value types parsed at the boundary: a value of one of these types is valid by construction.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

/// A URL-safe space handle: 2 to 63 characters of `a-z`, `0-9` and `-`, not starting or ending
/// with `-`, and not a UUID (so a path segment is never ambiguous).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// How long a slug may be, in characters (all ASCII).
pub const SLUG_LEN: RangeInclusive<usize> = 2..=63;

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !SLUG_LEN.contains(&raw.len()) || !ok_chars || raw.starts_with('-') || raw.ends_with('-')
        {
            return Err(DomainError::validation(
                "slug must be 2-63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
            ));
        }
        if uuid::Uuid::parse_str(raw).is_ok() {
            return Err(DomainError::validation("slug must not be a UUID"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 4217 currency code with its number of minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; CURRENCY_LEN]);

/// A currency code's length: three upper-case ASCII letters.
pub const CURRENCY_LEN: usize = 3;

/// Currencies whose minor unit is the major unit (no decimals).
const ZERO_DECIMAL: [&str; 16] = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
];

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let bytes = raw.as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Self([*a, *b, *c])),
            _ => Err(DomainError::validation(
                "currency must be a three-letter ISO 4217 code in upper case, such as USD",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// How many decimal digits the minor unit has: 0 for JPY, 2 for most.
    pub fn minor_digits(&self) -> u8 {
        if ZERO_DECIMAL.contains(&self.as_str()) {
            0
        } else {
            2
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An email address, trimmed and lower-cased. The check is deliberately light: one `@`, a
/// non-empty local part, and a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

/// The longest email address, in bytes once trimmed and lower-cased.
pub const MAX_EMAIL_LEN: usize = 254;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let value = raw.trim().to_lowercase();
        let valid = value.len() <= MAX_EMAIL_LEN
            && !value.chars().any(char::is_whitespace)
            && matches!(value.split_once('@'), Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.contains('@')
                    && !domain.starts_with('.') && !domain.ends_with('.'));
        if valid {
            Ok(Self(value))
        } else {
            Err(DomainError::validation("email is not a valid address"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Non-blank text with a maximum length in characters, trimmed.
pub fn bounded_text(field: &str, raw: &str, max: usize) -> Result<String, DomainError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(DomainError::validation(format!(
            "{field} must not be blank"
        )));
    }
    if value.chars().count() > max {
        return Err(DomainError::validation(format!(
            "{field} must be at most {max} characters"
        )));
    }
    Ok(value.to_owned())
}

/// Personal data sealed with its member's key. The domain carries it but never opens it;
/// deleting the key (crypto-shredding) makes it unreadable everywhere at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sealed(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_handles() {
        assert!(Slug::parse("deep-work").is_ok());
        for bad in ["", "a", "Deep", "-x", "x-", "a b", "ünï"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Slug::parse("0190a4d6-7c4b-7e1a-9a3c-2f1e4b5d6c7e").is_err());
    }

    #[test]
    fn currencies_know_their_minor_digits() {
        assert_eq!(Currency::parse("JPY").map(|c| c.minor_digits()), Ok(0));
        assert_eq!(Currency::parse("EUR").map(|c| c.minor_digits()), Ok(2));
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("EURO").is_err());
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Ada@Example.ORG ").map(|e| e.as_str().to_owned()),
            Ok("ada@example.org".to_owned())
        );
        for bad in [
            "ada",
            "ada@",
            "@x.org",
            "ada@org",
            "a da@x.org",
            "ada@x.org.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(bounded_text("name", "  Hi ", 5), Ok("Hi".to_owned()));
        assert!(bounded_text("name", "   ", 5).is_err());
        assert!(bounded_text("name", "toolong", 5).is_err());
    }
}
