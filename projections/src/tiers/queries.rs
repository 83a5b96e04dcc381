//! Reads of the tiers read model: a space's tiers and one tier.

use crate::decode::uuid;
use crate::page::{Arg, Keyset, Page, Start};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierRow {
    pub id: Uuid,
    pub space_id: Uuid,
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
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
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
    Keyset {
        select: &format!("{TIER_COLUMNS} FROM rm_tiers"),
        filter: "space_id = $1",
        args: &[Arg::Text(space_id)],
        key: "id",
    }
    .page(db, Start::After(after), limit, tier_row, |t| {
        t.id.to_string()
    })
    .await
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
