//! The in-memory ledger: a fold of journal entries into account balances and per-currency
//! trial balances. Tests and replay checks use it; the stored ledger is a projection that must
//! agree with it.

use super::account::{Account, Side};
use super::entry::{EntryRef, JournalEntry};
use crate::error::{Code, DomainError};
use crate::money::Money;
use crate::values::Currency;
use std::collections::HashMap;

/// What [`Ledger::post`] did with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    /// The entry was new and is now part of the ledger.
    New,
    /// An identical entry with the same reference was already posted; nothing changed.
    AlreadyPosted,
}

/// Debit and credit totals, in minor units of one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Totals {
    debits: i64,
    credits: i64,
}

impl Totals {
    fn plus(self, side: Side, minor: i64) -> Result<Totals, DomainError> {
        let overflow = || DomainError::validation("ledger total overflow");
        Ok(match side {
            Side::Debit => Totals {
                debits: self.debits.checked_add(minor).ok_or_else(overflow)?,
                ..self
            },
            Side::Credit => Totals {
                credits: self.credits.checked_add(minor).ok_or_else(overflow)?,
                ..self
            },
        })
    }
}

/// Journal entries in posting order, with the balances they add up to. Posting is idempotent
/// by [`EntryRef`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    entries: Vec<JournalEntry>,
    by_reference: HashMap<EntryRef, usize>,
    accounts: HashMap<(Account, Currency), Totals>,
    currencies: HashMap<Currency, Totals>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Posts an entry, all lines or none. Posting an entry whose reference is already posted
    /// changes nothing and answers [`Posted::AlreadyPosted`] when the two entries are identical;
    /// if they differ, the same source produced two different entries, which is a bug upstream,
    /// and the answer is a [`Code::Conflict`] error.
    pub fn post(&mut self, entry: JournalEntry) -> Result<Posted, DomainError> {
        if let Some(existing) = self.entry(entry.reference()) {
            return if *existing == entry {
                Ok(Posted::AlreadyPosted)
            } else {
                Err(DomainError::new(
                    Code::Conflict,
                    format!(
                        "entry {} was already posted with different lines",
                        entry.reference()
                    ),
                ))
            };
        }
        // Compute every new total before changing anything, so an overflow leaves no trace.
        let mut accounts = Vec::with_capacity(entry.lines().len());
        let mut currencies: Vec<(Currency, Totals)> = Vec::new();
        for line in entry.lines() {
            let key = (line.account, line.amount.currency);
            let before = accounts
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, t)| *t)
                .or_else(|| self.accounts.get(&key).copied())
                .unwrap_or_default();
            accounts.push((key, before.plus(line.side, line.amount.minor)?));
            let currency = line.amount.currency;
            let before = currencies
                .iter()
                .rev()
                .find(|(c, _)| *c == currency)
                .map(|(_, t)| *t)
                .or_else(|| self.currencies.get(&currency).copied())
                .unwrap_or_default();
            currencies.push((currency, before.plus(line.side, line.amount.minor)?));
        }
        // Later pushes for the same key hold the later totals, so they win.
        self.accounts.extend(accounts);
        self.currencies.extend(currencies);
        self.by_reference
            .insert(entry.reference().clone(), self.entries.len());
        self.entries.push(entry);
        Ok(Posted::New)
    }

    /// Whether an entry with this reference has been posted.
    pub fn contains(&self, reference: &EntryRef) -> bool {
        self.by_reference.contains_key(reference)
    }

    /// The posted entry with this reference.
    pub fn entry(&self, reference: &EntryRef) -> Option<&JournalEntry> {
        self.by_reference
            .get(reference)
            .and_then(|&i| self.entries.get(i))
    }

    /// Every posted entry, in posting order.
    pub fn entries(&self) -> &[JournalEntry] {
        &self.entries
    }

    /// The account's balance in `currency` on its normal side (see
    /// [`AccountKind::normal_side`](super::AccountKind::normal_side)): positive when the
    /// account holds what it should, negative if it has been overdrawn.
    pub fn balance(&self, account: &Account, currency: Currency) -> Money {
        let totals = self
            .accounts
            .get(&(*account, currency))
            .copied()
            .unwrap_or_default();
        // Both totals are non-negative i64s, so the difference cannot overflow.
        let minor = match account.kind.normal_side() {
            Side::Debit => totals.debits - totals.credits,
            Side::Credit => totals.credits - totals.debits,
        };
        Money::new(minor, currency)
    }

    /// Total debits and total credits over every account in `currency`. They are equal in a
    /// correct ledger; a difference means an entry bypassed [`JournalEntry::new`].
    pub fn trial_balance(&self, currency: Currency) -> (Money, Money) {
        let totals = self.currencies.get(&currency).copied().unwrap_or_default();
        (
            Money::new(totals.debits, currency),
            Money::new(totals.credits, currency),
        )
    }

    /// The currencies with at least one posted line, in no particular order.
    pub fn currencies(&self) -> impl Iterator<Item = Currency> + '_ {
        self.currencies.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SpaceId;
    use crate::ledger::{AccountKind, Line};
    use uuid::Uuid;

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap_or_else(|e| panic!("{e}"))
    }

    fn account(kind: AccountKind) -> Account {
        Account::new(SpaceId(Uuid::nil()), kind)
    }

    fn entry(part: &str, code: &str, gross: i64, fee: i64) -> JournalEntry {
        let money = |minor| Money::new(minor, currency(code));
        let mut lines = vec![
            Line::debit(account(AccountKind::MemberPayments), money(gross)),
            Line::credit(account(AccountKind::CreatorEarnings), money(gross - fee)),
        ];
        if fee > 0 {
            lines.push(Line::credit(account(AccountKind::PlatformFees), money(fee)));
        }
        JournalEntry::new(
            EntryRef::new(Uuid::nil(), part).unwrap_or_else(|e| panic!("{e}")),
            "payment received",
            lines,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn posting_moves_balances_on_their_normal_sides() {
        let mut ledger = Ledger::new();
        assert_eq!(ledger.post(entry("a", "EUR", 1000, 150)), Ok(Posted::New));
        assert_eq!(ledger.post(entry("b", "EUR", 500, 50)), Ok(Posted::New));
        let eur = currency("EUR");
        let balance = |kind| ledger.balance(&account(kind), eur).minor;
        assert_eq!(balance(AccountKind::MemberPayments), 1500);
        assert_eq!(balance(AccountKind::PlatformFees), 200);
        assert_eq!(balance(AccountKind::CreatorEarnings), 1300);
        assert_eq!(balance(AccountKind::Refunds), 0);
        assert_eq!(
            ledger.trial_balance(eur),
            (Money::new(1500, eur), Money::new(1500, eur))
        );
    }

    #[test]
    fn currencies_are_kept_apart() {
        let mut ledger = Ledger::new();
        assert!(ledger.post(entry("eur", "EUR", 1000, 100)).is_ok());
        assert!(ledger.post(entry("jpy", "JPY", 980, 98)).is_ok());
        let jpy = currency("JPY");
        assert_eq!(ledger.trial_balance(jpy).0, Money::new(980, jpy));
        assert_eq!(
            ledger.balance(&account(AccountKind::MemberPayments), jpy),
            Money::new(980, jpy)
        );
        let usd = currency("USD");
        assert_eq!(
            ledger.trial_balance(usd),
            (Money::zero(usd), Money::zero(usd))
        );
        assert_eq!(ledger.currencies().count(), 2);
    }

    #[test]
    fn posting_the_same_entry_twice_is_a_reported_no_op() {
        let mut ledger = Ledger::new();
        assert_eq!(ledger.post(entry("a", "EUR", 1000, 150)), Ok(Posted::New));
        let before = ledger.clone();
        assert_eq!(
            ledger.post(entry("a", "EUR", 1000, 150)),
            Ok(Posted::AlreadyPosted)
        );
        assert_eq!(ledger, before);
        assert!(ledger.contains(entry("a", "EUR", 1, 0).reference()));
    }

    #[test]
    fn a_different_entry_under_a_posted_reference_is_a_conflict() {
        let mut ledger = Ledger::new();
        assert!(ledger.post(entry("a", "EUR", 1000, 150)).is_ok());
        let before = ledger.clone();
        assert_eq!(
            ledger
                .post(entry("a", "EUR", 1000, 100))
                .map_err(|e| e.code),
            Err(Code::Conflict)
        );
        assert_eq!(ledger, before);
    }

    #[test]
    fn an_overflowing_post_leaves_no_trace() {
        let mut ledger = Ledger::new();
        assert_eq!(ledger.post(entry("a", "EUR", i64::MAX, 0)), Ok(Posted::New));
        let before = ledger.clone();
        assert!(ledger.post(entry("b", "EUR", 1, 0)).is_err());
        assert_eq!(ledger, before);
    }

    #[test]
    fn a_reversal_brings_balances_back() {
        let mut ledger = Ledger::new();
        let original = entry("a", "EUR", 1000, 150);
        let reversal = original
            .reversal(EntryRef::new(Uuid::max(), "reversal").unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(ledger.post(original).is_ok());
        assert!(ledger.post(reversal).is_ok());
        for kind in AccountKind::ALL {
            assert!(ledger.balance(&account(kind), currency("EUR")).is_zero());
        }
        assert_eq!(ledger.entries().len(), 2);
    }
}
