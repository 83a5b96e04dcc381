//! Posting rules: pure functions from payment facts to journal entries. Money is split exactly
//! (in basis points, with [`Money::scale`]) and the creator takes the rounding remainder, so no
//! minor unit is ever lost or invented. Each rule also returns the payment's new
//! [`PaymentPosition`], which the next rule for that payment needs; the caller keeps it.

use super::account::{Account, AccountKind, Side};
use super::entry::{EntryRef, JournalEntry, Line};
use crate::error::DomainError;
use crate::ids::{MemberId, SpaceId};
use crate::money::Money;
use crate::values::Currency;
use serde::{Deserialize, Serialize};

/// 100% in basis points.
pub const BPS_WHOLE: u32 = 10_000;

/// The accounts a payment is split into, in the order the rounding remainder goes: the creator
/// first, then the platform, then the referrer.
const SHARE_ACCOUNTS: [AccountKind; 3] = [
    AccountKind::CreatorEarnings,
    AccountKind::PlatformFees,
    AccountKind::ReferralCommissions,
];

/// How an amount divides between the creator, the platform and a referrer. Valid by
/// construction: one currency, no negative part, and a total that fits in an `i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSplit")]
pub struct Split {
    creator: Money,
    platform_fee: Money,
    referral_commission: Money,
}

#[derive(Deserialize)]
struct RawSplit {
    creator: Money,
    platform_fee: Money,
    referral_commission: Money,
}

impl TryFrom<RawSplit> for Split {
    type Error = DomainError;
    fn try_from(raw: RawSplit) -> Result<Self, Self::Error> {
        Self::new(raw.creator, raw.platform_fee, raw.referral_commission)
    }
}

impl Split {
    /// Checks and builds a split.
    pub fn new(
        creator: Money,
        platform_fee: Money,
        referral_commission: Money,
    ) -> Result<Self, DomainError> {
        let parts = [creator, platform_fee, referral_commission];
        if parts.iter().any(|p| p.minor < 0) {
            return Err(DomainError::validation("split parts must not be negative"));
        }
        // Checks the currencies and that the total fits.
        creator
            .checked_add(platform_fee)?
            .checked_add(referral_commission)?;
        Ok(Self {
            creator,
            platform_fee,
            referral_commission,
        })
    }

    /// Nothing, in `currency`.
    pub fn zero(currency: Currency) -> Self {
        let zero = Money::zero(currency);
        Self {
            creator: zero,
            platform_fee: zero,
            referral_commission: zero,
        }
    }

    /// The creator's part.
    pub fn creator(&self) -> Money {
        self.creator
    }

    /// The platform's fee.
    pub fn platform_fee(&self) -> Money {
        self.platform_fee
    }

    /// The referrer's commission.
    pub fn referral_commission(&self) -> Money {
        self.referral_commission
    }

    /// The currency of every part.
    pub fn currency(&self) -> Currency {
        self.creator.currency
    }

    /// The sum of the parts.
    pub fn total(&self) -> Money {
        // `new` checked that this sum fits.
        Money::new(self.minors().iter().sum(), self.currency())
    }

    fn minors(&self) -> [i64; 3] {
        [
            self.creator.minor,
            self.platform_fee.minor,
            self.referral_commission.minor,
        ]
    }

    fn from_minors(
        currency: Currency,
        [creator, fee, commission]: [i64; 3],
    ) -> Result<Self, DomainError> {
        let money = |minor| Money::new(minor, currency);
        Self::new(money(creator), money(fee), money(commission))
    }

    fn zip(&self, other: &Split, f: impl Fn(i64, i64) -> Option<i64>) -> Result<Self, DomainError> {
        if self.currency() != other.currency() {
            return Err(DomainError::validation(
                "splits are in different currencies",
            ));
        }
        let (a, b) = (self.minors(), other.minors());
        let mut out = [0; 3];
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = f(a[i], b[i]).ok_or_else(|| DomainError::validation("amount overflow"))?;
        }
        Self::from_minors(self.currency(), out)
    }

    fn plus(&self, other: &Split) -> Result<Self, DomainError> {
        self.zip(other, i64::checked_add)
    }

    fn minus(&self, other: &Split) -> Result<Self, DomainError> {
        self.zip(other, i64::checked_sub)
    }

    /// One line per non-zero part, on `side`, in [`SHARE_ACCOUNTS`] order.
    fn lines(&self, space_id: SpaceId, side: Side) -> impl Iterator<Item = Line> {
        let parts = [self.creator, self.platform_fee, self.referral_commission];
        SHARE_ACCOUNTS
            .into_iter()
            .zip(parts)
            .filter(|(_, amount)| !amount.is_zero())
            .map(move |(kind, amount)| Line {
                account: Account::new(space_id, kind),
                side,
                amount,
            })
    }
}

/// Splits a payment: the platform's fee and the referrer's commission are rounded half away
/// from zero from basis points of the gross amount, and the creator gets the rest. When the fee
/// and commission together take 100%, the commission is capped at what the fee leaves.
pub fn split_payment(
    amount: Money,
    platform_fee_bps: u32,
    commission_bps: u32,
) -> Result<Split, DomainError> {
    if amount.minor <= 0 {
        return Err(DomainError::validation(
            "a payment must be a positive amount",
        ));
    }
    if platform_fee_bps.saturating_add(commission_bps) > BPS_WHOLE {
        return Err(DomainError::validation(
            "the platform fee and referral commission together must be at most 10000 basis points",
        ));
    }
    let whole = i64::from(BPS_WHOLE);
    let fee = amount.scale(i64::from(platform_fee_bps), whole)?;
    let left = amount.checked_sub(fee)?;
    let commission = amount.scale(i64::from(commission_bps), whole)?;
    let commission = Money::new(commission.minor.min(left.minor), amount.currency);
    Split::new(left.checked_sub(commission)?, fee, commission)
}

/// A referral behind a payment: who referred the paying member, and their commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub referrer: MemberId,
    pub commission_bps: u32,
}

/// A member paid `amount` into a space (a purchase, a renewal, or the charge of an upgrade).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentReceived {
    pub space_id: SpaceId,
    pub amount: Money,
    pub platform_fee_bps: u32,
    pub referral: Option<Referral>,
}

/// Where one payment's money stands: how it was split when paid, how much of each part has
/// gone back to the member (refunds and lost disputes), and how much of each is held on an open
/// dispute. Valid by construction: `returned + held <= paid`, part by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawPosition")]
pub struct PaymentPosition {
    space_id: SpaceId,
    referrer: Option<MemberId>,
    paid: Split,
    returned: Split,
    held: Split,
}

#[derive(Deserialize)]
struct RawPosition {
    space_id: SpaceId,
    referrer: Option<MemberId>,
    paid: Split,
    returned: Split,
    held: Split,
}

impl TryFrom<RawPosition> for PaymentPosition {
    type Error = DomainError;
    fn try_from(raw: RawPosition) -> Result<Self, Self::Error> {
        let position = Self {
            space_id: raw.space_id,
            referrer: raw.referrer,
            paid: raw.paid,
            returned: raw.returned,
            held: raw.held,
        };
        if position.paid.total().minor <= 0 {
            return Err(DomainError::validation(
                "a payment must be a positive amount",
            ));
        }
        position.open()?;
        Ok(position)
    }
}

impl PaymentPosition {
    /// The space paid into.
    pub fn space_id(&self) -> SpaceId {
        self.space_id
    }

    /// Who referred the paying member, if anyone.
    pub fn referrer(&self) -> Option<MemberId> {
        self.referrer
    }

    /// The split when the payment was received.
    pub fn paid(&self) -> Split {
        self.paid
    }

    /// What has gone back to the member, by refund or lost dispute.
    pub fn returned(&self) -> Split {
        self.returned
    }

    /// What an open dispute holds; zero when no dispute is open.
    pub fn held(&self) -> Split {
        self.held
    }

    /// Whether a dispute is open.
    pub fn has_open_dispute(&self) -> bool {
        !self.held.total().is_zero()
    }

    /// What may still be refunded or disputed: paid, less returned, less held.
    pub fn refundable(&self) -> Money {
        // The invariant `returned + held <= paid` makes this exact and non-negative.
        Money::new(
            self.paid.total().minor - self.returned.total().minor - self.held.total().minor,
            self.paid.currency(),
        )
    }

    /// The part-by-part refundable amounts, which fails if the invariant does not hold.
    fn open(&self) -> Result<Split, DomainError> {
        self.paid.minus(&self.returned)?.minus(&self.held)
    }

    /// Splits `amount` of this payment in proportion to the original split, taking from no part
    /// more than it still has open. The creator takes the rounding remainder; only when the
    /// creator's open part is exhausted does the remainder go to the platform, then the referrer.
    /// When `amount` is everything still open, the shares are exactly the open parts, so a full
    /// refund after partial ones reverses the original split to the minor unit.
    fn shares_of(&self, amount: Money, what: &str) -> Result<Split, DomainError> {
        let currency = self.paid.currency();
        if amount.currency != currency {
            return Err(DomainError::validation(format!(
                "{what} is in {}, the payment in {currency}",
                amount.currency
            )));
        }
        if amount.minor <= 0 {
            return Err(DomainError::validation(format!(
                "{what} must be a positive amount"
            )));
        }
        let refundable = self.refundable();
        if amount.minor > refundable.minor {
            return Err(DomainError::validation(format!(
                "{what} of {amount} exceeds the {refundable} still refundable"
            )));
        }
        let caps = self.open()?.minors();
        let (paid, total) = (self.paid.minors(), self.paid.total().minor);
        let fee = amount.scale(paid[1], total)?.minor;
        let commission = amount.scale(paid[2], total)?.minor;
        let ideal = [amount.minor - fee - commission, fee, commission];
        let mut shares: [i64; 3] = std::array::from_fn(|i| ideal[i].clamp(0, caps[i]));
        let mut missing = amount.minor - shares.iter().sum::<i64>();
        for (share, cap) in shares.iter_mut().zip(caps) {
            let step = if missing > 0 {
                missing.min(cap - *share)
            } else {
                -(-missing).min(*share)
            };
            *share += step;
            missing -= step;
        }
        if missing != 0 {
            // Unreachable: `amount <= refundable`, the sum of the caps.
            return Err(DomainError::validation(format!(
                "{what} of {amount} cannot be split over what is still open"
            )));
        }
        Split::from_minors(currency, shares)
    }

    fn account(&self, kind: AccountKind) -> Account {
        Account::new(self.space_id, kind)
    }
}

/// An entry and the payment's position after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub entry: JournalEntry,
    pub position: PaymentPosition,
}

/// A payment: debit MemberPayments with the gross amount; credit PlatformFees with the fee,
/// ReferralCommissions with the commission (if any) and CreatorEarnings with the rest. Parts
/// that round to zero get no line.
pub fn payment_received(
    reference: EntryRef,
    fact: &PaymentReceived,
) -> Result<Posting, DomainError> {
    let commission_bps = fact.referral.map_or(0, |r| r.commission_bps);
    let paid = split_payment(fact.amount, fact.platform_fee_bps, commission_bps)?;
    let position = PaymentPosition {
        space_id: fact.space_id,
        referrer: fact.referral.map(|r| r.referrer),
        paid,
        returned: Split::zero(paid.currency()),
        held: Split::zero(paid.currency()),
    };
    let mut lines = vec![Line::debit(
        position.account(AccountKind::MemberPayments),
        fact.amount,
    )];
    lines.extend(paid.lines(fact.space_id, Side::Credit));
    let memo = match fact.referral {
        Some(r) => format!("payment received, referred by member {}", r.referrer),
        None => "payment received".to_owned(),
    };
    let entry = JournalEntry::new(reference, &memo, lines)?;
    Ok(Posting { entry, position })
}

/// A full or partial refund: debit CreatorEarnings, PlatformFees and ReferralCommissions with
/// their proportional shares of `amount`; credit Refunds with `amount`. Refused beyond
/// [`PaymentPosition::refundable`], which excludes what an open dispute holds.
pub fn refund_issued(
    reference: EntryRef,
    position: &PaymentPosition,
    amount: Money,
) -> Result<Posting, DomainError> {
    let shares = position.shares_of(amount, "the refund")?;
    let mut lines: Vec<Line> = shares.lines(position.space_id, Side::Debit).collect();
    lines.push(Line::credit(position.account(AccountKind::Refunds), amount));
    let entry = JournalEntry::new(reference, "refund issued", lines)?;
    let position = PaymentPosition {
        returned: position.returned.plus(&shares)?,
        ..*position
    };
    Ok(Posting { entry, position })
}

/// The member disputed `amount` and the provider holds it: debit the proportional shares, as
/// for a refund, and credit Disputes. One dispute may be open per payment at a time.
pub fn dispute_opened(
    reference: EntryRef,
    position: &PaymentPosition,
    amount: Money,
) -> Result<Posting, DomainError> {
    if position.has_open_dispute() {
        return Err(DomainError::transition(
            "the payment already has an open dispute",
        ));
    }
    let shares = position.shares_of(amount, "the dispute")?;
    let mut lines: Vec<Line> = shares.lines(position.space_id, Side::Debit).collect();
    lines.push(Line::credit(
        position.account(AccountKind::Disputes),
        amount,
    ));
    let entry = JournalEntry::new(reference, "dispute opened, funds held", lines)?;
    let position = PaymentPosition {
        held: shares,
        ..*position
    };
    Ok(Posting { entry, position })
}

/// The dispute was won and the provider released the funds: debit Disputes; credit each share
/// back exactly as it was held.
pub fn dispute_won(
    reference: EntryRef,
    position: &PaymentPosition,
) -> Result<Posting, DomainError> {
    let held = open_dispute(position)?;
    let mut lines = vec![Line::debit(
        position.account(AccountKind::Disputes),
        held.total(),
    )];
    lines.extend(held.lines(position.space_id, Side::Credit));
    let entry = JournalEntry::new(reference, "dispute won, funds released", lines)?;
    let position = PaymentPosition {
        held: Split::zero(held.currency()),
        ..*position
    };
    Ok(Posting { entry, position })
}

/// The dispute was lost and the held funds went back to the member: debit Disputes, credit
/// Refunds. The shares stay debited, as for a refund.
pub fn dispute_lost(
    reference: EntryRef,
    position: &PaymentPosition,
) -> Result<Posting, DomainError> {
    let held = open_dispute(position)?;
    let lines = vec![
        Line::debit(position.account(AccountKind::Disputes), held.total()),
        Line::credit(position.account(AccountKind::Refunds), held.total()),
    ];
    let entry = JournalEntry::new(
        reference,
        "dispute lost, funds returned to the member",
        lines,
    )?;
    let position = PaymentPosition {
        returned: position.returned.plus(&held)?,
        held: Split::zero(held.currency()),
        ..*position
    };
    Ok(Posting { entry, position })
}

fn open_dispute(position: &PaymentPosition) -> Result<Split, DomainError> {
    if position.has_open_dispute() {
        Ok(position.held)
    } else {
        Err(DomainError::transition("the payment has no open dispute"))
    }
}

#[cfg(test)]
#[path = "posting_tests.rs"]
mod tests;
