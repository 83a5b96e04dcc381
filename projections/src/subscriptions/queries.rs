//! Reads of the subscriptions read model: a member's subscriptions, one subscription, and the
//! scheduler's work list.

use crate::decode::uuid;
use crate::page::{Arg, Keyset, Page, Start};
use lyceum_domain::membership::subscription::DueAction;
use lyceum_domain::payment::method::STRIPE_PREFIX;
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscriptionRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub member_id: Uuid,
    pub tier_id: Uuid,
    pub status: String,
    pub billing_interval: Option<String>,
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub trial_end: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub cancel_at_period_end: bool,
    pub comp_until: Option<String>,
    /// When the failing charge first failed, while the subscription is past due.
    pub past_due_since: Option<String>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// A downgrade waiting for the next boundary: the tier, its price and when it applies.
    pub pending_tier_id: Option<String>,
    pub pending_price_minor: Option<i64>,
    pub pending_effective_at: Option<String>,
}

const SUBSCRIPTION_COLUMNS: &str = "id, space_id, member_id, tier_id, status, billing_interval, \
     price_minor, currency, trial_end, period_start, period_end, cancel_at_period_end, comp_until, \
     past_due_since, started_at, ended_at, created_at, updated_at, pending_tier_id, \
     pending_price_minor, pending_effective_at";

fn subscription_row(row: &AnyRow) -> Result<SubscriptionRow, sqlx::Error> {
    Ok(SubscriptionRow {
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
        member_id: uuid(row, "member_id")?,
        tier_id: uuid(row, "tier_id")?,
        status: row.try_get("status")?,
        billing_interval: row.try_get("billing_interval")?,
        price_minor: row.try_get("price_minor")?,
        currency: row.try_get("currency")?,
        trial_end: row.try_get("trial_end")?,
        period_start: row.try_get("period_start")?,
        period_end: row.try_get("period_end")?,
        cancel_at_period_end: row.try_get::<i64, _>("cancel_at_period_end")? != 0,
        comp_until: row.try_get("comp_until")?,
        past_due_since: row.try_get("past_due_since")?,
        started_at: row.try_get("started_at")?,
        ended_at: row.try_get("ended_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        pending_tier_id: row.try_get("pending_tier_id")?,
        pending_price_minor: row.try_get("pending_price_minor")?,
        pending_effective_at: row.try_get("pending_effective_at")?,
    })
}

/// A member's subscriptions, oldest first.
pub async fn subscriptions(
    db: &Db,
    space_id: &str,
    member_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<SubscriptionRow>, StoreError> {
    Keyset {
        select: &format!("{SUBSCRIPTION_COLUMNS} FROM rm_subscriptions"),
        filter: "space_id = $1 AND member_id = $2",
        args: &[Arg::Text(space_id), Arg::Text(member_id)],
        key: "id",
    }
    .page(db, Start::After(after), limit, subscription_row, |s| {
        s.id.to_string()
    })
    .await
}

/// One subscription of a space.
pub async fn subscription(
    db: &Db,
    space_id: &str,
    id: &str,
) -> Result<Option<SubscriptionRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM rm_subscriptions WHERE space_id = $1 AND id = $2"
    ))
    .bind(space_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.as_ref().map(subscription_row).transpose()?)
}

/// Subscriptions due at or before `now` (RFC 3339), earliest first: the scheduler's work list.
/// The read model may lag; the scheduler checks each against its aggregate. A charge that
/// Stripe collects (the stored payment method starts with `stripe:`) is not the scheduler's
/// work, so such a subscription is listed only when it is due to expire.
pub async fn due_subscriptions(db: &Db, now: &str, limit: i64) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM rm_subscriptions s WHERE next_due_at IS NOT NULL AND next_due_at <= $1 \
         AND (next_due_action = $4 OR NOT EXISTS (SELECT 1 FROM \
         subscription_payment_methods m WHERE m.subscription_id = s.id \
         AND lower(m.payment_method) LIKE $3)) \
         ORDER BY next_due_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .bind(format!("{STRIPE_PREFIX}%"))
    // The projection stores the action as its debug name.
    .bind(format!("{:?}", DueAction::Expire))
    .fetch_all(db.reader())
    .await?)
}
