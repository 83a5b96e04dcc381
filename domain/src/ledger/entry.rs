//! Journal entries: balanced, single-currency, single-space sets of lines, valid by
//! construction and never edited. A correction is a new, reversing entry.

use super::account::{Account, Side};
use crate::error::DomainError;
use crate::money::Money;
use crate::values::bounded_text;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// The longest memo, in characters.
pub const MAX_MEMO_CHARS: usize = 200;

/// The longest reference part, in characters.
const MAX_PART_CHARS: usize = 40;

/// What makes an entry unique: the id of the event (or provider event) it comes from, and a
/// part naming which of that event's entries it is (`payment`, `refund`, `upgrade-credit`…).
/// Posting the same reference twice is a no-op, which is what makes replays safe.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRef")]
pub struct EntryRef {
    source: Uuid,
    part: String,
}

#[derive(Deserialize)]
struct RawRef {
    source: Uuid,
    part: String,
}

impl TryFrom<RawRef> for EntryRef {
    type Error = DomainError;
    fn try_from(raw: RawRef) -> Result<Self, Self::Error> {
        Self::new(raw.source, &raw.part)
    }
}

impl EntryRef {
    /// A reference; `part` is 1 to 40 characters of `a-z`, `0-9`, `-`, `_` and `.`.
    pub fn new(source: Uuid, part: &str) -> Result<Self, DomainError> {
        let ok_chars = part.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
        if part.is_empty() || part.len() > MAX_PART_CHARS || !ok_chars {
            return Err(DomainError::validation(
                "an entry reference part is 1-40 characters of a-z, 0-9, '-', '_' and '.'",
            ));
        }
        Ok(Self {
            source,
            part: part.to_owned(),
        })
    }

    /// The id of the event the entry comes from.
    pub fn source(&self) -> Uuid {
        self.source
    }

    /// Which of the source's entries this is.
    pub fn part(&self) -> &str {
        &self.part
    }
}

impl fmt::Display for EntryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.source, self.part)
    }
}

/// One line of an entry: an amount debited or credited to an account. Lines are checked only
/// as part of a [`JournalEntry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub account: Account,
    pub side: Side,
    pub amount: Money,
}

impl Line {
    /// A debit of `amount` to `account`.
    pub fn debit(account: Account, amount: Money) -> Self {
        Self {
            account,
            side: Side::Debit,
            amount,
        }
    }

    /// A credit of `amount` to `account`.
    pub fn credit(account: Account, amount: Money) -> Self {
        Self {
            account,
            side: Side::Credit,
            amount,
        }
    }
}

/// A balanced journal entry. Built only by [`JournalEntry::new`] (or deserialized through it),
/// so every value holds: at least one debit and one credit, every amount positive, one currency
/// and one space for all lines, and total debits equal to total credits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawEntry")]
pub struct JournalEntry {
    reference: EntryRef,
    memo: String,
    lines: Vec<Line>,
    /// Derived from the lines; recomputed, not read, when deserializing.
    #[serde(skip_serializing)]
    total: Money,
}

#[derive(Deserialize)]
struct RawEntry {
    reference: EntryRef,
    memo: String,
    lines: Vec<Line>,
}

impl TryFrom<RawEntry> for JournalEntry {
    type Error = DomainError;
    fn try_from(raw: RawEntry) -> Result<Self, Self::Error> {
        Self::new(raw.reference, &raw.memo, raw.lines)
    }
}

impl JournalEntry {
    /// Checks and builds an entry. The memo is trimmed, non-blank and at most
    /// [`MAX_MEMO_CHARS`] characters.
    pub fn new(reference: EntryRef, memo: &str, lines: Vec<Line>) -> Result<Self, DomainError> {
        let memo = bounded_text("memo", memo, MAX_MEMO_CHARS)?;
        let Some(first) = lines.first() else {
            return Err(DomainError::validation("an entry needs lines"));
        };
        let (currency, space_id) = (first.amount.currency, first.account.space_id);
        let mut debits = Money::zero(currency);
        let mut credits = Money::zero(currency);
        for line in &lines {
            if line.amount.currency != currency {
                return Err(DomainError::validation(
                    "an entry's lines must all be in one currency",
                ));
            }
            if line.account.space_id != space_id {
                return Err(DomainError::validation(
                    "an entry's lines must all belong to one space",
                ));
            }
            if line.amount.minor <= 0 {
                return Err(DomainError::validation(
                    "line amounts must be positive minor units",
                ));
            }
            match line.side {
                Side::Debit => debits = debits.checked_add(line.amount)?,
                Side::Credit => credits = credits.checked_add(line.amount)?,
            }
        }
        if debits != credits {
            return Err(DomainError::validation(format!(
                "entry is unbalanced: debits {debits}, credits {credits}"
            )));
        }
        Ok(Self {
            reference,
            memo,
            lines,
            total: debits,
        })
    }

    /// The entry's unique reference.
    pub fn reference(&self) -> &EntryRef {
        &self.reference
    }

    /// Why the entry was made.
    pub fn memo(&self) -> &str {
        &self.memo
    }

    /// The lines, in the order they were given.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Total debits, which equal total credits.
    pub fn total(&self) -> Money {
        self.total
    }

    /// The entry that undoes this one: the same lines on opposite sides, under a new
    /// reference. This is how a posted entry is corrected.
    pub fn reversal(&self, reference: EntryRef) -> Result<JournalEntry, DomainError> {
        if reference == self.reference {
            return Err(DomainError::validation(
                "a reversal needs a reference of its own",
            ));
        }
        let lines = self
            .lines
            .iter()
            .map(|l| Line {
                side: l.side.opposite(),
                ..*l
            })
            .collect();
        JournalEntry::new(reference, &format!("reverses {}", self.reference), lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SpaceId;
    use crate::ledger::AccountKind;
    use crate::values::Currency;

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

    fn account(kind: AccountKind) -> Account {
        Account::new(SpaceId(Uuid::nil()), kind)
    }

    fn reference(part: &str) -> EntryRef {
        EntryRef::new(Uuid::nil(), part).unwrap_or_else(|e| panic!("{e}"))
    }

    fn entry(lines: Vec<Line>) -> Result<JournalEntry, DomainError> {
        JournalEntry::new(reference("payment"), "payment received", lines)
    }

    #[test]
    fn a_balanced_entry_is_accepted() {
        let built = entry(vec![
            Line::debit(account(AccountKind::MemberPayments), eur(1000)),
            Line::credit(account(AccountKind::PlatformFees), eur(150)),
            Line::credit(account(AccountKind::CreatorEarnings), eur(850)),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(built.total(), eur(1000));
        assert_eq!(built.lines().len(), 3);
    }

    #[test]
    fn an_unbalanced_entry_is_refused() {
        assert!(
            entry(vec![
                Line::debit(account(AccountKind::MemberPayments), eur(1000)),
                Line::credit(account(AccountKind::CreatorEarnings), eur(999)),
            ])
            .is_err()
        );
        assert!(
            entry(vec![Line::debit(
                account(AccountKind::MemberPayments),
                eur(1)
            )])
            .is_err()
        );
        assert!(entry(vec![]).is_err());
    }

    #[test]
    fn zero_and_negative_amounts_are_refused() {
        for bad in [0, -5] {
            assert!(
                entry(vec![
                    Line::debit(account(AccountKind::MemberPayments), eur(bad)),
                    Line::credit(account(AccountKind::CreatorEarnings), eur(bad)),
                ])
                .is_err()
            );
        }
        // A negative line cannot smuggle a credit into the debit column either.
        assert!(
            entry(vec![
                Line::debit(account(AccountKind::MemberPayments), eur(100)),
                Line::debit(account(AccountKind::Refunds), eur(-100)),
            ])
            .is_err()
        );
    }

    #[test]
    fn mixed_currencies_are_refused_even_if_each_balances() {
        assert!(
            entry(vec![
                Line::debit(account(AccountKind::MemberPayments), eur(100)),
                Line::credit(account(AccountKind::CreatorEarnings), eur(100)),
                Line::debit(account(AccountKind::MemberPayments), jpy(100)),
                Line::credit(account(AccountKind::CreatorEarnings), jpy(100)),
            ])
            .is_err()
        );
    }

    #[test]
    fn lines_must_share_a_space() {
        let other = Account::new(SpaceId(Uuid::max()), AccountKind::CreatorEarnings);
        assert!(
            entry(vec![
                Line::debit(account(AccountKind::MemberPayments), eur(100)),
                Line::credit(other, eur(100)),
            ])
            .is_err()
        );
    }

    #[test]
    fn overflowing_totals_are_refused() {
        assert!(
            entry(vec![
                Line::debit(account(AccountKind::MemberPayments), eur(i64::MAX)),
                Line::debit(account(AccountKind::MemberPayments), eur(1)),
                Line::credit(account(AccountKind::CreatorEarnings), eur(i64::MAX)),
                Line::credit(account(AccountKind::CreatorEarnings), eur(1)),
            ])
            .is_err()
        );
    }

    #[test]
    fn memos_and_reference_parts_are_checked() {
        let lines = vec![
            Line::debit(account(AccountKind::MemberPayments), eur(1)),
            Line::credit(account(AccountKind::CreatorEarnings), eur(1)),
        ];
        assert!(JournalEntry::new(reference("x"), "  ", lines.clone()).is_err());
        assert!(JournalEntry::new(reference("x"), &"m".repeat(201), lines).is_err());
        for bad in ["", "Payment", "a b", "ü", &"p".repeat(41)] {
            assert!(EntryRef::new(Uuid::nil(), bad).is_err(), "{bad:?}");
        }
        assert!(EntryRef::new(Uuid::nil(), "upgrade-credit.2_b").is_ok());
    }

    #[test]
    fn a_reversal_swaps_sides_under_a_new_reference() {
        let original = entry(vec![
            Line::debit(account(AccountKind::MemberPayments), eur(100)),
            Line::credit(account(AccountKind::CreatorEarnings), eur(100)),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(original.reversal(reference("payment")).is_err());
        let reversed = original
            .reversal(reference("payment-reversal"))
            .unwrap_or_else(|e| panic!("{e}"));
        let sides: Vec<_> = reversed.lines().iter().map(|l| l.side).collect();
        assert_eq!(sides, [Side::Credit, Side::Debit]);
        assert_eq!(reversed.memo(), format!("reverses {}/payment", Uuid::nil()));
    }

    #[test]
    fn deserializing_revalidates() {
        let good = entry(vec![
            Line::debit(account(AccountKind::MemberPayments), jpy(980)),
            Line::credit(account(AccountKind::CreatorEarnings), jpy(980)),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let mut json = serde_json::to_value(&good).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            serde_json::from_value::<JournalEntry>(json.clone()).ok(),
            Some(good)
        );
        json["lines"][1]["amount"]["minor"] = serde_json::json!(979);
        assert!(serde_json::from_value::<JournalEntry>(json).is_err());
    }
}
