//! One claim per (space, member, item) bought on its own, so a member never pays twice for the
//! same item, however many purchase requests race. A purchase claims the row before it charges
//! (a short lease, committed at once, so a concurrent purchase sees it and is refused); the
//! order's own transaction then marks the claim paid, or gives it up when the charge failed;
//! the transaction of a full refund releases it, so the item can be bought again.
//!
//! A claim whose lease ran out (the request died between claim and commit) is taken over with
//! the order id it named, so the new attempt asks the provider for the same charge (the charge's
//! idempotency key names the order) and appends to the same order: at most one of them commits.

use crate::error::StoreError;
use crate::migrate::Migration;
use crate::side_write::{BoxFuture, SideWrite};
use crate::{Db, time};
use chrono::{Duration, Utc};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

const TABLES: &str = r#"
CREATE TABLE content_purchases (
    space_id TEXT NOT NULL, member_id TEXT NOT NULL, content_id TEXT NOT NULL,
    order_id TEXT NOT NULL, locked_until TEXT NOT NULL, paid_at TEXT,
    PRIMARY KEY (space_id, member_id, content_id)
);
"#;

pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0007-content-purchases",
    postgres: TABLES,
    sqlite: TABLES,
};

/// How long an unpaid claim blocks other purchases of the item before one may take it over.
pub const LEASE: Duration = Duration::seconds(60);

/// Who buys what: the claim's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purchase {
    pub space_id: Uuid,
    pub member_id: Uuid,
    pub content_id: Uuid,
}

/// What claiming a purchase found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseClaim {
    /// The purchase is ours: charge and place this order (the one asked for, or the one an
    /// abandoned claim named).
    Claimed { order_id: Uuid },
    /// Another purchase of the item is being charged; it settles within `retry_after` seconds.
    InProgress { retry_after: u32 },
    /// The member already bought the item and it was not refunded in full.
    Owned,
}

/// A claim change written with an order's events.
#[derive(Debug, Clone, PartialEq)]
pub enum PurchaseWrite {
    /// The order's charge succeeded: the claim holds for good. Fails with
    /// [`StoreError::Conflict`] when the claim no longer names the order.
    Paid { purchase: Purchase, order_id: Uuid },
    /// The charge failed, or the order was refunded in full: the item may be bought again.
    Release { purchase: Purchase, order_id: Uuid },
}

/// The row to write with the events of an order whose charge succeeded.
pub fn paid(purchase: Purchase, order_id: Uuid) -> PurchaseWrite {
    PurchaseWrite::Paid { purchase, order_id }
}

/// The row to write with the events of an order whose charge failed or that was refunded in
/// full. Releasing a claim that names another order (or none) changes nothing.
pub fn release(purchase: Purchase, order_id: Uuid) -> PurchaseWrite {
    PurchaseWrite::Release { purchase, order_id }
}

/// Claims `purchase` for `order_id`, committed at once, before anything is charged.
pub async fn claim(
    db: &Db,
    purchase: Purchase,
    order_id: Uuid,
) -> Result<PurchaseClaim, StoreError> {
    let now = Utc::now();
    let claimed: Option<String> = sqlx::query_scalar(
        "INSERT INTO content_purchases (space_id, member_id, content_id, order_id, locked_until) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (space_id, member_id, content_id) DO UPDATE \
         SET locked_until = excluded.locked_until \
         WHERE content_purchases.paid_at IS NULL AND content_purchases.locked_until < $6 \
         RETURNING order_id",
    )
    .bind(purchase.space_id.to_string())
    .bind(purchase.member_id.to_string())
    .bind(purchase.content_id.to_string())
    .bind(order_id.to_string())
    .bind(time::format(now + LEASE))
    .bind(time::format(now))
    .fetch_optional(db.writer())
    .await?;
    if let Some(order_id) = claimed {
        return Ok(PurchaseClaim::Claimed {
            order_id: Uuid::parse_str(&order_id)?,
        });
    }
    let row = sqlx::query(
        "SELECT locked_until, paid_at FROM content_purchases \
         WHERE space_id = $1 AND member_id = $2 AND content_id = $3",
    )
    .bind(purchase.space_id.to_string())
    .bind(purchase.member_id.to_string())
    .bind(purchase.content_id.to_string())
    .fetch_optional(db.writer())
    .await?;
    let Some(row) = row else {
        // Released between the two statements: the next attempt will find it free.
        return Ok(PurchaseClaim::InProgress { retry_after: 1 });
    };
    if row.try_get::<Option<String>, _>("paid_at")?.is_some() {
        return Ok(PurchaseClaim::Owned);
    }
    let until = time::parse(&row.try_get::<String, _>("locked_until")?)?;
    let seconds = (until - now).num_seconds().clamp(1, LEASE.num_seconds());
    Ok(PurchaseClaim::InProgress {
        retry_after: u32::try_from(seconds).unwrap_or(1),
    })
}

impl SideWrite for PurchaseWrite {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            match self {
                PurchaseWrite::Paid { purchase, order_id } => {
                    let updated = sqlx::query(
                        "UPDATE content_purchases SET paid_at = $5 WHERE space_id = $1 \
                         AND member_id = $2 AND content_id = $3 AND order_id = $4",
                    )
                    .bind(purchase.space_id.to_string())
                    .bind(purchase.member_id.to_string())
                    .bind(purchase.content_id.to_string())
                    .bind(order_id.to_string())
                    .bind(time::now())
                    .execute(conn)
                    .await?
                    .rows_affected();
                    if updated == 1 {
                        Ok(())
                    } else {
                        Err(StoreError::Conflict)
                    }
                }
                PurchaseWrite::Release { purchase, order_id } => {
                    sqlx::query(
                        "DELETE FROM content_purchases WHERE space_id = $1 AND member_id = $2 \
                         AND content_id = $3 AND order_id = $4",
                    )
                    .bind(purchase.space_id.to_string())
                    .bind(purchase.member_id.to_string())
                    .bind(purchase.content_id.to_string())
                    .bind(order_id.to_string())
                    .execute(conn)
                    .await?;
                    Ok(())
                }
            }
        })
    }
}
