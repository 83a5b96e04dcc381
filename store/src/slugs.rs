//! Space slugs, reserved in the same transaction as the event that creates the space, so a
//! slug resolves to its space as soon as the creating request has been answered.

use crate::Db;
use crate::error::StoreError;
use sqlx::Row;
use uuid::Uuid;

/// Finds a space by id or slug: `(id, slug)`.
pub async fn resolve(db: &Db, id_or_slug: &str) -> Result<Option<(Uuid, String)>, StoreError> {
    let row = sqlx::query("SELECT space_id, slug FROM slugs WHERE slug = $1 OR space_id = $1")
        .bind(id_or_slug)
        .fetch_optional(db.reader())
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((
        Uuid::parse_str(&row.try_get::<String, _>("space_id")?)?,
        row.try_get("slug")?,
    )))
}
