//! Reads of the analytics: MRR per currency and per tier (from `rm_mrr_changes`), and
//! subscriptions counted by status and by monthly cohort.

use crate::decode::uuid;
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

/// A space's monthly recurring revenue in one currency: the sum of its MRR deltas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrrRow {
    pub currency: String,
    pub mrr_minor: i64,
}

/// A space's MRR per currency, in currency order. See [`crate::analytics`] for what counts.
pub async fn mrr(db: &Db, space_id: &str) -> Result<Vec<MrrRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT currency, CAST(SUM(delta_minor) AS BIGINT) AS mrr_minor FROM rm_mrr_changes \
         WHERE space_id = $1 AND currency IS NOT NULL GROUP BY currency ORDER BY currency",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    let mrr = rows
        .iter()
        .map(|row| {
            Ok(MrrRow {
                currency: row.try_get("currency")?,
                mrr_minor: row.try_get("mrr_minor")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(mrr)
}

/// How many of a space's subscriptions are in each status now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubscriptionCounts {
    pub incomplete: i64,
    pub trialing: i64,
    pub active: i64,
    pub past_due: i64,
    pub canceled: i64,
}

/// A space's subscriptions counted by status.
pub async fn subscription_counts(
    db: &Db,
    space_id: &str,
) -> Result<SubscriptionCounts, StoreError> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM rm_subscriptions WHERE space_id = $1 GROUP BY status",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    let mut counts = SubscriptionCounts::default();
    for row in &rows {
        let n: i64 = row.try_get("n")?;
        match row.try_get::<String, _>("status")?.as_str() {
            "incomplete" => counts.incomplete = n,
            "trialing" => counts.trialing = n,
            "active" => counts.active = n,
            "past_due" => counts.past_due = n,
            "canceled" => counts.canceled = n,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "unknown subscription status {other}"
                )));
            }
        }
    }
    Ok(counts)
}

/// The MRR of one tier in one currency, and how many subscriptions bring it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierRevenueRow {
    pub tier_id: Uuid,
    pub currency: String,
    pub mrr_minor: i64,
    /// Subscriptions of the tier that contribute to its MRR now.
    pub paying: i64,
}

/// A space's MRR per tier and currency, in tier order. Each subscription counts for the tier
/// of its latest change, so a subscription that moved tiers counts once, for its current tier.
/// Tiers whose subscriptions contribute nothing now (trials, cancellations) show 0.
pub async fn revenue_by_tier(db: &Db, space_id: &str) -> Result<Vec<TierRevenueRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.tier_id, c.currency, CAST(SUM(c.mrr_after_minor) AS BIGINT) AS mrr_minor, \
         CAST(SUM(CASE WHEN c.mrr_after_minor > 0 THEN 1 ELSE 0 END) AS BIGINT) AS paying \
         FROM rm_mrr_changes c WHERE c.space_id = $1 AND c.currency IS NOT NULL \
         AND c.position = (SELECT MAX(l.position) FROM rm_mrr_changes l \
         WHERE l.space_id = c.space_id AND l.subscription_id = c.subscription_id) \
         GROUP BY c.tier_id, c.currency ORDER BY c.tier_id, c.currency",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    let tiers = rows
        .iter()
        .map(|row| {
            Ok(TierRevenueRow {
                tier_id: uuid(row, "tier_id")?,
                currency: row.try_get("currency")?,
                mrr_minor: row.try_get("mrr_minor")?,
                paying: row.try_get("paying")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(tiers)
}

/// The subscriptions that started in one calendar month (UTC) and what became of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CohortRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Every subscription started that month, whatever its status now.
    pub started: i64,
    /// Still `active` or `past_due` now.
    pub retained: i64,
    /// `canceled` now.
    pub churned: i64,
}

/// A space's monthly cohorts, oldest first. The month is the first seven characters of
/// `started_at` (stored as RFC 3339 text on both backends), which keeps the SQL portable.
pub async fn monthly_cohorts(db: &Db, space_id: &str) -> Result<Vec<CohortRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT substr(started_at, 1, 7) AS month, COUNT(*) AS started, \
         CAST(SUM(CASE WHEN status IN ('active', 'past_due') THEN 1 ELSE 0 END) AS BIGINT) \
         AS retained, \
         CAST(SUM(CASE WHEN status = 'canceled' THEN 1 ELSE 0 END) AS BIGINT) AS churned \
         FROM rm_subscriptions WHERE space_id = $1 \
         GROUP BY substr(started_at, 1, 7) ORDER BY month",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    let cohorts = rows
        .iter()
        .map(|row| {
            Ok(CohortRow {
                month: row.try_get("month")?,
                started: row.try_get("started")?,
                retained: row.try_get("retained")?,
                churned: row.try_get("churned")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(cohorts)
}
