//! The read models' one metric: how many events each has applied, counted after the commit
//! that applied them (so Prometheus's `rate` shows events per second).

use crate::Projection;
use crate::apply::Delivery;

/// The counter of events applied, labelled `projection`.
pub const EVENTS_APPLIED: &str = "lyceum_projection_events_applied_total";

/// Counts `count` events that `projection` applied and committed.
pub(crate) fn applied(projection: Projection, count: u64) {
    metrics::counter!(EVENTS_APPLIED, "projection" => projection.name()).increment(count);
}

/// Counts the deliveries that a commit moving `projection` from `after` to `through` applied.
pub(crate) fn applied_deliveries(
    projection: Projection,
    deliveries: &[Delivery],
    after: i64,
    through: i64,
) {
    let count = deliveries
        .iter()
        .filter(|delivery| (after + 1..=through).contains(&delivery.event.position))
        .count();
    applied(projection, u64::try_from(count).unwrap_or(u64::MAX));
}
