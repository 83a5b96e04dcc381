//! Reads of the spaces read model: a space by id or slug.

use crate::decode::uuid;
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpaceRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub currency: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

fn space_row(row: &AnyRow) -> Result<SpaceRow, sqlx::Error> {
    Ok(SpaceRow {
        id: uuid(row, "id")?,
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
