//! The content catalog read model: one row per item with its current text, access policy and
//! status.

use lyceum_domain::Aggregate;
use lyceum_domain::content::{Content, ContentEvent};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type != Content::TYPE {
        return Ok(());
    }
    let id = event.aggregate_id.to_string();
    match event.decode::<ContentEvent>()? {
        ContentEvent::ContentDrafted {
            space_id,
            kind,
            title,
            body,
            excerpt,
            access,
        } => {
            sqlx::query(
                "INSERT INTO rm_content (id, space_id, kind, title, body, excerpt, access, status, \
                 created_at, updated_at, published_at, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $8, NULL, $9)",
            )
            .bind(&id)
            .bind(space_id.to_string())
            .bind(
                serde_json::to_value(kind)?
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
            .bind(title)
            .bind(body)
            .bind(excerpt)
            .bind(serde_json::to_string(&access)?)
            .bind(&event.recorded_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
        }
        ContentEvent::ContentEdited {
            title,
            body,
            excerpt,
            access,
        } => {
            sqlx::query(
                "UPDATE rm_content SET title = COALESCE($1, title), body = COALESCE($2, body), \
                 excerpt = COALESCE($3, excerpt), access = COALESCE($4, access), updated_at = $5, \
                 position = $6 WHERE id = $7",
            )
            .bind(title)
            .bind(body)
            .bind(excerpt)
            .bind(access.map(|a| serde_json::to_string(&a)).transpose()?)
            .bind(&event.recorded_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        }
        ContentEvent::ContentPublished {} => {
            sqlx::query(
                "UPDATE rm_content SET status = 'published', published_at = $1, updated_at = $1, \
                 position = $2 WHERE id = $3",
            )
            .bind(&event.recorded_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        }
        ContentEvent::ContentUnpublished {} => {
            sqlx::query(
                "UPDATE rm_content SET status = 'unpublished', updated_at = $1, position = $2 WHERE id = $3",
            )
            .bind(&event.recorded_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
