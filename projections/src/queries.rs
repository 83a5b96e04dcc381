//! Queries over the read models, with cursor pagination. Lists fetch one row more than asked
//! to know whether a next page exists; related rows are loaded for a whole page at once.

use lyceum_domain::membership::subscription::DueAction;
use lyceum_domain::payment::method::STRIPE_PREFIX;
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

mod content;
pub use content::*;
mod questions;
pub use questions::*;
mod search;
pub use search::*;
mod topics;
pub use topics::*;

/// A page of rows and the cursor of the next page, if there is one. The cursor is the id of
/// the last row returned.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

pub(crate) fn page<T>(mut items: Vec<T>, limit: i64, id: impl Fn(&T) -> String) -> Page<T> {
    let more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or_default());
    let next = if more { items.last().map(id) } else { None };
    Page { items, next }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpaceRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub currency: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

fn space_row(row: &AnyRow) -> Result<SpaceRow, sqlx::Error> {
    Ok(SpaceRow {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        currency: row.try_get("currency")?,
        description: row.try_get("description")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A space by id or by slug.
pub async fn space(db: &Db, id_or_slug: &str) -> Result<Option<SpaceRow>, StoreError> {
    let row = sqlx::query(
        "SELECT id, slug, name, currency, description, created_at, updated_at FROM rm_spaces \
         WHERE id = $1 OR slug = $1",
    )
    .bind(id_or_slug)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.as_ref().map(space_row).transpose()?)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierRow {
    pub id: String,
    pub space_id: String,
    pub name: String,
    pub kind: String,
    pub currency: String,
    pub monthly_price_minor: Option<i64>,
    pub yearly_price_minor: Option<i64>,
    pub trial_days: i64,
    pub archived: bool,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn tier_row(row: &AnyRow) -> Result<TierRow, sqlx::Error> {
    Ok(TierRow {
        id: row.try_get("id")?,
        space_id: row.try_get("space_id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        currency: row.try_get("currency")?,
        monthly_price_minor: row.try_get("monthly_price_minor")?,
        yearly_price_minor: row.try_get("yearly_price_minor")?,
        trial_days: row.try_get("trial_days")?,
        archived: row.try_get::<i64, _>("archived")? != 0,
        archived_at: row.try_get("archived_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const TIER_COLUMNS: &str = "id, space_id, name, kind, currency, monthly_price_minor, \
     yearly_price_minor, trial_days, archived, archived_at, created_at, updated_at";

/// A space's tiers, oldest first.
pub async fn tiers(
    db: &Db,
    space_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<TierRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {TIER_COLUMNS} FROM rm_tiers WHERE space_id = $1 AND id > $2 ORDER BY id LIMIT $3"
    ))
    .bind(space_id)
    .bind(after.unwrap_or(""))
    .bind(limit + 1)
    .fetch_all(db.reader())
    .await?;
    let items = rows.iter().map(tier_row).collect::<Result<_, _>>()?;
    Ok(page(items, limit, |t: &TierRow| t.id.clone()))
}

/// One tier of a space.
pub async fn tier(db: &Db, space_id: &str, id: &str) -> Result<Option<TierRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {TIER_COLUMNS} FROM rm_tiers WHERE space_id = $1 AND id = $2"
    ))
    .bind(space_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.as_ref().map(tier_row).transpose()?)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRow {
    pub id: String,
    pub space_id: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub status: String,
    pub erased: bool,
    pub tier_ids: Vec<String>,
    pub points: u64,
    /// `None` until the space sets levels.
    pub level: Option<crate::terms::MemberLevel>,
    pub created_at: String,
    pub updated_at: String,
}

/// A member's points are the points read model's balance: manual adjustments and earned points.
const MEMBER_COLUMNS: &str = "m.id, m.space_id, m.email, m.display_name, m.status, m.erased, \
     COALESCE(b.points, 0) AS points, m.created_at, m.updated_at";
const MEMBER_FROM: &str = "rm_members m LEFT JOIN rm_points_balances b ON b.member_id = m.id";

async fn member_rows(db: &Db, rows: Vec<AnyRow>) -> Result<Vec<MemberRow>, StoreError> {
    let mut members = Vec::with_capacity(rows.len());
    for row in &rows {
        members.push(MemberRow {
            id: row.try_get("id")?,
            space_id: row.try_get("space_id")?,
            email: row.try_get("email")?,
            display_name: row.try_get("display_name")?,
            status: row.try_get("status")?,
            erased: row.try_get::<i64, _>("erased")? != 0,
            tier_ids: Vec::new(),
            points: u64::try_from(row.try_get::<i64, _>("points")?).unwrap_or(0),
            level: None,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        });
    }
    if members.is_empty() {
        return Ok(members);
    }
    let sql = format!(
        "SELECT member_id, tier_id FROM rm_member_tiers WHERE member_id IN ({}) ORDER BY joined_at, tier_id",
        placeholders(1, members.len())
    );
    let mut query = sqlx::query(&sql);
    for member in &members {
        query = query.bind(member.id.clone());
    }
    let mut tiers: HashMap<String, Vec<String>> = HashMap::new();
    for row in query.fetch_all(db.reader()).await? {
        tiers
            .entry(row.try_get("member_id")?)
            .or_default()
            .push(row.try_get("tier_id")?);
    }
    // Every row of one call is of one space (the list) or is one member.
    let rules = crate::terms::space_levels(db, &members[0].space_id).await?;
    for member in &mut members {
        member.tier_ids = tiers.remove(&member.id).unwrap_or_default();
        member.level = rules
            .as_ref()
            .map(|r| crate::terms::level_for(r, member.points));
    }
    Ok(members)
}

/// A space's members, oldest first.
pub async fn members(
    db: &Db,
    space_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<MemberRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE m.space_id = $1 AND m.id > $2 \
         ORDER BY m.id LIMIT $3"
    ))
    .bind(space_id)
    .bind(after.unwrap_or(""))
    .bind(limit + 1)
    .fetch_all(db.reader())
    .await?;
    let items = member_rows(db, rows).await?;
    Ok(page(items, limit, |m: &MemberRow| m.id.clone()))
}

/// One member, of the given space if one is given.
pub async fn member(
    db: &Db,
    space_id: Option<&str>,
    id: &str,
) -> Result<Option<MemberRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE ($1 = '' OR m.space_id = $1) AND m.id = $2"
    ))
    .bind(space_id.unwrap_or(""))
    .bind(id)
    .fetch_all(db.reader())
    .await?;
    Ok(member_rows(db, rows).await?.pop())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscriptionRow {
    pub id: String,
    pub space_id: String,
    pub member_id: String,
    pub tier_id: String,
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
        id: row.try_get("id")?,
        space_id: row.try_get("space_id")?,
        member_id: row.try_get("member_id")?,
        tier_id: row.try_get("tier_id")?,
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
    let rows = sqlx::query(&format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM rm_subscriptions WHERE space_id = $1 AND member_id = $2 \
         AND id > $3 ORDER BY id LIMIT $4"
    ))
    .bind(space_id)
    .bind(member_id)
    .bind(after.unwrap_or(""))
    .bind(limit + 1)
    .fetch_all(db.reader())
    .await?;
    let items = rows
        .iter()
        .map(subscription_row)
        .collect::<Result<_, _>>()?;
    Ok(page(items, limit, |s: &SubscriptionRow| s.id.clone()))
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

pub use crate::access::{MemberAccess, member_access};

/// `count` numbered bind placeholders from `$from`, comma-separated: `$3, $4, $5`.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

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
    pub tier_id: String,
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
                tier_id: row.try_get("tier_id")?,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderRow {
    pub id: String,
    pub space_id: String,
    pub member_id: String,
    /// `content` or `subscription_period`.
    pub item_kind: String,
    pub content_id: Option<String>,
    pub tier_id: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub refunded_minor: i64,
    /// `open`, `won` or `lost`; null without a dispute.
    pub dispute_status: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const ORDER_COLUMNS: &str = "id, space_id, member_id, item_kind, content_id, tier_id, amount_minor, \
     currency, status, refunded_minor, dispute_status, created_at, updated_at";

fn order_row(row: &AnyRow) -> Result<OrderRow, sqlx::Error> {
    Ok(OrderRow {
        id: row.try_get("id")?,
        space_id: row.try_get("space_id")?,
        member_id: row.try_get("member_id")?,
        item_kind: row.try_get("item_kind")?,
        content_id: row.try_get("content_id")?,
        tier_id: row.try_get("tier_id")?,
        amount_minor: row.try_get("amount_minor")?,
        currency: row.try_get("currency")?,
        status: row.try_get("status")?,
        refunded_minor: row.try_get("refunded_minor")?,
        dispute_status: row.try_get("dispute_status")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A member's orders, oldest first.
pub async fn orders(
    db: &Db,
    space_id: &str,
    member_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<OrderRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM rm_orders WHERE space_id = $1 AND member_id = $2 AND id > $3 \
         ORDER BY id LIMIT $4"
    ))
    .bind(space_id)
    .bind(member_id)
    .bind(after.unwrap_or(""))
    .bind(limit + 1)
    .fetch_all(db.reader())
    .await?;
    let items = rows.iter().map(order_row).collect::<Result<_, _>>()?;
    Ok(page(items, limit, |o: &OrderRow| o.id.clone()))
}

/// One order of a space.
pub async fn order(db: &Db, space_id: &str, id: &str) -> Result<Option<OrderRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM rm_orders WHERE space_id = $1 AND id = $2"
    ))
    .bind(space_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.as_ref().map(order_row).transpose()?)
}

/// One account's totals in one currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountBalance {
    pub account: String,
    pub currency: String,
    pub debits_minor: i64,
    pub credits_minor: i64,
}

/// Every ledger account of a space with its debit and credit totals, per currency.
pub async fn ledger_balances(db: &Db, space_id: &str) -> Result<Vec<AccountBalance>, StoreError> {
    let rows = sqlx::query(
        "SELECT account, currency, \
         CAST(SUM(CASE WHEN side = 'debit' THEN amount_minor ELSE 0 END) AS BIGINT) AS debits, \
         CAST(SUM(CASE WHEN side = 'credit' THEN amount_minor ELSE 0 END) AS BIGINT) AS credits \
         FROM rm_ledger_lines WHERE space_id = $1 GROUP BY account, currency \
         ORDER BY currency, account",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AccountBalance {
                account: row.try_get("account")?,
                currency: row.try_get("currency")?,
                debits_minor: row.try_get("debits")?,
                credits_minor: row.try_get("credits")?,
            })
        })
        .collect()
}
