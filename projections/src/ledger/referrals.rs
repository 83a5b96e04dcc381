//! Reads of the referrals the ledger projection keeps (`rm_referrals`): the subscriptions
//! started with a member's referral code, and the commission each conversion paid.

use crate::decode::uuid;
use crate::page::{Arg, Keyset, Page, Start};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralRow {
    pub subscription_id: Uuid,
    pub member_id: Uuid,
    pub tier_id: Uuid,
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
    Keyset {
        select: "subscription_id, member_id, tier_id, started_at, converted_at, \
                 commission_minor, currency FROM rm_referrals",
        filter: "space_id = $1 AND referrer_id = $2",
        args: &[Arg::Text(space_id), Arg::Text(referrer_id)],
        key: "subscription_id",
    }
    .page(db, Start::After(after), limit, referral_row, |r| {
        r.subscription_id.to_string()
    })
    .await
}

fn referral_row(row: &AnyRow) -> Result<ReferralRow, sqlx::Error> {
    Ok(ReferralRow {
        subscription_id: uuid(row, "subscription_id")?,
        member_id: uuid(row, "member_id")?,
        tier_id: uuid(row, "tier_id")?,
        started_at: row.try_get("started_at")?,
        converted_at: row.try_get("converted_at")?,
        commission_minor: row.try_get("commission_minor")?,
        currency: row.try_get("currency")?,
    })
}
