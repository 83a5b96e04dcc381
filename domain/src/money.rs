//! Money: an amount in minor units (cents, or yen for JPY) of one ISO currency. Never a float.
//! Arithmetic is checked: mixing currencies or overflowing is an error, not a wrong number.

use crate::error::DomainError;
use crate::values::Currency;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount in minor units; negative for credits and refunds.
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    /// A positive amount, as prices and payments must be.
    pub fn positive(minor: i64, currency: Currency) -> Result<Self, DomainError> {
        if minor <= 0 {
            return Err(DomainError::validation(
                "amounts must be positive minor units",
            ));
        }
        Ok(Self::new(minor, currency))
    }

    fn same_currency(&self, other: &Money) -> Result<(), DomainError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(DomainError::validation(format!(
                "cannot combine {} with {}",
                self.currency, other.currency
            )))
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        self.same_currency(&other)?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or_else(|| DomainError::validation("amount overflow"))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, DomainError> {
        self.checked_add(Money::new(
            other
                .minor
                .checked_neg()
                .ok_or_else(|| DomainError::validation("amount overflow"))?,
            other.currency,
        ))
    }

    /// `self × numerator / denominator`, rounded half away from zero, in minor units. Used for
    /// percentages (basis points) and proration (seconds used of seconds in the period).
    pub fn scale(self, numerator: i64, denominator: i64) -> Result<Money, DomainError> {
        if denominator <= 0 {
            return Err(DomainError::validation(
                "scale by a non-positive denominator",
            ));
        }
        let product = i128::from(self.minor) * i128::from(numerator);
        let half = i128::from(denominator) / 2;
        let rounded = if product >= 0 {
            (product + half) / i128::from(denominator)
        } else {
            (product - half) / i128::from(denominator)
        };
        i64::try_from(rounded)
            .map(|minor| Money::new(minor, self.currency))
            .map_err(|_| DomainError::validation("amount overflow"))
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = u32::from(self.currency.minor_digits());
        if digits == 0 {
            return write!(f, "{} {}", self.minor, self.currency);
        }
        let unit = 10i64.pow(digits);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            abs / unit as u64,
            abs % unit as u64,
            self.currency,
            width = digits as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::new(
            minor,
            Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn jpy(minor: i64) -> Money {
        Money::new(
            minor,
            Currency::parse("JPY").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    #[test]
    fn currencies_do_not_mix() {
        assert!(eur(100).checked_add(jpy(100)).is_err());
        assert_eq!(eur(100).checked_sub(eur(30)), Ok(eur(70)));
    }

    #[test]
    fn overflow_is_an_error() {
        assert!(eur(i64::MAX).checked_add(eur(1)).is_err());
        assert!(eur(i64::MIN).checked_sub(eur(1)).is_err());
    }

    #[test]
    fn scaling_rounds_half_away_from_zero() {
        assert_eq!(eur(1000).scale(1, 3), Ok(eur(333)));
        assert_eq!(eur(1000).scale(2, 3), Ok(eur(667)));
        assert_eq!(eur(-1000).scale(2, 3), Ok(eur(-667)));
        assert_eq!(eur(999).scale(1500, 10_000), Ok(eur(150)));
        assert!(eur(1).scale(1, 0).is_err());
    }

    #[test]
    fn display_respects_minor_digits() {
        assert_eq!(eur(123_456).to_string(), "1234.56 EUR");
        assert_eq!(eur(-5).to_string(), "-0.05 EUR");
        assert_eq!(jpy(980).to_string(), "980 JPY");
    }
}
