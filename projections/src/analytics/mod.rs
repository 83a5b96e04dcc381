//! The analytics read model: `rm_mrr_changes`, one row per subscription event with the
//! subscription's monthly recurring revenue (MRR) before and after it. Like the subscriptions
//! read model it folds the stream up to the event through the domain aggregate, so the
//! lifecycle rules live in one place; a space's MRR is the sum of its deltas.
//!
//! Rules:
//! - A subscription contributes its list price normalised to a month (a yearly price / 12,
//!   rounded half away from zero) while it is `active` or `past_due`. Past-due subscriptions
//!   still count: dunning may recover the payment, and they drop out when they are canceled.
//! - `incomplete`, `trialing` and `canceled` subscriptions, and comps, contribute 0.
//! - Every subscription event gets a row, zero deltas included, so the latest row of a
//!   subscription always states its current contribution, tier and status.
//! - Rows come from event data and `occurred_at` only, so a replay reproduces them exactly.

pub mod queries;

use lyceum_domain::Aggregate;
use lyceum_domain::membership::subscription::{
    Billing, BillingInterval, Subscription, SubscriptionEvent, SubscriptionState,
    SubscriptionStatus,
};
use lyceum_domain::money::Money;
use lyceum_store::read::stream_until;
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

/// A price per billing cycle normalised to one month, in the same currency.
pub fn monthly(price: Money, interval: BillingInterval) -> Money {
    let months = i64::from(interval.months());
    // The denominator is a positive constant, so scaling cannot fail.
    price.scale(1, months).unwrap_or(price)
}

/// What a subscription in `state` adds to MRR: `(currency, minor units)`, or `None` for a comp,
/// which has no currency and adds nothing.
pub fn contribution(state: &SubscriptionState) -> Option<(String, i64)> {
    let Billing::Paid(terms) = &state.billing else {
        return None;
    };
    let counts = matches!(
        state.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
    );
    let minor = if counts {
        monthly(terms.price, terms.interval).minor
    } else {
        0
    };
    Some((terms.price.currency.to_string(), minor))
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type != Subscription::TYPE {
        return Ok(());
    }
    let history =
        stream_until(conn, Subscription::TYPE, event.aggregate_id, event.position).await?;
    let mut subscription = Subscription::default();
    let mut before = None;
    for stored in &history {
        if stored.position == event.position {
            before = Some(subscription.state.as_ref().and_then(contribution));
        }
        subscription.apply(&stored.decode::<SubscriptionEvent>()?);
    }
    let Some(state) = subscription.state else {
        return Ok(());
    };
    let after = contribution(&state);
    let before = before.flatten();
    let currency = after
        .as_ref()
        .or(before.as_ref())
        .map(|(currency, _)| currency.clone());
    let mrr_before = before.map_or(0, |(_, minor)| minor);
    let mrr_after = after.map_or(0, |(_, minor)| minor);
    sqlx::query(
        "INSERT INTO rm_mrr_changes (position, space_id, subscription_id, tier_id, currency, \
         recorded_at, mrr_before_minor, mrr_after_minor, delta_minor, status_after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (position) DO NOTHING",
    )
    .bind(event.position)
    .bind(state.space_id.to_string())
    .bind(event.aggregate_id.to_string())
    .bind(state.tier_id.to_string())
    .bind(currency)
    .bind(event.occurred_at.clone())
    .bind(mrr_before)
    .bind(mrr_after)
    .bind(mrr_after - mrr_before)
    .bind(state.status.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use lyceum_domain::ids::{MemberId, SpaceId, TierId};
    use lyceum_domain::membership::subscription::{CompReason, DunningSchedule, PaidTerms};
    use lyceum_domain::values::Currency;

    fn paid(
        status: SubscriptionStatus,
        price: Money,
        interval: BillingInterval,
    ) -> SubscriptionState {
        SubscriptionState {
            space_id: SpaceId::new(),
            member_id: MemberId::new(),
            tier_id: TierId::new(),
            status,
            started_at: Utc::now(),
            billing: Billing::Paid(PaidTerms {
                price,
                interval,
                offers: Vec::new(),
                dunning: DunningSchedule::default(),
                trial_end: None,
                anchor: None,
                cycle: 0,
                period: None,
                cancel_at_period_end: false,
                pending_downgrade: None,
                dunning_state: None,
            }),
            ended_at: None,
        }
    }

    #[test]
    fn only_active_and_past_due_subscriptions_bring_in_mrr() {
        let yearly = |status| contribution(&paid(status, eur(9000), BillingInterval::Yearly));
        let eur750 = Some(("EUR".to_owned(), 750));
        let eur0 = Some(("EUR".to_owned(), 0));
        assert_eq!(yearly(SubscriptionStatus::Active), eur750);
        assert_eq!(yearly(SubscriptionStatus::PastDue), eur750);
        assert_eq!(yearly(SubscriptionStatus::Trialing), eur0);
        assert_eq!(yearly(SubscriptionStatus::Incomplete), eur0);
        assert_eq!(yearly(SubscriptionStatus::Canceled), eur0);
    }

    #[test]
    fn a_comp_brings_in_nothing() {
        let mut comp = paid(
            SubscriptionStatus::Active,
            eur(900),
            BillingInterval::Monthly,
        );
        comp.billing = Billing::Comp {
            reason: CompReason::Comp,
            until: Utc::now(),
        };
        assert_eq!(contribution(&comp), None);
    }

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap())
    }

    #[test]
    fn a_monthly_price_is_its_own_mrr() {
        assert_eq!(monthly(eur(900), BillingInterval::Monthly), eur(900));
    }

    #[test]
    fn a_yearly_price_is_spread_over_twelve_months() {
        assert_eq!(monthly(eur(9000), BillingInterval::Yearly), eur(750));
    }

    #[test]
    fn a_yearly_price_rounds_half_away_from_zero() {
        // 1000 / 12 = 83.33…, 1002 / 12 = 83.5, 1001 / 12 = 83.41…
        assert_eq!(monthly(eur(1000), BillingInterval::Yearly), eur(83));
        assert_eq!(monthly(eur(1002), BillingInterval::Yearly), eur(84));
        assert_eq!(monthly(eur(1001), BillingInterval::Yearly), eur(83));
        assert_eq!(monthly(eur(-1002), BillingInterval::Yearly), eur(-84));
    }
}
