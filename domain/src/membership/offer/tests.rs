//! given/when/then tests for the Offer aggregate and the pricing of applied offers.

use super::*;
use crate::aggregate::testing::{given, given_no_history};
use crate::values::Currency;
use chrono::TimeZone;
use uuid::Uuid;

const SPACE: SpaceId = SpaceId(Uuid::nil());
const GOLD: TierId = TierId(Uuid::from_u128(1));
const SILVER: TierId = TierId(Uuid::from_u128(2));
const ADA: MemberId = MemberId(Uuid::from_u128(10));
const BOB: MemberId = MemberId(Uuid::from_u128(11));

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, day, 0, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("bad date"))
}

fn money(minor: i64, currency: &str) -> Money {
    Money::new(
        minor,
        Currency::parse(currency).unwrap_or_else(|e| panic!("{e}")),
    )
}

fn code(raw: &str) -> OfferCode {
    OfferCode::parse(raw).unwrap_or_else(|e| panic!("{e}"))
}

fn create(discount: Discount, duration: OfferDuration) -> OfferCommand {
    OfferCommand::Create {
        space_id: SPACE,
        code: " spring-25 ".into(),
        discount,
        duration,
        max_redemptions: Some(2),
        expires_at: Some(at(30)),
        purpose: OfferPurpose::SignUp,
        tier_ids: vec![GOLD, GOLD],
        now: at(1),
    }
}

fn created() -> OfferEvent {
    OfferEvent::OfferCreated {
        space_id: SPACE,
        code: code("SPRING-25"),
        discount: Discount::Percent { basis_points: 2000 },
        duration: OfferDuration::Once,
        max_redemptions: Some(2),
        expires_at: Some(at(30)),
        purpose: OfferPurpose::SignUp,
        tier_ids: vec![GOLD],
        created_at: at(1),
    }
}

fn redeemed(member_id: MemberId) -> OfferEvent {
    OfferEvent::OfferRedeemed {
        member_id,
        tier_id: GOLD,
        redeemed_at: at(2),
    }
}

fn redeem(member_id: MemberId, tier_id: TierId, day: u32) -> OfferCommand {
    OfferCommand::Redeem {
        member_id,
        tier_id,
        now: at(day),
    }
}

fn applied(discount: Discount, duration: OfferDuration) -> AppliedOffer {
    AppliedOffer {
        code: code("X-1"),
        discount,
        duration,
        purpose: OfferPurpose::SignUp,
    }
}

#[test]
fn an_offer_is_created_with_a_normalised_code_and_unique_tiers() {
    given_no_history::<Offer>()
        .when(create(
            Discount::Percent { basis_points: 2000 },
            OfferDuration::Once,
        ))
        .then_expect_events(vec![created()]);
}

#[test]
fn codes_are_short_upper_case_words() {
    assert_eq!(code("ab-9").as_str(), "AB-9");
    for bad in ["", "ab", "a b c", "ÜBER-10", "under_score", &"X".repeat(33)] {
        assert!(OfferCode::parse(bad).is_err(), "{bad:?} should be refused");
    }
    assert!(OfferCode::parse(&"X".repeat(32)).is_ok());
}

#[test]
fn invalid_offers_are_refused() {
    let eur = |minor| money(minor, "EUR");
    let cases = [
        create(Discount::Percent { basis_points: 0 }, OfferDuration::Once),
        create(
            Discount::Percent {
                basis_points: 10_001,
            },
            OfferDuration::Once,
        ),
        create(Discount::Fixed { amount: eur(0) }, OfferDuration::Once),
        create(
            Discount::Fixed { amount: eur(100) },
            OfferDuration::Months { months: 0 },
        ),
        create(
            Discount::Fixed { amount: eur(100) },
            OfferDuration::Months {
                months: MAX_OFFER_MONTHS + 1,
            },
        ),
    ];
    for command in cases {
        given_no_history::<Offer>()
            .when(command)
            .then_expect_error(Code::ValidationFailed);
    }
    let mut no_room = create(
        Discount::Percent { basis_points: 1 },
        OfferDuration::Forever,
    );
    if let OfferCommand::Create {
        max_redemptions, ..
    } = &mut no_room
    {
        *max_redemptions = Some(0);
    }
    given_no_history::<Offer>()
        .when(no_room)
        .then_expect_error(Code::ValidationFailed);
    let mut stale = create(
        Discount::Percent { basis_points: 1 },
        OfferDuration::Forever,
    );
    if let OfferCommand::Create { expires_at, .. } = &mut stale {
        *expires_at = Some(at(1));
    }
    given_no_history::<Offer>()
        .when(stale)
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn an_offer_is_created_once() {
    given::<Offer>(vec![created()])
        .when(create(
            Discount::Percent { basis_points: 2000 },
            OfferDuration::Once,
        ))
        .then_expect_error(Code::Conflict);
}

#[test]
fn a_member_redeems_an_offer_for_a_listed_tier() {
    given::<Offer>(vec![created()])
        .when(redeem(ADA, GOLD, 2))
        .then_expect_events(vec![redeemed(ADA)]);
}

#[test]
fn an_offer_without_tiers_applies_to_any_tier() {
    let mut any_tier = created();
    if let OfferEvent::OfferCreated { tier_ids, .. } = &mut any_tier {
        tier_ids.clear();
    }
    given::<Offer>(vec![any_tier])
        .when(redeem(ADA, SILVER, 2))
        .then_expect_events(vec![OfferEvent::OfferRedeemed {
            member_id: ADA,
            tier_id: SILVER,
            redeemed_at: at(2),
        }]);
}

#[test]
fn an_offer_for_other_tiers_is_refused() {
    given::<Offer>(vec![created()])
        .when(redeem(ADA, SILVER, 2))
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn an_expired_offer_is_refused_from_its_expiry_on() {
    given::<Offer>(vec![created()])
        .when(redeem(ADA, GOLD, 30))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn an_exhausted_offer_is_refused() {
    given::<Offer>(vec![created(), redeemed(ADA), redeemed(BOB)])
        .when(redeem(MemberId(Uuid::from_u128(12)), GOLD, 3))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_member_redeems_an_offer_once() {
    given::<Offer>(vec![created(), redeemed(ADA)])
        .when(redeem(ADA, GOLD, 3))
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn an_archived_offer_is_refused_and_archiving_repeats_quietly() {
    given::<Offer>(vec![created()])
        .when(OfferCommand::Archive { now: at(3) })
        .then_expect_events(vec![OfferEvent::OfferArchived { archived_at: at(3) }]);
    let archived = vec![created(), OfferEvent::OfferArchived { archived_at: at(3) }];
    given::<Offer>(archived.clone())
        .when(redeem(ADA, GOLD, 4))
        .then_expect_error(Code::InvalidTransition);
    given::<Offer>(archived)
        .when(OfferCommand::Archive { now: at(4) })
        .then_expect_events(vec![]);
}

#[test]
fn commands_for_an_unknown_offer_are_not_found() {
    given_no_history::<Offer>()
        .when(redeem(ADA, GOLD, 2))
        .then_expect_error(Code::NotFound);
}

#[test]
fn the_applied_offer_is_a_snapshot_of_the_offer() {
    let state = Offer::from_history(&[created()])
        .state
        .unwrap_or_else(|| panic!("created"));
    assert_eq!(
        state.applied_offer(),
        AppliedOffer {
            code: code("SPRING-25"),
            discount: Discount::Percent { basis_points: 2000 },
            duration: OfferDuration::Once,
            purpose: OfferPurpose::SignUp,
        }
    );
    assert!(state.check_redeemable(ADA, GOLD, at(2)).is_ok());
}

#[test]
fn a_once_offer_discounts_the_first_cycle_only() {
    let offer = applied(
        Discount::Percent { basis_points: 1500 },
        OfferDuration::Once,
    );
    // 15 % of 980 yen is 147.
    assert_eq!(
        offer.price_for_cycle(money(980, "JPY"), 1),
        Ok(money(833, "JPY"))
    );
    assert_eq!(
        offer.price_for_cycle(money(980, "JPY"), 2),
        Ok(money(980, "JPY"))
    );
}

#[test]
fn a_months_offer_discounts_the_first_n_cycles() {
    let offer = applied(
        Discount::Fixed {
            amount: money(300, "EUR"),
        },
        OfferDuration::Months { months: 3 },
    );
    for cycle in 1..=3 {
        assert_eq!(
            offer.price_for_cycle(money(1000, "EUR"), cycle),
            Ok(money(700, "EUR"))
        );
    }
    assert_eq!(
        offer.price_for_cycle(money(1000, "EUR"), 4),
        Ok(money(1000, "EUR"))
    );
}

#[test]
fn a_forever_offer_discounts_every_cycle_and_rounds_half_away_from_zero() {
    let offer = applied(
        Discount::Percent { basis_points: 3333 },
        OfferDuration::Forever,
    );
    // 33.33 % of 9.99 is 3.329667, rounded to 3.33.
    assert_eq!(
        offer.price_for_cycle(money(999, "EUR"), 1),
        Ok(money(666, "EUR"))
    );
    assert_eq!(
        offer.price_for_cycle(money(999, "EUR"), 120),
        Ok(money(666, "EUR"))
    );
    let free = applied(
        Discount::Percent {
            basis_points: 10_000,
        },
        OfferDuration::Forever,
    );
    assert_eq!(
        free.price_for_cycle(money(999, "EUR"), 7),
        Ok(money(0, "EUR"))
    );
}

#[test]
fn a_fixed_discount_never_goes_below_zero() {
    let offer = applied(
        Discount::Fixed {
            amount: money(1500, "JPY"),
        },
        OfferDuration::Once,
    );
    assert_eq!(
        offer.price_for_cycle(money(980, "JPY"), 1),
        Ok(money(0, "JPY"))
    );
}

#[test]
fn prices_need_matching_currencies_and_cycles_from_one() {
    let offer = applied(
        Discount::Fixed {
            amount: money(300, "EUR"),
        },
        OfferDuration::Once,
    );
    assert!(offer.price_for_cycle(money(980, "JPY"), 1).is_err());
    assert!(offer.price_for_cycle(money(980, "JPY"), 2).is_err());
    assert!(offer.price_for_cycle(money(1000, "EUR"), 0).is_err());
    assert!(offer.price_for_cycle(money(-1, "EUR"), 2).is_err());
}

#[test]
fn events_round_trip_through_the_log_format() {
    for event in [created(), redeemed(ADA)] {
        let stored = crate::event::encode(&event).unwrap_or_else(|e| panic!("{e}"));
        let back: OfferEvent =
            crate::event::decode(&stored.event_type, stored.event_version, stored.payload)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, event);
    }
}
