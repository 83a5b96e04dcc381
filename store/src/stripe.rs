//! What the Stripe-compatible inbound webhook needs beyond the log: each space's signing
//! secrets (several may be live while one rotates) and the provider event ids already handled.
//! Secrets never enter the event log; a handled event id is written in the same transaction as
//! the events it caused, so a redelivery finds it exactly when the events exist.

use crate::Db;
use crate::error::StoreError;
use crate::migrate::Migration;
use crate::side_write::{BoxFuture, SideWrite, unique_as};
use crate::time;
use sqlx::AnyConnection;
use uuid::Uuid;

/// How many signing secrets a space keeps: the newest ones, so an old and a new secret (and one
/// more, for a rotation that overlaps another) verify at the same time.
pub const MAX_SECRETS: i64 = 3;

const TABLES: &str = r#"
CREATE TABLE stripe_secrets (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, secret TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX stripe_secrets_space ON stripe_secrets (space_id);
CREATE TABLE stripe_events (
    space_id TEXT NOT NULL, event_id TEXT NOT NULL, received_at TEXT NOT NULL,
    PRIMARY KEY (space_id, event_id)
);
"#;

pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0005-stripe",
    postgres: TABLES,
    sqlite: TABLES,
};

/// A Stripe row written with an append.
#[derive(Debug, Clone, PartialEq)]
pub enum StripeWrite {
    /// Adds a signing secret and forgets all but the newest [`MAX_SECRETS`].
    AddSecret { space_id: Uuid, secret: String },
    /// Marks a provider event as handled; a second one fails with [`StoreError::Conflict`].
    RecordEvent { space_id: Uuid, event_id: String },
}

/// The row that adds a signing secret to a space.
pub fn add_secret(space_id: Uuid, secret: &str) -> StripeWrite {
    StripeWrite::AddSecret {
        space_id,
        secret: secret.to_owned(),
    }
}

/// The row that marks `event_id` as handled in the space.
pub fn record_event(space_id: Uuid, event_id: &str) -> StripeWrite {
    StripeWrite::RecordEvent {
        space_id,
        event_id: event_id.to_owned(),
    }
}

impl SideWrite for StripeWrite {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            match self {
                StripeWrite::AddSecret { space_id, secret } => {
                    sqlx::query(
                        "INSERT INTO stripe_secrets (id, space_id, secret, created_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    // Version-7 ids sort by creation, which is what "the newest" means below.
                    .bind(Uuid::now_v7().to_string())
                    .bind(space_id.to_string())
                    .bind(secret)
                    .bind(time::now())
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query(
                        "DELETE FROM stripe_secrets WHERE space_id = $1 AND id NOT IN \
                         (SELECT id FROM stripe_secrets WHERE space_id = $1 \
                         ORDER BY id DESC LIMIT $2)",
                    )
                    .bind(space_id.to_string())
                    .bind(MAX_SECRETS)
                    .execute(conn)
                    .await?;
                    Ok(())
                }
                StripeWrite::RecordEvent { space_id, event_id } => {
                    let result = sqlx::query(
                        "INSERT INTO stripe_events (space_id, event_id, received_at) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(space_id.to_string())
                    .bind(event_id)
                    .bind(time::now())
                    .execute(conn)
                    .await;
                    // A concurrent delivery of the same provider event committed first.
                    unique_as(result, StoreError::Conflict)
                }
            }
        })
    }
}

/// The space's live signing secrets, newest first.
pub async fn secrets(db: &Db, space_id: Uuid) -> Result<Vec<String>, StoreError> {
    Ok(
        sqlx::query_scalar(
            "SELECT secret FROM stripe_secrets WHERE space_id = $1 ORDER BY id DESC",
        )
        .bind(space_id.to_string())
        .fetch_all(db.reader())
        .await?,
    )
}

/// Whether the provider event was already handled in the space.
pub async fn seen(db: &Db, space_id: Uuid, event_id: &str) -> Result<bool, StoreError> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT event_id FROM stripe_events WHERE space_id = $1 AND event_id = $2",
    )
    .bind(space_id.to_string())
    .bind(event_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(found.is_some())
}
