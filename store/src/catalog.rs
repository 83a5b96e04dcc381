//! Catalog constraints that must hold the moment a command is answered, so they are written in
//! the same transaction as its events rather than checked against read models that may lag:
//! topic names unique within a space, and a lesson or article in at most one course or column.

use crate::Db;
use crate::error::StoreError;
use crate::migrate::Migration;
use crate::side_write::{BoxFuture, SideWrite, unique_as};
use sqlx::AnyConnection;
use uuid::Uuid;

const TABLES: &str = r#"
CREATE TABLE topic_names (
    space_id TEXT NOT NULL, name_key TEXT NOT NULL, topic_id TEXT NOT NULL,
    PRIMARY KEY (space_id, name_key)
);
CREATE TABLE content_parents (part_id TEXT PRIMARY KEY, parent_id TEXT NOT NULL);
"#;

pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0010-catalog",
    postgres: TABLES,
    sqlite: TABLES,
};

/// What the catalog writes with an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogWrite {
    /// Reserve a topic's name in its space; fails with [`StoreError::TopicNameTaken`].
    ReserveTopicName {
        space_id: Uuid,
        name_key: String,
        topic_id: Uuid,
    },
    /// Record that a lesson or article belongs to a course or column; fails with
    /// [`StoreError::PartTaken`] when it already belongs to one.
    ClaimPart { part_id: Uuid, parent_id: Uuid },
    /// The lesson or article left its course or column.
    ReleasePart { part_id: Uuid, parent_id: Uuid },
}

/// The key under which a topic name is unique: trimmed, lower case.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The row to write with the event that defines a topic.
pub fn reserve_topic_name(space_id: Uuid, name: &str, topic_id: Uuid) -> CatalogWrite {
    CatalogWrite::ReserveTopicName {
        space_id,
        name_key: name_key(name),
        topic_id,
    }
}

/// The topic of `space_id` named `name` (in any case), as of the last committed command.
pub async fn topic_named(db: &Db, space_id: Uuid, name: &str) -> Result<Option<Uuid>, StoreError> {
    let topic: Option<String> = sqlx::query_scalar(
        "SELECT topic_id FROM topic_names WHERE space_id = $1 AND name_key = $2",
    )
    .bind(space_id.to_string())
    .bind(name_key(name))
    .fetch_optional(db.reader())
    .await?;
    Ok(topic.map(|id| Uuid::parse_str(&id)).transpose()?)
}

/// The course or column a lesson or article belongs to, as of the last committed command.
pub async fn parent_of(db: &Db, part_id: Uuid) -> Result<Option<Uuid>, StoreError> {
    let parent: Option<String> =
        sqlx::query_scalar("SELECT parent_id FROM content_parents WHERE part_id = $1")
            .bind(part_id.to_string())
            .fetch_optional(db.reader())
            .await?;
    Ok(parent.map(|p| Uuid::parse_str(&p)).transpose()?)
}

impl SideWrite for CatalogWrite {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            match self {
                CatalogWrite::ReserveTopicName {
                    space_id,
                    name_key,
                    topic_id,
                } => {
                    let result = sqlx::query(
                        "INSERT INTO topic_names (space_id, name_key, topic_id) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(space_id.to_string())
                    .bind(name_key)
                    .bind(topic_id.to_string())
                    .execute(conn)
                    .await;
                    unique_as(result, StoreError::TopicNameTaken)
                }
                CatalogWrite::ClaimPart { part_id, parent_id } => {
                    let result = sqlx::query(
                        "INSERT INTO content_parents (part_id, parent_id) VALUES ($1, $2)",
                    )
                    .bind(part_id.to_string())
                    .bind(parent_id.to_string())
                    .execute(conn)
                    .await;
                    unique_as(result, StoreError::PartTaken)
                }
                CatalogWrite::ReleasePart { part_id, parent_id } => {
                    sqlx::query(
                        "DELETE FROM content_parents WHERE part_id = $1 AND parent_id = $2",
                    )
                    .bind(part_id.to_string())
                    .bind(parent_id.to_string())
                    .execute(conn)
                    .await?;
                    Ok(())
                }
            }
        })
    }
}
