//! Entitlements: what a member may access right now, read from the members, subscriptions and
//! orders read models under the space's current billing terms. A member holds the free tiers
//! they joined and the tier of every subscription that grants access: trialing, active (also
//! when set to cancel at period end, until it ends), a comp before its end, and past due while
//! the space's grace lasts. They own the items they paid for, unless a lost dispute or a refund
//! (as the space's refund rule says) took them back.

use crate::spaces::terms::space_terms;
use chrono::{DateTime, TimeDelta, Utc};
use lyceum_domain::membership::terms::BillingTerms;
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberAccess {
    pub is_member: bool,
    pub tier_ids: Vec<String>,
    /// Items bought and paid for and not taken back.
    pub purchased_content_ids: Vec<String>,
}

/// The entitlements of one member of a space at `now`.
pub async fn member_access(
    db: &Db,
    space_id: &str,
    member_id: &str,
    now: DateTime<Utc>,
) -> Result<MemberAccess, StoreError> {
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM rm_members WHERE space_id = $1 AND id = $2")
            .bind(space_id)
            .bind(member_id)
            .fetch_optional(db.reader())
            .await?;
    if status.as_deref() != Some("active") {
        return Ok(MemberAccess::default());
    }
    let terms = space_terms(db, space_id).await?;
    let mut tier_ids: Vec<String> = sqlx::query_scalar(
        "SELECT tier_id FROM rm_member_tiers WHERE space_id = $1 AND member_id = $2",
    )
    .bind(space_id)
    .bind(member_id)
    .fetch_all(db.reader())
    .await?;
    let subscriptions = sqlx::query(
        "SELECT tier_id, status, past_due_since FROM rm_subscriptions \
         WHERE space_id = $1 AND member_id = $2 AND status IN ('trialing', 'active', 'past_due')",
    )
    .bind(space_id)
    .bind(member_id)
    .fetch_all(db.reader())
    .await?;
    for row in &subscriptions {
        let past_due_since: Option<String> = row.try_get("past_due_since")?;
        if within_grace(&terms, past_due_since.as_deref(), now)? {
            tier_ids.push(row.try_get("tier_id")?);
        }
    }
    tier_ids.sort();
    tier_ids.dedup();
    let orders = sqlx::query(
        "SELECT content_id, amount_minor, refunded_minor, dispute_status FROM rm_orders \
         WHERE space_id = $1 AND member_id = $2 AND item_kind = 'content' \
         AND status IN ('paid', 'partially_refunded', 'refunded')",
    )
    .bind(space_id)
    .bind(member_id)
    .fetch_all(db.reader())
    .await?;
    let mut purchased_content_ids = Vec::new();
    for row in &orders {
        let lost = row
            .try_get::<Option<String>, _>("dispute_status")?
            .as_deref()
            == Some("lost");
        let kept = terms
            .refund_access()
            .keeps_access(row.try_get("amount_minor")?, row.try_get("refunded_minor")?);
        if kept && !lost {
            purchased_content_ids.push(row.try_get("content_id")?);
        }
    }
    purchased_content_ids.sort();
    purchased_content_ids.dedup();
    Ok(MemberAccess {
        is_member: true,
        tier_ids,
        purchased_content_ids,
    })
}

/// Whether a subscription in an access-granting status still grants it: always, unless it is
/// past due for longer than the space's grace.
fn within_grace(
    terms: &BillingTerms,
    past_due_since: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(since) = past_due_since else {
        return Ok(true);
    };
    let since = lyceum_store::time::parse(since)?;
    Ok(now < since + TimeDelta::days(i64::from(terms.past_due_grace_days())))
}
