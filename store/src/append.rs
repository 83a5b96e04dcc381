//! Appending to the log. One command is one transaction: its events (with optimistic
//! concurrency on the aggregate's version), the side rows that must change with them (a slug
//! reservation, a member's key), and the idempotency record.
//!
//! On Postgres, positions come from a sequence, so a transaction that commits late can leave a
//! lower position invisible while higher ones are visible. Appenders therefore publish which
//! positions are still in flight: each holds a transaction-scoped advisory lock keyed by its
//! first position until it commits, and takes that lock while holding a shared "allocation"
//! lock, so a reader holding the allocation lock exclusively sees every in-flight position
//! (see [`crate::read::high_water_mark`]); the function `lyceum_append` does all of it in one
//! round trip. SQLite has a single writer, so positions are
//! assigned in commit order and need none of this.

use crate::db::Backend;
use crate::error::{StoreError, is_unique_violation};
use crate::idempotency::{Claim, StoredResponse};
use crate::{Db, time};
use lyceum_domain::EventEnvelope;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};
use uuid::Uuid;

/// The advisory lock appenders hold shared while they allocate positions.
pub(crate) const ALLOCATION_LOCK: i64 = 0x4C58_0000_0000_0001;
/// Base of the advisory-lock keys that mark in-flight positions: `POSITION_LOCK_BASE + p`.
pub(crate) const POSITION_LOCK_BASE: i64 = 0x4C59_0000_0000_0000;
/// Positions above this cannot be encoded in a position lock.
pub(crate) const POSITION_LOCK_SPAN: i64 = 1 << 48;

/// Who did it, and in answer to what.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub space_id: Option<Uuid>,
    pub actor: String,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub request_id: String,
}

/// A row outside the log that must be written in the same transaction as the events.
#[derive(Debug, Clone, PartialEq)]
pub enum SideWrite {
    /// Reserve a space's slug; fails with [`StoreError::SlugTaken`].
    ReserveSlug { slug: String, space_id: Uuid },
    /// Store an API key's hash.
    InsertApiKey {
        id: Uuid,
        space_id: Option<Uuid>,
        role: String,
        prefix: String,
        hash: String,
    },
    /// Store a member's personal-data key.
    InsertMemberKey {
        member_id: Uuid,
        space_id: Uuid,
        secret: String,
    },
    /// Delete a member's personal-data key: crypto-shredding.
    DeleteMemberKey { member_id: Uuid },
    /// An outgoing-webhook endpoint row or secret (see [`crate::webhooks`]).
    Webhook(crate::webhooks::WebhookWrite),
    /// Store a member's password hash; fails with [`StoreError::EmailTaken`] when the email
    /// (as its keyed lookup hash) is already signed up in the space.
    InsertCredentials {
        member_id: Uuid,
        space_id: Uuid,
        email_lookup: String,
        password_hash: String,
    },
    /// Delete a member's credentials (erasure, removal).
    DeleteCredentials { member_id: Uuid },
    /// Store a member session's token hash.
    InsertMemberSession {
        token_hash: String,
        member_id: Uuid,
        space_id: Uuid,
        expires_at: String,
    },
    /// Revoke one session (logout).
    RevokeMemberSession { token_hash: String },
    /// Revoke every live session of a member (erasure, removal).
    RevokeMemberSessions { member_id: Uuid },
    /// Reserve an offer code within its space (see [`crate::offers`]).
    ReserveOfferCode {
        space_id: Uuid,
        code: String,
        offer_id: Uuid,
    },
    /// Reserve a member's referral code within its space (see [`crate::referrals`]).
    ReserveReferralCode {
        space_id: Uuid,
        code: String,
        member_id: Uuid,
    },
    /// Store the payment method a subscription is charged with (see [`crate::billing`]).
    SetPaymentMethod {
        subscription_id: Uuid,
        space_id: Uuid,
        payment_method: String,
    },
    /// A Stripe signing secret or handled event id (see [`crate::stripe`]); recording an event
    /// id twice fails with [`StoreError::Conflict`].
    Stripe(crate::stripe::StripeWrite),
    /// A one-off purchase's claim marked paid or released (see [`crate::purchases`]); marking
    /// paid a claim that no longer names the order fails with [`StoreError::Conflict`].
    Purchase(crate::purchases::PurchaseWrite),
    /// A topic name or a lesson's course (see [`crate::catalog`]).
    Catalog(crate::catalog::CatalogWrite),
}

/// Events for one aggregate, appended after `expected_version`.
#[derive(Debug, Clone)]
pub struct Append {
    pub aggregate_type: &'static str,
    pub aggregate_id: Uuid,
    pub expected_version: i64,
    pub events: Vec<EventEnvelope>,
    pub metadata: Metadata,
    pub side_writes: Vec<SideWrite>,
    /// When the events are recorded (RFC 3339, as [`crate::time::format`] writes it).
    pub recorded_at: String,
}

/// The idempotency record to complete in the same transaction.
pub struct Completion<'a> {
    pub claim: &'a Claim,
    pub response: StoredResponse,
}

/// An append whose transaction is open: its events have positions but are not committed.
/// Dropping it without [`Pending::commit`] closes its connection, which rolls the transaction
/// back and releases every lock; the connection never returns to the pool mid-transaction.
pub struct Pending {
    conn: Option<PoolConnection<Any>>,
    last: Option<i64>,
}

impl Pending {
    /// The position of the last event, if there were events.
    pub fn position(&self) -> Option<i64> {
        self.last
    }

    fn conn(&mut self) -> Result<&mut AnyConnection, StoreError> {
        self.conn
            .as_deref_mut()
            .ok_or_else(|| StoreError::Corrupt("append already finished".into()))
    }

    /// Commits the transaction.
    pub async fn commit(mut self) -> Result<Option<i64>, StoreError> {
        sqlx::query("COMMIT").execute(self.conn()?).await?;
        // Committed: the connection may go back to the pool.
        drop(self.conn.take());
        Ok(self.last)
    }

    /// Rolls back after a refusal that left the transaction usable, so the connection can go
    /// back to the pool. (The append function gives the allocation lock back itself.)
    async fn abandon(mut self) -> Result<(), StoreError> {
        sqlx::query("ROLLBACK").execute(self.conn()?).await?;
        drop(self.conn.take());
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

/// Appends in one transaction. Returns the position of the last event written, or `None` if
/// there were no events.
#[tracing::instrument(skip_all, fields(aggregate = append.aggregate_type, id = %append.aggregate_id, n = append.events.len()))]
pub async fn append(
    db: &Db,
    append: &Append,
    completion: Option<Completion<'_>>,
) -> Result<Option<i64>, StoreError> {
    prepare(db, append, completion).await?.commit().await
}

/// Writes everything an append writes, leaving the transaction open.
pub async fn prepare(
    db: &Db,
    append: &Append,
    completion: Option<Completion<'_>>,
) -> Result<Pending, StoreError> {
    let backend = db.backend;
    let mut pending = Pending {
        conn: Some(db.writer().acquire().await?),
        last: None,
    };
    let begin = match backend {
        // Take SQLite's write lock up front: a deferred transaction that later writes can fail
        // with SQLITE_BUSY instead of waiting.
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    };
    sqlx::query(begin).execute(pending.conn()?).await?;
    for write in &append.side_writes {
        side_write(pending.conn()?, write).await?;
    }
    if !append.events.is_empty() {
        let last = match backend {
            Backend::Postgres => insert_postgres(pending.conn()?, append).await?,
            Backend::Sqlite => insert_sqlite(pending.conn()?, append).await?,
        };
        match last {
            Some(position) => pending.last = Some(position),
            None => {
                pending.abandon().await?;
                return Err(StoreError::Conflict);
            }
        }
    }
    if let Some(completion) = completion {
        let last = pending.last;
        crate::idempotency::complete_in(
            pending.conn()?,
            completion.claim,
            &completion.response,
            last,
        )
        .await?;
    }
    Ok(pending)
}

/// Appends on Postgres in one round trip through `lyceum_append` (see the store's migrations):
/// `None` if a version is taken (a concurrent append won).
async fn insert_postgres(
    conn: &mut AnyConnection,
    append: &Append,
) -> Result<Option<i64>, StoreError> {
    let events: Vec<serde_json::Value> = append
        .events
        .iter()
        .map(|event| {
            serde_json::json!({
                "event_id": Uuid::now_v7().to_string(),
                "event_type": event.event_type,
                "event_version": event.event_version,
                "payload": event.payload.to_string(),
            })
        })
        .collect();
    let meta = &append.metadata;
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT lyceum_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(serde_json::Value::Array(events).to_string())
    .bind(append.aggregate_type)
    .bind(append.aggregate_id.to_string())
    .bind(append.expected_version)
    .bind(meta.space_id.map(|id| id.to_string()))
    .bind(&meta.actor)
    .bind(meta.correlation_id.to_string())
    .bind(meta.causation_id.map(|id| id.to_string()))
    .bind(&meta.request_id)
    .bind(&append.recorded_at)
    .bind(ALLOCATION_LOCK)
    .bind(POSITION_LOCK_BASE)
    .fetch_one(conn)
    .await?;
    if last.is_some_and(|p| p >= POSITION_LOCK_SPAN) {
        return Err(StoreError::Corrupt("position space exhausted".into()));
    }
    Ok(last)
}

/// Appends on SQLite, event by event (the single writer already serialises appends): `None` if
/// a version is taken.
async fn insert_sqlite(
    conn: &mut AnyConnection,
    append: &Append,
) -> Result<Option<i64>, StoreError> {
    let meta = &append.metadata;
    let mut last = None;
    for (offset, event) in append.events.iter().enumerate() {
        let position: Option<i64> = sqlx::query_scalar(
            "INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, \
             event_version, payload, space_id, actor, correlation_id, causation_id, request_id, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (aggregate_type, aggregate_id, version) DO NOTHING RETURNING position",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(append.aggregate_type)
        .bind(append.aggregate_id.to_string())
        .bind(append.expected_version + 1 + offset as i64)
        .bind(&event.event_type)
        .bind(i64::from(event.event_version))
        .bind(event.payload.to_string())
        .bind(meta.space_id.map(|id| id.to_string()))
        .bind(&meta.actor)
        .bind(meta.correlation_id.to_string())
        .bind(meta.causation_id.map(|id| id.to_string()))
        .bind(&meta.request_id)
        .bind(&append.recorded_at)
        .fetch_optional(&mut *conn)
        .await?;
        match position {
            Some(position) => last = Some(position),
            None => return Ok(None),
        }
    }
    Ok(last)
}

async fn side_write(conn: &mut AnyConnection, write: &SideWrite) -> Result<(), StoreError> {
    let result = match write {
        SideWrite::Webhook(write) => crate::webhooks::side_write(&mut *conn, write).await,
        SideWrite::Stripe(write) => crate::stripe::side_write(&mut *conn, write).await,
        SideWrite::Purchase(write) => return crate::purchases::side_write(&mut *conn, write).await,
        SideWrite::Catalog(write) => return crate::catalog::side_write(&mut *conn, write).await,
        SideWrite::ReserveSlug { slug, space_id } => {
            sqlx::query("INSERT INTO slugs (slug, space_id) VALUES ($1, $2)")
                .bind(slug)
                .bind(space_id.to_string())
                .execute(&mut *conn)
                .await
        }
        SideWrite::InsertApiKey {
            id,
            space_id,
            role,
            prefix,
            hash,
        } => {
            sqlx::query(
                "INSERT INTO api_keys (id, space_id, role, prefix, hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.to_string())
            .bind(space_id.map(|id| id.to_string()))
            .bind(role)
            .bind(prefix)
            .bind(hash)
            .bind(time::now())
            .execute(&mut *conn)
            .await
        }
        SideWrite::InsertMemberKey {
            member_id,
            space_id,
            secret,
        } => {
            sqlx::query("INSERT INTO member_keys (member_id, space_id, secret) VALUES ($1, $2, $3)")
                .bind(member_id.to_string())
                .bind(space_id.to_string())
                .bind(secret)
                .execute(&mut *conn)
                .await
        }
        SideWrite::DeleteMemberKey { member_id } => {
            sqlx::query("DELETE FROM member_keys WHERE member_id = $1")
                .bind(member_id.to_string())
                .execute(&mut *conn)
                .await
        }
        SideWrite::InsertCredentials {
            member_id,
            space_id,
            email_lookup,
            password_hash,
        } => {
            sqlx::query(
                "INSERT INTO member_credentials (member_id, space_id, email_lookup, \
                 password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(member_id.to_string())
            .bind(space_id.to_string())
            .bind(email_lookup)
            .bind(password_hash)
            .bind(time::now())
            .execute(&mut *conn)
            .await
        }
        SideWrite::DeleteCredentials { member_id } => {
            sqlx::query("DELETE FROM member_credentials WHERE member_id = $1")
                .bind(member_id.to_string())
                .execute(&mut *conn)
                .await
        }
        SideWrite::InsertMemberSession {
            token_hash,
            member_id,
            space_id,
            expires_at,
        } => {
            sqlx::query(
                "INSERT INTO member_sessions (token_hash, member_id, space_id, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(member_id.to_string())
            .bind(space_id.to_string())
            .bind(time::now())
            .bind(expires_at)
            .execute(&mut *conn)
            .await
        }
        SideWrite::RevokeMemberSession { token_hash } => {
            sqlx::query(
                "UPDATE member_sessions SET revoked_at = $2 \
                 WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(token_hash)
            .bind(time::now())
            .execute(&mut *conn)
            .await
        }
        SideWrite::RevokeMemberSessions { member_id } => {
            sqlx::query(
                "UPDATE member_sessions SET revoked_at = $2 \
                 WHERE member_id = $1 AND revoked_at IS NULL",
            )
            .bind(member_id.to_string())
            .bind(time::now())
            .execute(&mut *conn)
            .await
        }
        SideWrite::SetPaymentMethod {
            subscription_id,
            space_id,
            payment_method,
        } => sqlx::query(
            "INSERT INTO subscription_payment_methods (subscription_id, space_id, payment_method) \
                 VALUES ($1, $2, $3) ON CONFLICT (subscription_id) \
                 DO UPDATE SET payment_method = excluded.payment_method",
        )
        .bind(subscription_id.to_string())
        .bind(space_id.to_string())
        .bind(payment_method)
        .execute(&mut *conn)
        .await,
        SideWrite::ReserveOfferCode {
            space_id,
            code,
            offer_id,
        } => {
            sqlx::query("INSERT INTO offer_codes (space_id, code, offer_id) VALUES ($1, $2, $3)")
                .bind(space_id.to_string())
                .bind(code)
                .bind(offer_id.to_string())
                .execute(&mut *conn)
                .await
        }
        SideWrite::ReserveReferralCode {
            space_id,
            code,
            member_id,
        } => crate::referrals::insert(&mut *conn, *space_id, code, *member_id).await,
    };
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) && matches!(write, SideWrite::ReserveSlug { .. }) => {
            Err(StoreError::SlugTaken)
        }
        Err(e)
            if is_unique_violation(&e) && matches!(write, SideWrite::InsertCredentials { .. }) =>
        {
            Err(StoreError::EmailTaken)
        }
        // A concurrent delivery of the same provider event committed first.
        Err(e)
            if is_unique_violation(&e)
                && matches!(
                    write,
                    SideWrite::Stripe(crate::stripe::StripeWrite::RecordEvent { .. })
                ) =>
        {
            Err(StoreError::Conflict)
        }
        // Two members whose ids hash to the same code (about one in 10^18 pairs): the caller
        // may retry, with a new member id.
        Err(e)
            if is_unique_violation(&e)
                && matches!(write, SideWrite::ReserveReferralCode { .. }) =>
        {
            Err(StoreError::Conflict)
        }
        Err(e)
            if is_unique_violation(&e) && matches!(write, SideWrite::ReserveOfferCode { .. }) =>
        {
            Err(StoreError::OfferCodeTaken)
        }
        Err(e) => Err(e.into()),
    }
}
