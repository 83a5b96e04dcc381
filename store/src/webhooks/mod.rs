//! Outgoing webhooks in the store: endpoints with their signing secrets (a side table written in
//! the same transaction as the endpoint's events, so secrets never enter the log), the fan-out
//! that turns the log into one delivery row per matching endpoint exactly once (rows and the
//! `webhooks` checkpoint commit together, like a projection), claiming due deliveries (on
//! Postgres with `FOR UPDATE SKIP LOCKED`, so several processes can send), recording attempts,
//! and replays.

mod deliveries;

pub use deliveries::{
    Attempt, Claimed, DeliveryRow, claim_due, deliveries, delivery, fan_out, record_attempt,
    replay_event, replay_range,
};

use crate::Db;
use crate::error::StoreError;
use crate::migrate::Migration;
use crate::side_write::{BoxFuture, SideWrite};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

/// The checkpoint the fan-out keeps, in the `checkpoints` table.
pub const CHECKPOINT: &str = "webhooks";
/// The most events one replay by time range may queue.
pub const MAX_REPLAY: usize = 10_000;

const DDL: &str = r#"
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, url TEXT NOT NULL, event_types TEXT NOT NULL,
    secret TEXT NOT NULL, previous_secret TEXT, previous_expires_at TEXT,
    active BIGINT NOT NULL, created_at TEXT NOT NULL, disabled_at TEXT
);
CREATE INDEX webhook_endpoints_space ON webhook_endpoints (space_id, id);
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, space_id TEXT NOT NULL,
    event_id TEXT NOT NULL, event_type TEXT NOT NULL, replay_id TEXT NOT NULL,
    status TEXT NOT NULL, attempts BIGINT NOT NULL, next_attempt_at TEXT NOT NULL,
    last_status_code BIGINT, last_error TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, delivered_at TEXT,
    UNIQUE (endpoint_id, event_id, replay_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL, attempt BIGINT NOT NULL, attempted_at TEXT NOT NULL,
    status_code BIGINT, error TEXT, PRIMARY KEY (delivery_id, attempt)
);
"#;

/// The webhook tables: the same DDL on both backends.
pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0003-webhooks",
    postgres: DDL,
    sqlite: DDL,
};

/// A webhook row written in the same transaction as the endpoint's events.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookWrite {
    /// A new endpoint and its first secret.
    Insert {
        id: Uuid,
        space_id: Uuid,
        url: String,
        event_types: Vec<String>,
        secret: String,
        /// The recorded time of the registering event: the endpoint gets events from then on.
        created_at: String,
    },
    /// A new secret; the current one keeps signing until `previous_expires_at`.
    Rotate {
        id: Uuid,
        secret: String,
        previous_expires_at: String,
    },
    /// Stops deliveries: the endpoint gets no new ones and its pending ones are canceled.
    Disable { id: Uuid, at: String },
}

impl SideWrite for WebhookWrite {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            match self {
                WebhookWrite::Insert {
                    id,
                    space_id,
                    url,
                    event_types,
                    secret,
                    created_at,
                } => {
                    sqlx::query(
                        "INSERT INTO webhook_endpoints (id, space_id, url, event_types, secret, \
                         active, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6)",
                    )
                    .bind(id.to_string())
                    .bind(space_id.to_string())
                    .bind(url)
                    .bind(serde_json::Value::from(event_types.clone()).to_string())
                    .bind(secret)
                    .bind(created_at)
                    .execute(conn)
                    .await?;
                }
                WebhookWrite::Rotate {
                    id,
                    secret,
                    previous_expires_at,
                } => {
                    sqlx::query(
                        "UPDATE webhook_endpoints SET previous_secret = secret, \
                         previous_expires_at = $1, secret = $2 WHERE id = $3",
                    )
                    .bind(previous_expires_at)
                    .bind(secret)
                    .bind(id.to_string())
                    .execute(conn)
                    .await?;
                }
                WebhookWrite::Disable { id, at } => {
                    sqlx::query(
                        "UPDATE webhook_deliveries SET status = 'canceled', updated_at = $1 \
                         WHERE endpoint_id = $2 AND status = 'pending'",
                    )
                    .bind(at)
                    .bind(id.to_string())
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query(
                        "UPDATE webhook_endpoints SET active = 0, disabled_at = $1 WHERE id = $2",
                    )
                    .bind(at)
                    .bind(id.to_string())
                    .execute(conn)
                    .await?;
                }
            }
            Ok(())
        })
    }
}

/// A new signing secret, shown once: `whsec_` and 64 hex digits.
pub fn new_secret() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt(format!("no entropy: {e}")))?;
    Ok(format!("whsec_{}", hex::encode(bytes)))
}

/// An endpoint as the API shows it: no secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub url: String,
    pub event_types: Vec<String>,
    pub active: bool,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

impl EndpointRow {
    /// Whether this endpoint subscribes to `event_type`.
    pub fn wants(&self, event_type: &str) -> bool {
        self.event_types.iter().any(|t| t == "*" || t == event_type)
    }
}

const ENDPOINT_COLUMNS: &str = "id, space_id, url, event_types, active, created_at, disabled_at";

fn endpoint_from_row(row: &sqlx::any::AnyRow) -> Result<EndpointRow, StoreError> {
    Ok(EndpointRow {
        id: Uuid::parse_str(&row.try_get::<String, _>("id")?)?,
        space_id: Uuid::parse_str(&row.try_get::<String, _>("space_id")?)?,
        url: row.try_get("url")?,
        event_types: serde_json::from_str(&row.try_get::<String, _>("event_types")?)?,
        active: row.try_get::<i64, _>("active")? != 0,
        created_at: row.try_get("created_at")?,
        disabled_at: row.try_get("disabled_at")?,
    })
}

/// One endpoint, by id.
pub async fn endpoint(db: &Db, id: Uuid) -> Result<Option<EndpointRow>, StoreError> {
    let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1");
    sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(db.writer())
        .await?
        .as_ref()
        .map(endpoint_from_row)
        .transpose()
}

/// A space's endpoints, oldest first, after the id `after`.
pub async fn endpoints(
    db: &Db,
    space_id: Uuid,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<EndpointRow>, StoreError> {
    let sql = format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE space_id = $1 AND id > $2 \
         ORDER BY id LIMIT $3"
    );
    sqlx::query(&sql)
        .bind(space_id.to_string())
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(endpoint_from_row)
        .collect()
}

/// Every active endpoint, read inside the fan-out's transaction.
async fn active_endpoints(conn: &mut AnyConnection) -> Result<Vec<EndpointRow>, StoreError> {
    let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE active = 1");
    sqlx::query(&sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(endpoint_from_row)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_prefixed() -> Result<(), StoreError> {
        let secret = new_secret()?;
        assert!(secret.starts_with("whsec_"));
        assert_eq!(secret.len(), "whsec_".len() + 64);
        assert_ne!(secret, new_secret()?);
        Ok(())
    }

    #[test]
    fn an_endpoint_wants_its_types_or_everything() {
        let mut endpoint = EndpointRow {
            id: Uuid::nil(),
            space_id: Uuid::nil(),
            url: "http://x".into(),
            event_types: vec!["TierDefined".into()],
            active: true,
            created_at: String::new(),
            disabled_at: None,
        };
        assert!(endpoint.wants("TierDefined"));
        assert!(!endpoint.wants("MemberAdded"));
        endpoint.event_types = vec!["*".into()];
        assert!(endpoint.wants("MemberAdded"));
    }
}
