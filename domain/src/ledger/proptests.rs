//! Property test: random histories of purchases, renewals, upgrades, refunds, disputes and
//! redelivered provider events, in several spaces and currencies (JPY included), keep the
//! ledger balanced, every account in a possible state, and every posting idempotent.
//!
//! The test drives the posting rules the way the ledger projection will: skip an event whose
//! reference is already posted, otherwise compute the posting from the payment's current
//! position, post it, and keep the new position. Beside the ledger it keeps an oracle of plain
//! totals (paid, returned, held) that never uses the split arithmetic, and checks the ledger
//! against it after every step.

use super::*;
use crate::error::{Code, DomainError};
use crate::ids::{MemberId, SpaceId};
use crate::money::Money;
use crate::values::Currency;
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::HashMap;
use uuid::Uuid;

const SPACES: usize = 3;
const CURRENCIES: [&str; 3] = ["EUR", "USD", "JPY"];
const WHOLE: i64 = BPS_WHOLE as i64;

fn currency(i: usize) -> Currency {
    Currency::parse(CURRENCIES[i]).unwrap_or_else(|e| panic!("{e}"))
}

fn space(i: usize) -> SpaceId {
    SpaceId(Uuid::from_u128(i as u128 + 1))
}

/// One thing that happens in the generated history.
#[derive(Debug, Clone)]
enum Step {
    Purchase {
        space: usize,
        currency: usize,
        amount: i64,
        fee_bps: u32,
        commission_bps: Option<u32>,
    },
    /// Another payment on the same terms as an earlier one.
    Renewal {
        of: Index,
    },
    /// A credit of the unused part of an earlier payment, then a dearer charge.
    Upgrade {
        of: Index,
        unused_bps: u32,
        extra: i64,
    },
    /// A refund of `bps` of what is still refundable (10 000: all of it).
    Refund {
        of: Index,
        bps: u32,
    },
    /// A refund of more than is refundable, which must be refused.
    OverRefund {
        of: Index,
        extra: i64,
    },
    OpenDispute {
        of: Index,
        bps: u32,
    },
    CloseDispute {
        of: Index,
        won: bool,
    },
    /// The provider delivers an event it already delivered.
    Redeliver {
        event: Index,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Fact {
    Paid(PaymentReceived),
    Refunded { payment: usize, amount: Money },
    DisputeOpened { payment: usize, amount: Money },
    DisputeWon { payment: usize },
    DisputeLost { payment: usize },
}

#[derive(Debug, Clone, PartialEq)]
struct ProviderEvent {
    reference: EntryRef,
    fact: Fact,
}

/// A payment as the projection tracks it, with the oracle's plain totals beside it.
#[derive(Debug, Clone, PartialEq)]
struct Payment {
    terms: PaymentReceived,
    position: PaymentPosition,
    returned: i64,
    held: i64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Oracle {
    paid: i64,
    returned: i64,
    held: i64,
}

#[derive(Debug, PartialEq)]
enum Handled {
    New,
    Duplicate,
}

#[derive(Default)]
struct World {
    ledger: Ledger,
    payments: Vec<Payment>,
    delivered: Vec<ProviderEvent>,
    oracle: HashMap<(SpaceId, Currency), Oracle>,
    next_source: u128,
}

fn fail(e: DomainError) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

impl World {
    fn source(&mut self) -> Uuid {
        self.next_source += 1;
        Uuid::from_u128(self.next_source)
    }

    fn event(source: Uuid, part: &str, fact: Fact) -> Result<ProviderEvent, TestCaseError> {
        let reference = EntryRef::new(source, part).map_err(fail)?;
        Ok(ProviderEvent { reference, fact })
    }

    /// What the ledger projection does with one provider event.
    fn handle(&mut self, event: &ProviderEvent) -> Result<Handled, DomainError> {
        if self.ledger.contains(&event.reference) {
            return Ok(Handled::Duplicate);
        }
        let reference = event.reference.clone();
        let position = |p: usize| self.payments[p].position;
        let posting = match &event.fact {
            Fact::Paid(fact) => payment_received(reference, fact)?,
            Fact::Refunded { payment, amount } => {
                refund_issued(reference, &position(*payment), *amount)?
            }
            Fact::DisputeOpened { payment, amount } => {
                dispute_opened(reference, &position(*payment), *amount)?
            }
            Fact::DisputeWon { payment } => dispute_won(reference, &position(*payment))?,
            Fact::DisputeLost { payment } => dispute_lost(reference, &position(*payment))?,
        };
        if self.ledger.post(posting.entry)? == Posted::AlreadyPosted {
            return Err(DomainError::new(Code::Internal, "checked above"));
        }
        let (index, gross) = match &event.fact {
            Fact::Paid(terms) => {
                self.payments.push(Payment {
                    terms: *terms,
                    position: posting.position,
                    returned: 0,
                    held: 0,
                });
                (self.payments.len() - 1, terms.amount.minor)
            }
            Fact::Refunded { payment, .. }
            | Fact::DisputeOpened { payment, .. }
            | Fact::DisputeWon { payment }
            | Fact::DisputeLost { payment } => (*payment, 0),
        };
        let payment = &mut self.payments[index];
        payment.position = posting.position;
        let key = (payment.terms.space_id, payment.terms.amount.currency);
        let oracle = self.oracle.entry(key).or_default();
        oracle.paid += gross;
        match &event.fact {
            Fact::Paid(_) => {}
            Fact::Refunded { amount, .. } => {
                payment.returned += amount.minor;
                oracle.returned += amount.minor;
            }
            Fact::DisputeOpened { amount, .. } => {
                payment.held += amount.minor;
                oracle.held += amount.minor;
            }
            Fact::DisputeWon { .. } => {
                oracle.held -= payment.held;
                payment.held = 0;
            }
            Fact::DisputeLost { .. } => {
                oracle.held -= payment.held;
                oracle.returned += payment.held;
                payment.returned += payment.held;
                payment.held = 0;
            }
        }
        self.delivered.push(event.clone());
        Ok(Handled::New)
    }

    fn expect_new(&mut self, event: ProviderEvent) -> Result<(), TestCaseError> {
        prop_assert_eq!(self.handle(&event).map_err(fail)?, Handled::New);
        Ok(())
    }

    fn expect_refused(&mut self, event: ProviderEvent, code: Code) -> Result<(), TestCaseError> {
        let (ledger, payments) = (self.ledger.clone(), self.payments.clone());
        prop_assert_eq!(self.handle(&event).map_err(|e| e.code), Err(code));
        prop_assert_eq!(&self.ledger, &ledger);
        prop_assert_eq!(&self.payments, &payments);
        Ok(())
    }

    fn pick(&self, of: &Index) -> Option<usize> {
        (!self.payments.is_empty()).then(|| of.index(self.payments.len()))
    }

    fn run(&mut self, step: &Step) -> Result<(), TestCaseError> {
        let source = self.source();
        match step {
            Step::Purchase {
                space: s,
                currency: c,
                amount,
                fee_bps,
                commission_bps,
            } => {
                let terms = PaymentReceived {
                    space_id: space(*s),
                    amount: Money::new(*amount, currency(*c)),
                    platform_fee_bps: *fee_bps,
                    referral: commission_bps.map(|commission_bps| Referral {
                        referrer: MemberId(Uuid::from_u128(u128::from(commission_bps))),
                        commission_bps,
                    }),
                };
                self.expect_new(Self::event(source, "payment", Fact::Paid(terms))?)?;
            }
            Step::Renewal { of } => {
                if let Some(p) = self.pick(of) {
                    let terms = self.payments[p].terms;
                    self.expect_new(Self::event(source, "payment", Fact::Paid(terms))?)?;
                }
            }
            Step::Upgrade {
                of,
                unused_bps,
                extra,
            } => {
                if let Some(p) = self.pick(of) {
                    let unused = self.payments[p]
                        .position
                        .refundable()
                        .scale(i64::from(*unused_bps), WHOLE)
                        .map_err(fail)?;
                    if !unused.is_zero() {
                        let credit = Fact::Refunded {
                            payment: p,
                            amount: unused,
                        };
                        self.expect_new(Self::event(source, "upgrade-credit", credit)?)?;
                    }
                    let mut terms = self.payments[p].terms;
                    terms.amount.minor += extra;
                    let charge = Fact::Paid(terms);
                    self.expect_new(Self::event(source, "upgrade-charge", charge)?)?;
                }
            }
            Step::Refund { of, bps } => {
                if let Some(p) = self.pick(of) {
                    let refundable = self.payments[p].position.refundable();
                    let amount = refundable.scale(i64::from(*bps), WHOLE).map_err(fail)?;
                    if !amount.is_zero() {
                        let refund = Fact::Refunded { payment: p, amount };
                        self.expect_new(Self::event(source, "refund", refund)?)?;
                    }
                }
            }
            Step::OverRefund { of, extra } => {
                if let Some(p) = self.pick(of) {
                    let mut amount = self.payments[p].position.refundable();
                    amount.minor += extra;
                    let refund = Fact::Refunded { payment: p, amount };
                    let event = Self::event(source, "refund", refund)?;
                    self.expect_refused(event, Code::ValidationFailed)?;
                }
            }
            Step::OpenDispute { of, bps } => {
                if let Some(p) = self.pick(of) {
                    let position = self.payments[p].position;
                    let amount = position
                        .refundable()
                        .scale(i64::from(*bps), WHOLE)
                        .map_err(fail)?;
                    let event = Self::event(
                        source,
                        "dispute-opened",
                        Fact::DisputeOpened { payment: p, amount },
                    )?;
                    if position.has_open_dispute() {
                        self.expect_refused(event, Code::InvalidTransition)?;
                    } else if !amount.is_zero() {
                        self.expect_new(event)?;
                    }
                }
            }
            Step::CloseDispute { of, won } => {
                // Close an open dispute when there is one; otherwise check the refusal.
                let disputed: Vec<usize> = (0..self.payments.len())
                    .filter(|&p| self.payments[p].position.has_open_dispute())
                    .collect();
                let target = if disputed.is_empty() {
                    self.pick(of)
                } else {
                    Some(disputed[of.index(disputed.len())])
                };
                if let Some(p) = target {
                    let fact = if *won {
                        Fact::DisputeWon { payment: p }
                    } else {
                        Fact::DisputeLost { payment: p }
                    };
                    let event = Self::event(source, "dispute-closed", fact)?;
                    if self.payments[p].position.has_open_dispute() {
                        self.expect_new(event)?;
                    } else {
                        self.expect_refused(event, Code::InvalidTransition)?;
                    }
                }
            }
            Step::Redeliver { event } => {
                if !self.delivered.is_empty() {
                    let again = self.delivered[event.index(self.delivered.len())].clone();
                    let (ledger, payments) = (self.ledger.clone(), self.payments.clone());
                    prop_assert_eq!(self.handle(&again).map_err(fail)?, Handled::Duplicate);
                    prop_assert_eq!(&self.ledger, &ledger);
                    prop_assert_eq!(&self.payments, &payments);
                }
            }
        }
        Ok(())
    }

    fn check(&mut self) -> Result<(), TestCaseError> {
        // Debits equal credits in every currency, and both equal the sum of the posted lines
        // (so an empty trial balance cannot pass for a balanced one).
        for c in 0..CURRENCIES.len() {
            let (debits, credits) = self.ledger.trial_balance(currency(c));
            prop_assert_eq!(debits, credits);
            let posted: i64 = self
                .ledger
                .entries()
                .iter()
                .flat_map(JournalEntry::lines)
                .filter(|l| l.side == Side::Debit && l.amount.currency == currency(c))
                .map(|l| l.amount.minor)
                .sum();
            prop_assert_eq!(debits.minor, posted);
        }
        // Every account is on its normal side, MemberPayments is fully accounted for, and the
        // cash accounts agree with the oracle's plain totals.
        for s in 0..SPACES {
            for c in 0..CURRENCIES.len() {
                let key = (space(s), currency(c));
                let balance = |kind| self.ledger.balance(&Account::new(key.0, kind), key.1).minor;
                let all = AccountKind::ALL.map(balance);
                prop_assert!(all.iter().all(|b| *b >= 0), "negative balance: {:?}", all);
                let [member_payments, rest @ ..] = all;
                prop_assert_eq!(member_payments, rest.iter().sum::<i64>());
                let oracle = self.oracle.get(&key).copied().unwrap_or_default();
                prop_assert_eq!(member_payments, oracle.paid);
                prop_assert_eq!(balance(AccountKind::Refunds), oracle.returned);
                prop_assert_eq!(balance(AccountKind::Disputes), oracle.held);
                // The shares still open on each payment add up to the share accounts.
                let mut open = [0i64; 3];
                for payment in self
                    .payments
                    .iter()
                    .filter(|p| (p.terms.space_id, p.terms.amount.currency) == key)
                {
                    let pos = payment.position;
                    let minors = |s: Split| {
                        [s.creator(), s.platform_fee(), s.referral_commission()].map(|m| m.minor)
                    };
                    let (paid, returned, held) = (
                        minors(pos.paid()),
                        minors(pos.returned()),
                        minors(pos.held()),
                    );
                    for i in 0..3 {
                        prop_assert!(returned[i] + held[i] <= paid[i], "part {} over-returned", i);
                        open[i] += paid[i] - returned[i] - held[i];
                    }
                }
                prop_assert_eq!(
                    open,
                    [
                        balance(AccountKind::CreatorEarnings),
                        balance(AccountKind::PlatformFees),
                        balance(AccountKind::ReferralCommissions),
                    ]
                );
            }
        }
        // Each payment's position agrees with the oracle, and a payment returned in full has
        // reversed its original split to the minor unit.
        for payment in &self.payments {
            let pos = payment.position;
            prop_assert_eq!(pos.paid().total(), payment.terms.amount);
            prop_assert_eq!(pos.returned().total().minor, payment.returned);
            prop_assert_eq!(pos.held().total().minor, payment.held);
            prop_assert!(payment.returned + payment.held <= payment.terms.amount.minor);
            if payment.returned == payment.terms.amount.minor {
                prop_assert_eq!(pos.returned(), pos.paid());
            }
        }
        // Re-posting any posted entry is reported and changes nothing.
        let before = self.ledger.clone();
        for entry in before.entries() {
            prop_assert_eq!(self.ledger.post(entry.clone()), Ok(Posted::AlreadyPosted));
        }
        prop_assert_eq!(&self.ledger, &before);
        Ok(())
    }
}

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![1i64..=20, 1i64..=100_000, 100_000i64..=50_000_000]
}

fn share_bps() -> impl Strategy<Value = u32> {
    prop_oneof![Just(BPS_WHOLE), 1u32..=BPS_WHOLE]
}

fn step() -> impl Strategy<Value = Step> {
    let purchase = (
        0..SPACES,
        0..CURRENCIES.len(),
        amount(),
        prop_oneof![0u32..=3_000, 0u32..=BPS_WHOLE],
        proptest::option::of(0u32..=BPS_WHOLE),
    )
        .prop_map(
            |(space, currency, amount, fee_bps, commission)| Step::Purchase {
                space,
                currency,
                amount,
                fee_bps,
                commission_bps: commission.map(|c| c.min(BPS_WHOLE - fee_bps)),
            },
        );
    prop_oneof![
        3 => purchase,
        2 => any::<Index>().prop_map(|of| Step::Renewal { of }),
        2 => (any::<Index>(), 0u32..=BPS_WHOLE, 0i64..=100_000)
            .prop_map(|(of, unused_bps, extra)| Step::Upgrade { of, unused_bps, extra }),
        3 => (any::<Index>(), share_bps()).prop_map(|(of, bps)| Step::Refund { of, bps }),
        1 => (any::<Index>(), 1i64..=1_000).prop_map(|(of, extra)| Step::OverRefund { of, extra }),
        2 => (any::<Index>(), share_bps()).prop_map(|(of, bps)| Step::OpenDispute { of, bps }),
        2 => (any::<Index>(), any::<bool>()).prop_map(|(of, won)| Step::CloseDispute { of, won }),
        2 => any::<Index>().prop_map(|event| Step::Redeliver { event }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_histories_keep_the_ledger_balanced_and_idempotent(
        steps in proptest::collection::vec(step(), 1..60)
    ) {
        let mut world = World::default();
        for step in &steps {
            world.run(step)?;
            world.check()?;
        }
    }
}
