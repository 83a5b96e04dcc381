//! Reads of the referrals the ledger projection keeps (`rm_referrals`): the subscriptions
//! started with a member's referral code, and the commission each conversion paid.

use crate::page::{Page, page};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralRow {
    pub subscription_id: String,
    pub member_id: String,
    pub tier_id: String,
    pub started_at: String,
    pub converted_at: Option<String>,
    pub commission_minor: Option<i64>,
    pub currency: Option<String>,
}

/// The referrals of `referrer_id` in a space, in subscription order.
pub async fn referrals(
    db: &Db,
    space_id: &str,
    referrer_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<ReferralRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT subscription_id, member_id, tier_id, started_at, converted_at, commission_minor, \
         currency FROM rm_referrals WHERE space_id = $1 AND referrer_id = $2 \
         AND subscription_id > $3 ORDER BY subscription_id LIMIT $4",
    )
    .bind(space_id)
    .bind(referrer_id)
    .bind(after.unwrap_or(""))
    .bind(limit + 1)
    .fetch_all(db.reader())
    .await?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(ReferralRow {
                subscription_id: row.try_get("subscription_id")?,
                member_id: row.try_get("member_id")?,
                tier_id: row.try_get("tier_id")?,
                started_at: row.try_get("started_at")?,
                converted_at: row.try_get("converted_at")?,
                commission_minor: row.try_get("commission_minor")?,
                currency: row.try_get("currency")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(page(items, limit, |r: &ReferralRow| {
        r.subscription_id.clone()
    }))
}
