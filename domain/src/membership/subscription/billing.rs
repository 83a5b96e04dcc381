//! The calendar and arithmetic of billing: period bounds from a fixed anchor, the dunning
//! schedule, the price of a cycle under the offers a subscription was given, and proration.

use super::{BillingInterval, OfferTerms, Period};
use crate::error::DomainError;
use crate::money::Money;
use chrono::{DateTime, Months, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// On which days after the first failed charge of a cycle the charge is retried. The default is
/// days 1, 3 and 5; when the last retry fails, the subscription is canceled. An empty schedule
/// cancels on the first failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<u32>", into = "Vec<u32>")]
pub struct DunningSchedule(Vec<u32>);

impl DunningSchedule {
    /// The most retries a schedule may have.
    pub const MAX_RETRIES: usize = 8;
    /// The latest retry day: every retry falls before the shortest (28-day) period ends.
    pub const MAX_DAY: u32 = 27;

    /// A schedule of strictly increasing days, each from 1 to [`Self::MAX_DAY`].
    pub fn new(days: Vec<u32>) -> Result<Self, DomainError> {
        let increasing = days.windows(2).all(|w| w[0] < w[1]);
        let in_range = days.iter().all(|d| (1..=Self::MAX_DAY).contains(d));
        if days.len() > Self::MAX_RETRIES || !increasing || !in_range {
            return Err(DomainError::validation(format!(
                "dunning retries are at most {} strictly increasing days from 1 to {}",
                Self::MAX_RETRIES,
                Self::MAX_DAY
            )));
        }
        Ok(Self(days))
    }

    pub fn days(&self) -> &[u32] {
        &self.0
    }

    /// When retry `index` (0-based) is due, counted from the first failure; `None` after the
    /// last retry.
    pub(super) fn retry_at(
        &self,
        since: DateTime<Utc>,
        index: u32,
    ) -> Result<Option<DateTime<Utc>>, DomainError> {
        match self.0.get(index as usize) {
            Some(days) => add_days(since, *days).map(Some),
            None => Ok(None),
        }
    }
}

impl Default for DunningSchedule {
    fn default() -> Self {
        Self(vec![1, 3, 5])
    }
}

impl TryFrom<Vec<u32>> for DunningSchedule {
    type Error = DomainError;
    fn try_from(value: Vec<u32>) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<DunningSchedule> for Vec<u32> {
    fn from(value: DunningSchedule) -> Self {
        value.0
    }
}

/// What an immediate upgrade costs: the unused part of the period at the new price, less the
/// unused part at the old price, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proration {
    pub credit: Money,
    pub prorated_charge: Money,
    pub unused_seconds: i64,
    pub period_seconds: i64,
}

pub(super) fn add_days(at: DateTime<Utc>, days: u32) -> Result<DateTime<Utc>, DomainError> {
    at.checked_add_signed(TimeDelta::days(i64::from(days)))
        .ok_or_else(out_of_range)
}

pub(super) fn add_hours(at: DateTime<Utc>, hours: i64) -> Result<DateTime<Utc>, DomainError> {
    TimeDelta::try_hours(hours)
        .and_then(|delta| at.checked_add_signed(delta))
        .ok_or_else(out_of_range)
}

fn out_of_range() -> DomainError {
    DomainError::validation("date out of range")
}

/// The bounds of cycle `cycle` (1-based). Every bound is counted from the anchor, so a month-end
/// anchor stays at month end (Jan 31 → Feb 28 → Mar 31) instead of drifting.
pub(super) fn period_of(
    anchor: DateTime<Utc>,
    interval: BillingInterval,
    cycle: u32,
) -> Result<Period, DomainError> {
    let bound = |n: u32| {
        n.checked_mul(interval.months())
            .and_then(|months| anchor.checked_add_months(Months::new(months)))
            .ok_or_else(out_of_range)
    };
    Ok(Period {
        start: bound(cycle.saturating_sub(1))?,
        end: bound(cycle)?,
    })
}

/// The price of cycle `cycle` for a list price: the latest offer that starts at or before the
/// cycle applies, counting its own cycles from where it started. Yearly cycles are mapped onto
/// months (yearly cycle 2 is month 13) so a "first 3 months" offer covers the first year only.
pub(super) fn price_for_cycle(
    offers: &[OfferTerms],
    interval: BillingInterval,
    base: Money,
    cycle: u32,
) -> Result<Money, DomainError> {
    let Some(terms) = offers.iter().rev().find(|t| t.from_cycle <= cycle) else {
        return Ok(base);
    };
    let own_cycle = cycle - terms.from_cycle + 1;
    let month = (own_cycle - 1)
        .saturating_mul(interval.months())
        .saturating_add(1);
    terms.offer.price_for_cycle(base, month)
}

/// Prorates an upgrade at `now` within `period`; `old` and `new` are what the whole cycle costs
/// on the current and on the new tier.
pub(super) fn prorate(
    old: Money,
    new: Money,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Proration, DomainError> {
    let period_seconds = (period.end - period.start).num_seconds();
    let unused_seconds = (period.end - now)
        .num_seconds()
        .clamp(0, period_seconds.max(0));
    let credit = old.scale(unused_seconds, period_seconds)?;
    let charge = new
        .scale(unused_seconds, period_seconds)?
        .checked_sub(credit)?;
    Ok(Proration {
        credit,
        prorated_charge: if charge.minor < 0 {
            Money::zero(charge.currency)
        } else {
            charge
        },
        unused_seconds,
        period_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Currency;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("bad date"))
    }

    fn eur(minor: i64) -> Money {
        Money::new(
            minor,
            Currency::parse("EUR").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    #[test]
    fn periods_stay_anchored_at_month_end() {
        let anchor = at(2025, 1, 31);
        let monthly = |cycle| {
            period_of(anchor, BillingInterval::Monthly, cycle).unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(monthly(1).start, anchor);
        assert_eq!(monthly(1).end, at(2025, 2, 28));
        assert_eq!(monthly(2).end, at(2025, 3, 31));
        assert_eq!(monthly(3).end, at(2025, 4, 30));
        let yearly = period_of(at(2024, 2, 29), BillingInterval::Yearly, 1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(yearly.end, at(2025, 2, 28));
    }

    #[test]
    fn dunning_schedules_are_increasing_and_short() {
        assert_eq!(DunningSchedule::default().days(), &[1, 3, 5]);
        assert!(DunningSchedule::new(vec![]).is_ok());
        assert!(DunningSchedule::new(vec![2, 7, 14]).is_ok());
        for bad in [vec![0], vec![3, 3], vec![5, 1], vec![28], (1..=9).collect()] {
            assert!(DunningSchedule::new(bad.clone()).is_err(), "{bad:?}");
        }
        let json =
            serde_json::to_string(&DunningSchedule::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json, "[1,3,5]");
        assert!(serde_json::from_str::<DunningSchedule>("[3,1]").is_err());
    }

    #[test]
    fn proration_is_never_negative_and_clamps_to_the_period() {
        let period = Period {
            start: at(2025, 4, 1),
            end: at(2025, 5, 1),
        };
        let cheaper = prorate(eur(2000), eur(1000), period, at(2025, 4, 16))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cheaper.credit, eur(1000));
        assert_eq!(cheaper.prorated_charge, eur(0));
        let at_end =
            prorate(eur(1000), eur(2000), period, at(2025, 5, 1)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((at_end.unused_seconds, at_end.prorated_charge), (0, eur(0)));
    }
}
