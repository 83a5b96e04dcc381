//! The subscriptions read model: one row per subscription with its status, price, current
//! period, cancellation and pending downgrade. Each event folds the stream up to it through the
//! domain aggregate, so the row is exactly the aggregate's state at that position (no second
//! copy of the lifecycle rules), live and on replay. It also says when each subscription next
//! falls due, which is how the scheduler finds its work.

pub mod queries;

use crate::subscriptions::queries::SubscriptionRow;
use lyceum_domain::Aggregate;
use lyceum_domain::membership::subscription::{
    Billing, Subscription, SubscriptionState, SubscriptionStatus,
};
use lyceum_store::read::fold_until;
use lyceum_store::time::format;
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;
use uuid::Uuid;

/// The row for a subscription in `state`: shared by this projection and by the API's answer to
/// a write, so both show the same thing.
pub fn row(
    id: Uuid,
    state: &SubscriptionState,
    created_at: String,
    updated_at: String,
) -> SubscriptionRow {
    let (interval, price, trial_end, period, cancel_at_period_end, comp_until) =
        match &state.billing {
            Billing::Paid(terms) => (
                Some(terms.interval),
                Some(terms.price),
                terms.trial_end,
                terms.period.as_ref(),
                terms.cancel_at_period_end,
                None,
            ),
            Billing::Comp { until, .. } => (None, None, None, None, false, Some(*until)),
        };
    let past_due_since = match &state.billing {
        Billing::Paid(terms) if state.status == SubscriptionStatus::PastDue => {
            terms.dunning_state.as_ref().map(|d| format(d.since))
        }
        _ => None,
    };
    let pending = match &state.billing {
        Billing::Paid(terms) => terms
            .pending_downgrade
            .as_ref()
            .map(|downgrade| (downgrade, terms.boundary())),
        Billing::Comp { .. } => None,
    };
    SubscriptionRow {
        id,
        space_id: state.space_id.0,
        member_id: state.member_id.0,
        tier_id: state.tier_id.0,
        status: state.status.as_str().to_owned(),
        billing_interval: interval.map(|i| {
            if i.months() == 12 {
                "yearly"
            } else {
                "monthly"
            }
            .to_owned()
        }),
        price_minor: price.map(|p| p.minor),
        currency: price.map(|p| p.currency.to_string()),
        trial_end: trial_end.map(format),
        period_start: period.map(|p| format(p.start)),
        period_end: period.map(|p| format(p.end)),
        cancel_at_period_end,
        comp_until: comp_until.map(format),
        past_due_since,
        started_at: format(state.started_at),
        ended_at: state.ended_at.map(format),
        created_at,
        updated_at,
        pending_tier_id: pending.map(|(downgrade, _)| downgrade.tier_id.to_string()),
        pending_price_minor: pending.map(|(downgrade, _)| downgrade.price.minor),
        pending_effective_at: pending.and_then(|(_, at)| at).map(format),
    }
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type != Subscription::TYPE {
        return Ok(());
    }
    let (subscription, created_at) = fold_until::<Subscription>(conn, event).await?;
    let due = subscription.next_due();
    let Some(state) = subscription.state else {
        return Ok(());
    };
    let row = row(
        event.aggregate_id,
        &state,
        created_at,
        event.occurred_at.clone(),
    );
    sqlx::query(
        "INSERT INTO rm_subscriptions (id, space_id, member_id, tier_id, status, billing_interval, \
         price_minor, currency, trial_end, period_start, period_end, cancel_at_period_end, \
         comp_until, started_at, ended_at, created_at, updated_at, position, next_due_at, \
         next_due_action, past_due_since, pending_tier_id, pending_price_minor, \
         pending_effective_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22, $23, $24) \
         ON CONFLICT (id) DO UPDATE SET tier_id = excluded.tier_id, status = excluded.status, \
         billing_interval = excluded.billing_interval, price_minor = excluded.price_minor, \
         currency = excluded.currency, trial_end = excluded.trial_end, \
         period_start = excluded.period_start, period_end = excluded.period_end, \
         cancel_at_period_end = excluded.cancel_at_period_end, comp_until = excluded.comp_until, \
         ended_at = excluded.ended_at, updated_at = excluded.updated_at, \
         position = excluded.position, next_due_at = excluded.next_due_at, \
         next_due_action = excluded.next_due_action, past_due_since = excluded.past_due_since, \
         pending_tier_id = excluded.pending_tier_id, \
         pending_price_minor = excluded.pending_price_minor, \
         pending_effective_at = excluded.pending_effective_at",
    )
    .bind(row.id.to_string())
    .bind(row.space_id.to_string())
    .bind(row.member_id.to_string())
    .bind(row.tier_id.to_string())
    .bind(row.status)
    .bind(row.billing_interval)
    .bind(row.price_minor)
    .bind(row.currency)
    .bind(row.trial_end)
    .bind(row.period_start)
    .bind(row.period_end)
    .bind(i64::from(row.cancel_at_period_end))
    .bind(row.comp_until)
    .bind(row.started_at)
    .bind(row.ended_at)
    .bind(row.created_at)
    .bind(row.updated_at)
    .bind(event.position)
    .bind(due.map(|(at, _)| format(at)))
    .bind(due.map(|(_, action)| format!("{action:?}")))
    .bind(row.past_due_since)
    .bind(row.pending_tier_id)
    .bind(row.pending_price_minor)
    .bind(row.pending_effective_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
