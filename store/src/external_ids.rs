//! Who a member or an item is in the creator's other system, unique within a space and kind:
//! claimed in the same transaction as the event that creates the member or item, so an import
//! or a migration that runs again finds what it already brought over the moment the first run's
//! command was answered, and two creates of the same id cannot both succeed. A member's claim
//! is released when their personal data is erased, since another system's id says who they are.

use crate::Db;
use crate::error::StoreError;
use crate::migrate::Migration;
use crate::side_write::{BoxFuture, SideWrite, unique_as};
use sqlx::AnyConnection;
use uuid::Uuid;

const TABLES: &str = r#"
CREATE TABLE external_ids (
    space_id TEXT NOT NULL, kind TEXT NOT NULL, external_id TEXT NOT NULL, target_id TEXT NOT NULL,
    PRIMARY KEY (space_id, kind, external_id)
);
CREATE INDEX external_ids_target ON external_ids (target_id);
"#;

pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0017-external-ids",
    postgres: TABLES,
    sqlite: TABLES,
};

/// What carries an external id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Member,
    Content,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Member => "member",
            Kind::Content => "content",
        }
    }
}

/// What a create or an erasure writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalIdWrite {
    /// Claims `external_id` for `target_id`; fails with [`StoreError::ExternalIdTaken`].
    Claim {
        space_id: Uuid,
        kind: Kind,
        external_id: String,
        target_id: Uuid,
    },
    /// Forgets whatever `target_id` claimed.
    Release { target_id: Uuid },
}

impl SideWrite for ExternalIdWrite {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            match self {
                ExternalIdWrite::Claim {
                    space_id,
                    kind,
                    external_id,
                    target_id,
                } => {
                    let result = sqlx::query(
                        "INSERT INTO external_ids (space_id, kind, external_id, target_id) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(space_id.to_string())
                    .bind(kind.as_str())
                    .bind(external_id)
                    .bind(target_id.to_string())
                    .execute(conn)
                    .await;
                    unique_as(result, StoreError::ExternalIdTaken)
                }
                ExternalIdWrite::Release { target_id } => {
                    sqlx::query("DELETE FROM external_ids WHERE target_id = $1")
                        .bind(target_id.to_string())
                        .execute(conn)
                        .await?;
                    Ok(())
                }
            }
        })
    }
}

/// The member or item of `space_id` that claimed `external_id`, as of the last committed
/// command.
pub async fn find(
    db: &Db,
    space_id: Uuid,
    kind: Kind,
    external_id: &str,
) -> Result<Option<Uuid>, StoreError> {
    let target: Option<String> = sqlx::query_scalar(
        "SELECT target_id FROM external_ids WHERE space_id = $1 AND kind = $2 AND external_id = $3",
    )
    .bind(space_id.to_string())
    .bind(kind.as_str())
    .bind(external_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(target.map(|id| Uuid::parse_str(&id)).transpose()?)
}
