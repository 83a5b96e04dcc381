//! The topic graph read model: a space's topics and the relations between them. Part of the
//! content projection (see [`crate::content`]), since items are filed under topics.

pub mod queries;

use lyceum_domain::content::topic::TopicEvent;
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    let id = event.aggregate_id.to_string();
    match event.decode::<TopicEvent>()? {
        TopicEvent::TopicDefined {
            space_id,
            name,
            description,
        } => {
            sqlx::query(
                "INSERT INTO rm_topics (id, space_id, name, description, created_at, position) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(space_id.to_string())
            .bind(name)
            .bind(description)
            .bind(&event.occurred_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
        }
        TopicEvent::TopicsRelated { topic_id, relation } => {
            sqlx::query(
                "INSERT INTO rm_topic_relations (from_id, to_id, relation, space_id, created_at) \
                 SELECT id, $1, $2, space_id, $3 FROM rm_topics WHERE id = $4",
            )
            .bind(topic_id.to_string())
            .bind(relation.as_str())
            .bind(&event.occurred_at)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
