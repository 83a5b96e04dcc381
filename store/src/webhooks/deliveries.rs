//! Deliveries: the fan-out from the log (exactly once, checkpointed like a projection),
//! replays, claiming due deliveries for a sender, and recording each attempt.

use super::{CHECKPOINT, EndpointRow, MAX_REPLAY, active_endpoints};
use crate::db::Backend;
use crate::error::StoreError;
use crate::event::{COLUMNS, StoredEvent};
use crate::read::{Filter, high_water_mark, read_between};
use crate::{Db, time};
use sqlx::{AnyConnection, Connection, Row};
use uuid::Uuid;

/// A delivery as the delivery log shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    /// `None` for the original delivery, else the replay that queued it.
    pub replay_id: Option<Uuid>,
    /// `pending`, `delivered`, `failed` or `canceled`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub delivered_at: Option<String>,
}

const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_id, event_type, replay_id, status, \
     attempts, next_attempt_at, last_status_code, last_error, created_at, updated_at, delivered_at";

fn delivery_from_row(row: &sqlx::any::AnyRow) -> Result<DeliveryRow, StoreError> {
    let uuid = |name: &str| -> Result<Uuid, StoreError> {
        Ok(Uuid::parse_str(&row.try_get::<String, _>(name)?)?)
    };
    let replay: String = row.try_get("replay_id")?;
    let status: String = row.try_get("status")?;
    Ok(DeliveryRow {
        id: uuid("id")?,
        endpoint_id: uuid("endpoint_id")?,
        event_id: uuid("event_id")?,
        event_type: row.try_get("event_type")?,
        replay_id: (!replay.is_empty())
            .then(|| Uuid::parse_str(&replay))
            .transpose()?,
        next_attempt_at: (status == "pending")
            .then(|| row.try_get("next_attempt_at"))
            .transpose()?,
        status,
        attempts: row.try_get("attempts")?,
        last_status_code: row.try_get("last_status_code")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        delivered_at: row.try_get("delivered_at")?,
    })
}

/// One delivery of an endpoint.
pub async fn delivery(
    db: &Db,
    endpoint_id: Uuid,
    id: Uuid,
) -> Result<Option<DeliveryRow>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2"
    );
    sqlx::query(&sql)
        .bind(id.to_string())
        .bind(endpoint_id.to_string())
        .fetch_optional(db.writer())
        .await?
        .as_ref()
        .map(delivery_from_row)
        .transpose()
}

/// An endpoint's deliveries, newest first, before the id `before`.
pub async fn deliveries(
    db: &Db,
    endpoint_id: Uuid,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<DeliveryRow>, StoreError> {
    let (clause, bound) = match before {
        Some(before) => ("AND id < $2", before.to_owned()),
        None => ("AND $2 = ''", String::new()),
    };
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 {clause} \
         ORDER BY id DESC LIMIT $3"
    );
    sqlx::query(&sql)
        .bind(endpoint_id.to_string())
        .bind(bound)
        .bind(limit)
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(delivery_from_row)
        .collect()
}

/// Inserts a pending delivery unless this endpoint already has one for the event and replay.
async fn insert_delivery(
    conn: &mut AnyConnection,
    endpoint: &EndpointRow,
    event: &StoredEvent,
    replay_id: Option<Uuid>,
    now: &str,
) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "INSERT INTO webhook_deliveries (id, endpoint_id, space_id, event_id, event_type, \
         replay_id, status, attempts, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7) \
         ON CONFLICT (endpoint_id, event_id, replay_id) DO NOTHING",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(endpoint.id.to_string())
    .bind(endpoint.space_id.to_string())
    .bind(event.event_id.to_string())
    .bind(&event.event_type)
    .bind(replay_id.map(|id| id.to_string()).unwrap_or_default())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}

/// One fan-out round: turns the log after the checkpoint, up to the high-water mark, into
/// deliveries, `batch` events per transaction. Returns how many deliveries were queued.
///
/// The events are read after the checkpoint is locked, so concurrent fan-outs (several
/// processes) queue each delivery once; an endpoint gets the events recorded from its
/// registration on.
pub async fn fan_out(db: &Db, batch: i64) -> Result<usize, StoreError> {
    let hwm = high_water_mark(db).await?;
    let mut queued = 0;
    loop {
        if crate::read::checkpoint(db, CHECKPOINT).await? >= hwm {
            return Ok(queued);
        }
        let mut conn = db.writer().acquire().await?;
        let mut tx = conn.begin().await?;
        let checkpoint = crate::checkpoints::lock(&mut tx, db.backend, CHECKPOINT).await?;
        let events = read_between(db, checkpoint, hwm, batch, &Filter::default()).await?;
        let Some(last) = events.last().map(|e| e.position) else {
            tx.rollback().await?;
            return Ok(queued);
        };
        let endpoints = active_endpoints(&mut tx).await?;
        let now = time::now();
        for event in &events {
            for endpoint in &endpoints {
                if Some(endpoint.space_id) == event.space_id
                    && endpoint.created_at <= event.recorded_at
                    && endpoint.wants(&event.event_type)
                {
                    queued += insert_delivery(&mut tx, endpoint, event, None, &now).await? as usize;
                }
            }
        }
        crate::checkpoints::save(&mut tx, CHECKPOINT, last).await?;
        tx.commit().await?;
    }
}

/// Queues one event again for an endpoint as a new delivery. Returns the replay's id.
pub async fn replay_event(
    db: &Db,
    endpoint: &EndpointRow,
    event_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE event_id = $1");
    let Some(row) = sqlx::query(&sql)
        .bind(event_id.to_string())
        .fetch_optional(db.reader())
        .await?
    else {
        return Ok(None);
    };
    let event = StoredEvent::from_row(&row)?;
    let replay_id = Uuid::now_v7();
    let mut conn = db.writer().acquire().await?;
    insert_delivery(&mut conn, endpoint, &event, Some(replay_id), &time::now()).await?;
    Ok(Some(replay_id))
}

/// Queues again, as new deliveries, the endpoint's events recorded in `[since, until)` (RFC 3339,
/// stored format), at most [`MAX_REPLAY`]. Returns how many were queued.
pub async fn replay_range(
    db: &Db,
    endpoint: &EndpointRow,
    since: &str,
    until: &str,
) -> Result<usize, StoreError> {
    let filter = Filter {
        space_id: Some(endpoint.space_id),
        event_types: endpoint
            .event_types
            .iter()
            .filter(|t| *t != "*")
            .cloned()
            .collect(),
        since: Some(since.to_owned()),
        until: Some(until.to_owned()),
        ..Filter::default()
    };
    let hwm = high_water_mark(db).await?;
    let replay_id = Uuid::now_v7();
    let now = time::now();
    let (mut after, mut queued) = (0, 0);
    while queued < MAX_REPLAY {
        let events = read_between(db, after, hwm, 500, &filter).await?;
        let Some(last) = events.last().map(|e| e.position) else {
            break;
        };
        let mut conn = db.writer().acquire().await?;
        let mut tx = conn.begin().await?;
        for event in events.iter().take(MAX_REPLAY - queued) {
            queued +=
                insert_delivery(&mut tx, endpoint, event, Some(replay_id), &now).await? as usize;
        }
        tx.commit().await?;
        after = last;
    }
    Ok(queued)
}

/// A delivery claimed for sending, with what sending needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    /// Attempts made before this one.
    pub attempts: i64,
    pub created_at: String,
    pub url: String,
    pub secret: String,
    /// The rotated-out secret, while its overlap lasts.
    pub previous_secret: Option<String>,
    pub event: StoredEvent,
}

/// Claims up to `limit` deliveries due at `now` (RFC 3339, stored format) and leases them until
/// `lease_until`, so no other sender takes them meanwhile; a sender that dies loses the lease
/// and the delivery is tried again (at least once, as webhooks are).
pub async fn claim_due(
    db: &Db,
    now: &str,
    lease_until: &str,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let mut conn = db.writer().acquire().await?;
    let mut tx = conn.begin().await?;
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
        Backend::Sqlite => "",
    };
    // Only active endpoints: a fan-out that read the endpoints just before a disable committed
    // may still queue a delivery for it.
    let sql = format!(
        "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND e.active = 1 \
         ORDER BY d.next_attempt_at LIMIT $2{lock}"
    );
    let ids: Vec<String> = sqlx::query_scalar(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2")
            .bind(lease_until)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "SELECT d.attempts, d.created_at, d.event_id, e.url, e.secret, e.previous_secret, \
             e.previous_expires_at FROM webhook_deliveries d \
             JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1",
        )
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
        let event_sql = format!("SELECT {COLUMNS} FROM events WHERE event_id = $1");
        let event = sqlx::query(&event_sql)
            .bind(row.try_get::<String, _>("event_id")?)
            .fetch_one(&mut *tx)
            .await?;
        let expires: Option<String> = row.try_get("previous_expires_at")?;
        claimed.push(Claimed {
            id: Uuid::parse_str(&id)?,
            attempts: row.try_get("attempts")?,
            created_at: row.try_get("created_at")?,
            url: row.try_get("url")?,
            secret: row.try_get("secret")?,
            previous_secret: row
                .try_get::<Option<String>, _>("previous_secret")?
                .filter(|_| expires.as_deref().is_some_and(|at| at > now)),
            event: StoredEvent::from_row(&event)?,
        });
    }
    tx.commit().await?;
    Ok(claimed)
}

/// What came of one attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub at: String,
    pub status_code: Option<u16>,
    pub error: Option<String>,
    /// `Some` to try again then; `None` when the delivery is finished.
    pub retry_at: Option<String>,
    pub delivered: bool,
}

/// Records an attempt and the delivery's new state in one transaction.
pub async fn record_attempt(
    db: &Db,
    delivery: &Claimed,
    attempt: &Attempt,
) -> Result<(), StoreError> {
    let status = match (attempt.delivered, &attempt.retry_at) {
        (true, _) => "delivered",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    let number = delivery.attempts + 1;
    let code = attempt.status_code.map(i64::from);
    let mut conn = db.writer().acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (delivery_id, attempt) DO NOTHING",
    )
    .bind(delivery.id.to_string())
    .bind(number)
    .bind(&attempt.at)
    .bind(code)
    .bind(&attempt.error)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, \
         last_status_code = $4, last_error = $5, updated_at = $6, delivered_at = $7 \
         WHERE id = $8 AND status = 'pending'",
    )
    .bind(status)
    .bind(number)
    .bind(
        attempt
            .retry_at
            .clone()
            .unwrap_or_else(|| attempt.at.clone()),
    )
    .bind(code)
    .bind(&attempt.error)
    .bind(&attempt.at)
    .bind(attempt.delivered.then(|| attempt.at.clone()))
    .bind(delivery.id.to_string())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
