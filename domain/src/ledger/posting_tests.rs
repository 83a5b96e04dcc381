//! Example-based tests of the posting rules; `proptests.rs` covers random sequences.

use super::*;
use crate::error::Code;
use crate::ledger::{Ledger, Posted};
use uuid::Uuid;

fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap_or_else(|e| panic!("{e}"))
}

fn eur(minor: i64) -> Money {
    Money::new(minor, currency("EUR"))
}

fn jpy(minor: i64) -> Money {
    Money::new(minor, currency("JPY"))
}

fn space() -> SpaceId {
    SpaceId(Uuid::nil())
}

fn reference(n: u128, part: &str) -> EntryRef {
    EntryRef::new(Uuid::from_u128(n), part).unwrap_or_else(|e| panic!("{e}"))
}

fn ok<T>(result: Result<T, DomainError>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

fn paid(amount: Money, fee_bps: u32, commission_bps: Option<u32>) -> Posting {
    let fact = PaymentReceived {
        space_id: space(),
        amount,
        platform_fee_bps: fee_bps,
        referral: commission_bps.map(|commission_bps| Referral {
            referrer: MemberId(Uuid::max()),
            commission_bps,
        }),
    };
    ok(payment_received(reference(1, "payment"), &fact))
}

/// `[creator, fee, commission]` in minor units.
fn parts(split: Split) -> [i64; 3] {
    split.minors()
}

fn balances(ledger: &Ledger, code: &str) -> [i64; 6] {
    AccountKind::ALL.map(|kind| {
        ledger
            .balance(&Account::new(space(), kind), currency(code))
            .minor
    })
}

fn post(ledger: &mut Ledger, posting: &Posting) {
    assert_eq!(ledger.post(posting.entry.clone()), Ok(Posted::New));
}

#[test]
fn a_payment_is_split_exactly_with_the_remainder_to_the_creator() {
    // 15% of 9.99 is 1.4985, rounded to 1.50; 10% is 0.999, rounded to 1.00.
    assert_eq!(
        parts(ok(split_payment(eur(999), 1500, 1000))),
        [749, 150, 100]
    );
    assert_eq!(parts(ok(split_payment(jpy(980), 1000, 0))), [882, 98, 0]);
    // Half a yen rounds away from zero.
    assert_eq!(parts(ok(split_payment(jpy(5), 1000, 0))), [4, 1, 0]);
    assert_eq!(parts(ok(split_payment(jpy(1), 500, 500))), [1, 0, 0]);
}

#[test]
fn fee_and_commission_never_take_more_than_the_payment() {
    // Both halves of 1 round up to 1; the commission gets what the fee leaves.
    assert_eq!(parts(ok(split_payment(jpy(1), 5000, 5000))), [0, 1, 0]);
    assert_eq!(parts(ok(split_payment(eur(3), 10_000, 0))), [0, 3, 0]);
}

#[test]
fn basis_points_and_amounts_are_checked() {
    assert!(split_payment(eur(100), 10_001, 0).is_err());
    assert!(split_payment(eur(100), 6000, 5000).is_err());
    assert!(split_payment(eur(100), u32::MAX, u32::MAX).is_err());
    assert!(split_payment(eur(0), 1000, 0).is_err());
    assert!(split_payment(eur(-100), 1000, 0).is_err());
}

#[test]
fn a_payment_credits_each_party_and_zero_parts_get_no_line() {
    let posting = paid(eur(999), 1500, Some(1000));
    let mut ledger = Ledger::new();
    post(&mut ledger, &posting);
    // MemberPayments, CreatorEarnings, PlatformFees, ReferralCommissions, Refunds, Disputes.
    assert_eq!(balances(&ledger, "EUR"), [999, 749, 150, 100, 0, 0]);
    assert_eq!(posting.position.referrer(), Some(MemberId(Uuid::max())));
    assert!(posting.entry.memo().contains(&Uuid::max().to_string()));

    let no_referral = paid(eur(999), 1500, None);
    assert_eq!(no_referral.entry.lines().len(), 3);
    assert_eq!(no_referral.position.referrer(), None);
}

#[test]
fn a_partial_refund_reverses_each_share_in_proportion() {
    let posting = paid(eur(1000), 1500, Some(1000));
    let refund = ok(refund_issued(
        reference(2, "refund"),
        &posting.position,
        eur(333),
    ));
    // Fee 49.95 -> 50, commission 33.3 -> 33, creator the rest.
    assert_eq!(parts(refund.position.returned()), [250, 50, 33]);
    assert_eq!(refund.position.refundable(), eur(667));
    let mut ledger = Ledger::new();
    post(&mut ledger, &posting);
    post(&mut ledger, &refund);
    assert_eq!(balances(&ledger, "EUR"), [1000, 500, 100, 67, 333, 0]);
}

#[test]
fn refunds_in_pieces_end_exactly_at_the_original_split() {
    // A 3-yen payment split 1/1/1: every 1-yen refund must still take whole, non-negative
    // shares, and the last one must empty every part.
    let posting = paid(jpy(3), 3334, Some(3333));
    assert_eq!(parts(posting.position.paid()), [1, 1, 1]);
    let mut position = posting.position;
    for n in 0..3 {
        let refund = ok(refund_issued(
            reference(10 + n, "refund"),
            &position,
            jpy(1),
        ));
        assert_eq!(
            refund.position.returned().total().minor - position.returned().total().minor,
            1
        );
        position = refund.position;
    }
    assert_eq!(position.returned(), position.paid());
    assert!(refund_issued(reference(20, "refund"), &position, jpy(1)).is_err());
}

#[test]
fn the_rounding_remainder_goes_to_the_creator() {
    let posting = paid(eur(1000), 1000, None);
    // 10% of 5 is 0.5, rounded to 1 for the platform; the creator's share is 4.
    let refund = ok(refund_issued(
        reference(2, "refund"),
        &posting.position,
        eur(5),
    ));
    assert_eq!(parts(refund.position.returned()), [4, 1, 0]);
    // 10% of 4 is 0.4, rounded to 0: the creator bears the whole refund.
    let refund = ok(refund_issued(
        reference(3, "refund"),
        &posting.position,
        eur(4),
    ));
    assert_eq!(parts(refund.position.returned()), [4, 0, 0]);
}

#[test]
fn a_refund_larger_than_what_is_left_is_refused() {
    let posting = paid(eur(1000), 1500, None);
    let first = ok(refund_issued(
        reference(2, "refund"),
        &posting.position,
        eur(600),
    ));
    assert!(refund_issued(reference(3, "refund"), &first.position, eur(401)).is_err());
    assert!(refund_issued(reference(3, "refund"), &first.position, eur(400)).is_ok());
}

#[test]
fn a_refund_must_be_positive_and_in_the_payments_currency() {
    let posting = paid(eur(1000), 1500, None);
    for bad in [eur(0), eur(-1), jpy(10)] {
        assert_eq!(
            refund_issued(reference(2, "refund"), &posting.position, bad).map_err(|e| e.code),
            Err(Code::ValidationFailed)
        );
    }
}

#[test]
fn a_won_dispute_holds_then_restores_every_share() {
    let posting = paid(eur(1000), 1500, Some(500));
    let opened = ok(dispute_opened(
        reference(2, "dispute-opened"),
        &posting.position,
        eur(1000),
    ));
    assert!(opened.position.has_open_dispute());
    assert_eq!(opened.position.refundable(), eur(0));
    let won = ok(dispute_won(reference(3, "dispute-won"), &opened.position));
    assert_eq!(won.position, posting.position);

    let mut ledger = Ledger::new();
    post(&mut ledger, &posting);
    post(&mut ledger, &opened);
    assert_eq!(balances(&ledger, "EUR"), [1000, 0, 0, 0, 0, 1000]);
    post(&mut ledger, &won);
    assert_eq!(balances(&ledger, "EUR"), [1000, 800, 150, 50, 0, 0]);
}

#[test]
fn a_lost_dispute_returns_the_held_funds_to_the_member() {
    let posting = paid(eur(1000), 1500, None);
    let refund = ok(refund_issued(
        reference(2, "refund"),
        &posting.position,
        eur(200),
    ));
    let opened = ok(dispute_opened(
        reference(3, "dispute-opened"),
        &refund.position,
        eur(500),
    ));
    // While the dispute is open, only what it does not hold can be refunded.
    assert_eq!(opened.position.refundable(), eur(300));
    assert!(refund_issued(reference(4, "refund"), &opened.position, eur(301)).is_err());
    let lost = ok(dispute_lost(reference(5, "dispute-lost"), &opened.position));
    assert_eq!(lost.position.returned().total(), eur(700));
    assert!(!lost.position.has_open_dispute());

    let mut ledger = Ledger::new();
    for step in [&posting, &refund, &opened, &lost] {
        post(&mut ledger, step);
    }
    assert_eq!(balances(&ledger, "EUR"), [1000, 255, 45, 0, 700, 0]);
}

#[test]
fn disputes_follow_their_lifecycle() {
    let posting = paid(eur(1000), 1500, None);
    assert_eq!(
        dispute_won(reference(2, "x"), &posting.position).map_err(|e| e.code),
        Err(Code::InvalidTransition)
    );
    assert_eq!(
        dispute_lost(reference(2, "x"), &posting.position).map_err(|e| e.code),
        Err(Code::InvalidTransition)
    );
    let opened = ok(dispute_opened(
        reference(2, "dispute-opened"),
        &posting.position,
        eur(10),
    ));
    assert_eq!(
        dispute_opened(reference(3, "dispute-opened"), &opened.position, eur(10))
            .map_err(|e| e.code),
        Err(Code::InvalidTransition)
    );
    assert!(dispute_opened(reference(3, "d"), &posting.position, eur(1001)).is_err());
}

#[test]
fn positions_are_revalidated_when_deserialized() {
    let posting = paid(eur(1000), 1500, None);
    let refund = ok(refund_issued(
        reference(2, "refund"),
        &posting.position,
        eur(400),
    ));
    let json =
        ok(serde_json::to_value(refund.position)
            .map_err(|e| DomainError::validation(e.to_string())));
    assert_eq!(
        serde_json::from_value::<PaymentPosition>(json.clone()).ok(),
        Some(refund.position)
    );
    let mut tampered = json.clone();
    tampered["returned"]["creator"]["minor"] = serde_json::json!(900);
    assert!(serde_json::from_value::<PaymentPosition>(tampered).is_err());
    let mut negative = json;
    negative["held"]["platform_fee"]["minor"] = serde_json::json!(-1);
    assert!(serde_json::from_value::<PaymentPosition>(negative).is_err());
}
