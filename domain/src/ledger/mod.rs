//! The double-entry ledger: per-space accounts, balanced journal entries, the posting rules
//! that turn payment facts into entries, and an in-memory [`Ledger`] fold. Pure: the projection
//! that maintains the ledger in storage calls these functions; nothing here does IO.
//!
//! # Conventions
//!
//! Accounts are named from the platform's point of view, per space and per currency.
//! [`AccountKind::MemberPayments`] is the only debit-normal account: gross cash received from
//! members. Every other account is credit-normal, and they say where that cash went:
//!
//! | fact | debit | credit |
//! |---|---|---|
//! | payment received | MemberPayments (gross) | PlatformFees, ReferralCommissions, CreatorEarnings (the rest) |
//! | refund issued | CreatorEarnings, PlatformFees, ReferralCommissions (proportional shares) | Refunds |
//! | dispute opened | CreatorEarnings, PlatformFees, ReferralCommissions (proportional shares) | Disputes |
//! | dispute won | Disputes | the same shares, back where they came from |
//! | dispute lost | Disputes | Refunds |
//!
//! So, per space and currency, `MemberPayments = CreatorEarnings + PlatformFees +
//! ReferralCommissions + Refunds + Disputes`, and every balance is non-negative on its normal
//! side. Refunds are credited to a contra account rather than to MemberPayments so that
//! MemberPayments keeps the gross takings and Refunds the total given back (by refund or by a
//! lost chargeback). Disputes is a holding account: its balance is what the provider holds on
//! open disputes, and it returns to zero as each dispute is won or lost.
//!
//! Refunds and disputes take from the creator, the platform and the referrer in proportion to
//! the original split, with the creator absorbing rounding, and never take from a part more than
//! is left of it: a full refund after partial ones reverses the original split exactly. What a
//! payment can still give back is [`PaymentPosition::refundable`]: paid, less refunded and lost,
//! less what an open dispute holds. A payment has at most one open dispute. An upgrade is two
//! facts: a refund of the unused part of the old payment and a new payment.
//!
//! # Idempotency
//!
//! Every entry has an [`EntryRef`] (source event id and a part name). The projection skips a
//! fact whose reference [`Ledger::contains`] (or whose stored row exists), and otherwise posts
//! the entry and keeps the returned [`PaymentPosition`] in the same transaction. Computing a
//! posting again from a position that already includes it would give a different entry under
//! the same reference, which [`Ledger::post`] reports as a conflict rather than applying twice.

mod account;
mod book;
mod entry;
mod posting;
#[cfg(test)]
mod proptests;

pub use account::{Account, AccountKind, Side};
pub use book::{Ledger, Posted};
pub use entry::{EntryRef, JournalEntry, Line, MAX_MEMO_CHARS};
pub use posting::{
    BPS_WHOLE, PaymentPosition, PaymentReceived, Posting, Referral, Split, dispute_lost,
    dispute_opened, dispute_won, payment_received, refund_issued, split_payment,
};
