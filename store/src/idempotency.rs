//! Idempotency records. A request with an `Idempotency-Key` first claims the key (a short
//! lease, committed at once, so a concurrent duplicate sees it and gets 409); the command's
//! transaction then completes the claim with the response, together with the events. A retry
//! of a completed request gets the stored response; the same key with another body is refused.

use crate::error::StoreError;
use crate::{Db, time};
use chrono::{Duration, Utc};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

/// How long a claim blocks duplicates before a retry may take it over (a crashed request).
pub const LEASE: Duration = Duration::seconds(30);

/// A response as stored for replay.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    pub position: Option<i64>,
}

/// A claim this request holds on a key.
#[derive(Debug, Clone)]
pub struct Claim {
    pub scope: String,
    pub key: String,
    pub token: String,
}

/// What claiming a key found.
#[derive(Debug)]
pub enum ClaimOutcome {
    /// The key is ours: run the command.
    Claimed(Claim),
    /// The request was already answered: send this again.
    Replay(StoredResponse),
    /// The same key was used with a different request.
    Reused,
    /// The same request is being handled right now.
    InProgress,
}

/// Claims `key` within `scope` (the API key that sent it) for a request whose body and target
/// hash to `request_hash`.
pub async fn claim(
    db: &Db,
    scope: &str,
    key: &str,
    request_hash: &str,
) -> Result<ClaimOutcome, StoreError> {
    let token = Uuid::new_v4().to_string();
    let lease_end = time::format(Utc::now() + LEASE);
    let inserted = sqlx::query(
        "INSERT INTO idempotency (scope, key, request_hash, token, locked_until, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (scope, key) DO NOTHING",
    )
    .bind(scope)
    .bind(key)
    .bind(request_hash)
    .bind(&token)
    .bind(&lease_end)
    .bind(time::now())
    .execute(db.writer())
    .await?
    .rows_affected();
    let claim = |token: String| Claim {
        scope: scope.to_owned(),
        key: key.to_owned(),
        token,
    };
    if inserted == 1 {
        return Ok(ClaimOutcome::Claimed(claim(token)));
    }
    let row = sqlx::query(
        "SELECT request_hash, token, locked_until, status, body, position FROM idempotency \
         WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_one(db.writer())
    .await?;
    if row.try_get::<String, _>("request_hash")? != request_hash {
        return Ok(ClaimOutcome::Reused);
    }
    if let Some(status) = row.try_get::<Option<i64>, _>("status")? {
        return Ok(ClaimOutcome::Replay(StoredResponse {
            status: u16::try_from(status).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            body: row
                .try_get::<Option<String>, _>("body")?
                .unwrap_or_default(),
            position: row.try_get("position")?,
        }));
    }
    if row.try_get::<String, _>("locked_until")? > time::now() {
        return Ok(ClaimOutcome::InProgress);
    }
    // The lease ran out: the request that claimed it died. Take it over.
    let old_token: String = row.try_get("token")?;
    let taken = sqlx::query(
        "UPDATE idempotency SET token = $1, locked_until = $2 \
         WHERE scope = $3 AND key = $4 AND token = $5 AND status IS NULL",
    )
    .bind(&token)
    .bind(&lease_end)
    .bind(scope)
    .bind(key)
    .bind(&old_token)
    .execute(db.writer())
    .await?
    .rows_affected();
    Ok(if taken == 1 {
        ClaimOutcome::Claimed(claim(token))
    } else {
        ClaimOutcome::InProgress
    })
}

/// Completes a claim inside the command's transaction.
pub(crate) async fn complete_in(
    conn: &mut AnyConnection,
    claim: &Claim,
    response: &StoredResponse,
    position: Option<i64>,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE idempotency SET status = $1, body = $2, position = $3 \
         WHERE scope = $4 AND key = $5 AND token = $6 AND status IS NULL",
    )
    .bind(i64::from(response.status))
    .bind(&response.body)
    .bind(position.or(response.position))
    .bind(&claim.scope)
    .bind(&claim.key)
    .bind(&claim.token)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 1 {
        Ok(())
    } else {
        Err(StoreError::ClaimLost)
    }
}

/// Completes a claim for a request that wrote no events (a refusal that a retry should see
/// again, or a command that changed nothing).
pub async fn complete(db: &Db, claim: &Claim, response: &StoredResponse) -> Result<(), StoreError> {
    let mut conn = db.writer().acquire().await?;
    complete_in(&mut conn, claim, response, None).await
}

/// Gives a claim up so that a retry can run the request again (after a failure a retry may
/// cure: a conflict, an outage).
pub async fn release(db: &Db, claim: &Claim) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM idempotency WHERE scope = $1 AND key = $2 AND token = $3 AND status IS NULL",
    )
    .bind(&claim.scope)
    .bind(&claim.key)
    .bind(&claim.token)
    .execute(db.writer())
    .await?;
    Ok(())
}
