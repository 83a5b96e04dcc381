//! Space slugs, reserved in the same transaction as the event that creates the space, so a
//! slug resolves to its space as soon as the creating request has been answered.

use crate::Db;
use crate::error::StoreError;
use crate::side_write::{BoxFuture, SideWrite, unique_as};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

/// Reserves a space's slug with the event that creates the space; fails with
/// [`StoreError::SlugTaken`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reserve {
    pub slug: String,
    pub space_id: Uuid,
}

impl SideWrite for Reserve {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let result = sqlx::query("INSERT INTO slugs (slug, space_id) VALUES ($1, $2)")
                .bind(&self.slug)
                .bind(self.space_id.to_string())
                .execute(conn)
                .await;
            unique_as(result, StoreError::SlugTaken)
        })
    }
}

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
