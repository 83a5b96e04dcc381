//! Reads of the orders read model: a member's orders and one order.

use crate::decode::{opt_uuid, uuid};
use crate::page::{Arg, Keyset, Page, Start};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub member_id: Uuid,
    /// `content` or `subscription_period`.
    pub item_kind: String,
    pub content_id: Option<Uuid>,
    pub tier_id: Option<Uuid>,
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
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
        member_id: uuid(row, "member_id")?,
        item_kind: row.try_get("item_kind")?,
        content_id: opt_uuid(row, "content_id")?,
        tier_id: opt_uuid(row, "tier_id")?,
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
    Keyset {
        select: &format!("{ORDER_COLUMNS} FROM rm_orders"),
        filter: "space_id = $1 AND member_id = $2",
        args: &[Arg::Text(space_id), Arg::Text(member_id)],
        key: "id",
    }
    .page(db, Start::After(after), limit, order_row, |o| {
        o.id.to_string()
    })
    .await
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
