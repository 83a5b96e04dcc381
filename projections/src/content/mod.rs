//! The content catalog read model: one row per item with its current text, access policy,
//! status, schedule, flags, place in a course or column, tags and topics; a snapshot of every
//! revision; and (through [`crate::topics`]) the topic graph.

pub mod queries;
pub mod search;

use lyceum_domain::Aggregate;
use lyceum_domain::content::topic::Topic;
use lyceum_domain::content::{Content, ContentEvent, PartChange};
use lyceum_store::{StoreError, StoredEvent, time};
use sqlx::AnyConnection;

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type == Topic::TYPE {
        return crate::topics::apply(conn, event).await;
    }
    if event.aggregate_type != Content::TYPE {
        return Ok(());
    }
    let id = event.aggregate_id.to_string();
    let event_data = event.decode::<ContentEvent>()?;
    if let Some(change) = event_data.parts() {
        return parts(conn, event, &id, change).await;
    }
    match event_data {
        ContentEvent::ContentDrafted {
            space_id,
            kind,
            title,
            body,
            excerpt,
            access,
            external_id,
        } => {
            sqlx::query(
                "INSERT INTO rm_content (id, space_id, kind, title, body, excerpt, access, status, \
                 created_at, updated_at, published_at, position, revision, featured, tags, topic_ids, \
                 external_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $8, NULL, $9, 1, 0, '[]', '[]', $10)",
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
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(external_id.map(String::from))
            .execute(&mut *conn)
            .await?;
            snapshot(conn, event, &id).await?;
        }
        ContentEvent::ContentEdited {
            title,
            body,
            excerpt,
            access,
            ..
        } => {
            // Counting keeps version-1 edits (which carry no number) right.
            sqlx::query(
                "UPDATE rm_content SET title = COALESCE($1, title), body = COALESCE($2, body), \
                 excerpt = COALESCE($3, excerpt), access = COALESCE($4, access), updated_at = $5, \
                 position = $6, revision = revision + 1 WHERE id = $7",
            )
            .bind(title)
            .bind(body)
            .bind(excerpt)
            .bind(access.map(|a| serde_json::to_string(&a)).transpose()?)
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
            snapshot(conn, event, &id).await?;
        }
        ContentEvent::ContentPublished {} => {
            touch(
                conn,
                event,
                &id,
                "status = 'published', published_at = $1, scheduled_for = NULL",
            )
            .await?;
        }
        ContentEvent::ContentUnpublished {} => {
            touch(conn, event, &id, "status = 'unpublished'").await?;
        }
        ContentEvent::ContentScheduled { publish_at } => {
            sqlx::query(
                "UPDATE rm_content SET scheduled_for = $1, updated_at = $2, position = $3 WHERE id = $4",
            )
            .bind(time::format(publish_at))
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        }
        ContentEvent::ContentUnscheduled {} => {
            touch(conn, event, &id, "scheduled_for = NULL").await?;
        }
        ContentEvent::ContentArchived {} => {
            touch(
                conn,
                event,
                &id,
                "status = 'archived', archived_at = $1, scheduled_for = NULL, featured = 0",
            )
            .await?;
        }
        ContentEvent::ContentFeatured {} => touch(conn, event, &id, "featured = 1").await?,
        ContentEvent::ContentUnfeatured {} => touch(conn, event, &id, "featured = 0").await?,
        ContentEvent::ContentTagged { tags, topic_ids } => {
            let topic_ids: Vec<String> = topic_ids.iter().map(ToString::to_string).collect();
            sqlx::query(
                "UPDATE rm_content SET tags = $1, topic_ids = $2, updated_at = $3, position = $4 \
                 WHERE id = $5",
            )
            .bind(serde_json::to_string(&tags)?)
            .bind(serde_json::to_string(&topic_ids)?)
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
            for (table, column, values) in [
                ("rm_content_tags", "tag", &tags),
                ("rm_content_topics", "topic_id", &topic_ids),
            ] {
                sqlx::query(&format!("DELETE FROM {table} WHERE content_id = $1"))
                    .bind(&id)
                    .execute(&mut *conn)
                    .await?;
                for value in values {
                    sqlx::query(&format!(
                        "INSERT INTO {table} (content_id, {column}, space_id) \
                         SELECT id, $1, space_id FROM rm_content WHERE id = $2"
                    ))
                    .bind(value)
                    .bind(&id)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
        // Part changes are applied above.
        _ => {}
    }
    Ok(())
}

/// Sets `assignments` (if any; they may use `$1`, the time of the event) and the row's time
/// and position.
async fn touch(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    id: &str,
    assignments: &str,
) -> Result<(), StoreError> {
    let assignments = match assignments {
        "" => String::new(),
        some => format!("{some}, "),
    };
    sqlx::query(&format!(
        "UPDATE rm_content SET {assignments}updated_at = $1, position = $2 WHERE id = $3"
    ))
    .bind(&event.occurred_at)
    .bind(event.position)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the item's text as it is after `event`, as its current revision.
async fn snapshot(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rm_content_revisions (content_id, revision, space_id, title, body, excerpt, \
         access, actor, recorded_at, position) \
         SELECT id, revision, space_id, title, body, excerpt, access, $1, $2, $3 \
         FROM rm_content WHERE id = $4",
    )
    .bind(&event.actor)
    .bind(&event.occurred_at)
    .bind(event.position)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A course's lessons or a column's articles: each part row names its container and its place.
async fn parts(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    container: &str,
    change: PartChange<'_>,
) -> Result<(), StoreError> {
    match change {
        PartChange::Added(part) => {
            sqlx::query(
                "UPDATE rm_content SET parent_id = $1, part_no = (SELECT COALESCE(MAX(part_no), 0) + 1 \
                 FROM rm_content WHERE parent_id = $1) WHERE id = $2",
            )
            .bind(container)
            .bind(part.to_string())
            .execute(&mut *conn)
            .await?;
        }
        PartChange::Removed(part) => {
            sqlx::query(
                "UPDATE rm_content SET parent_id = NULL, part_no = NULL WHERE id = $1 AND parent_id = $2",
            )
            .bind(part.to_string())
            .bind(container)
            .execute(&mut *conn)
            .await?;
        }
        PartChange::Reordered(order) => {
            for (place, part) in order.iter().enumerate() {
                sqlx::query("UPDATE rm_content SET part_no = $1 WHERE id = $2 AND parent_id = $3")
                    .bind(i64::try_from(place).unwrap_or(i64::MAX) + 1)
                    .bind(part.to_string())
                    .bind(container)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    touch(conn, event, container, "").await
}
