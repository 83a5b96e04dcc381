//! Member identity: passwords (argon2id, one credentials row per member, the email found by a
//! keyed SHA-256 so that it is unique per space without being stored in the clear) and member
//! sessions (opaque `lyc_ms_…` tokens, stored as SHA-256 like API keys, so that a request never
//! pays for a slow hash). The rows are written as [`SideWrite`]s ([`InsertCredentials`],
//! [`InsertSession`], …), in the same transaction as the events and the idempotency record.

use crate::error::StoreError;
use crate::keys::{Principal, Role, hash};
use crate::side_write::{BoxFuture, SideWrite, unique_as};
use crate::{Db, time};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::sync::OnceLock;
use tokio::sync::{Semaphore, SemaphorePermit};
use uuid::Uuid;

/// Every member session token starts with this.
pub const SESSION_PREFIX: &str = "lyc_ms_";
/// How long a session lasts.
pub const SESSION_DAYS: i64 = 30;
/// Password length in characters, inclusive. The upper bound keeps a hash request cheap.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=128;

/// argon2id with m = 19456 KiB, t = 2, p = 1 (the OWASP minimum).
fn hasher() -> Result<Argon2<'static>, StoreError> {
    let params = Params::new(19_456, 2, 1, None)
        .map_err(|e| StoreError::Corrupt(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Why a password is refused, safe to show.
pub fn check_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if PASSWORD_CHARS.contains(&chars) {
        Ok(())
    } else {
        Err(format!(
            "password must be {} to {} characters long",
            PASSWORD_CHARS.start(),
            PASSWORD_CHARS.end()
        ))
    }
}

/// At most one hash per CPU at a time: each takes 19 MiB and a core, so a burst of sign-ins
/// queues here instead of filling the blocking pool (hundreds of threads) and the memory.
async fn hashing_permit() -> Result<SemaphorePermit<'static>, StoreError> {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
        .acquire()
        .await
        .map_err(|e| StoreError::Corrupt(format!("password hashing closed: {e}")))
}

/// Hashes a password (PHC string, with a random salt) on the blocking pool.
pub async fn hash_password(password: String) -> Result<String, StoreError> {
    let _permit = hashing_permit().await?;
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| StoreError::Corrupt(format!("password hashing stopped: {e}")))?
}

fn hash_now(password: &str) -> Result<String, StoreError> {
    hasher()?
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| StoreError::Corrupt(format!("password hashing failed: {e}")))
}

/// A hash nobody's password matches, verified against when the email is unknown so that a
/// wrong email takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        let _ = getrandom::fill(&mut bytes);
        hash_now(&hex::encode(bytes)).unwrap_or_default()
    })
}

/// Whether `password` matches `stored`, on the blocking pool. With no stored hash it still
/// does the work of a verification, and answers false.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, StoreError> {
    let _permit = hashing_permit().await?;
    tokio::task::spawn_blocking(move || {
        let (hash, known) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (dummy_hash(), false),
        };
        let matches = hasher()?.verify_password(password.as_bytes(), hash).is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("password verification stopped: {e}")))?
}

/// The stored form of an email: unique per space, and useless outside it.
pub fn email_lookup(space_id: Uuid, normalised_email: &str) -> String {
    hex::encode(Sha256::digest(
        format!("{space_id}:{normalised_email}").as_bytes(),
    ))
}

/// The rows of a new member's credentials.
pub fn credentials_write(
    member_id: Uuid,
    space_id: Uuid,
    normalised_email: &str,
    password_hash: String,
) -> InsertCredentials {
    InsertCredentials {
        member_id,
        space_id,
        email_lookup: email_lookup(space_id, normalised_email),
        password_hash,
    }
}

/// Stores a member's password hash; fails with [`StoreError::EmailTaken`] when the email (as
/// its [`email_lookup`]) is already signed up in the space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertCredentials {
    pub member_id: Uuid,
    pub space_id: Uuid,
    pub email_lookup: String,
    pub password_hash: String,
}

impl SideWrite for InsertCredentials {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let result = sqlx::query(
                "INSERT INTO member_credentials (member_id, space_id, email_lookup, \
                 password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(self.member_id.to_string())
            .bind(self.space_id.to_string())
            .bind(&self.email_lookup)
            .bind(&self.password_hash)
            .bind(time::now())
            .execute(conn)
            .await;
            unique_as(result, StoreError::EmailTaken)
        })
    }
}

/// Deletes a member's credentials (erasure, removal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteCredentials {
    pub member_id: Uuid,
}

impl SideWrite for DeleteCredentials {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM member_credentials WHERE member_id = $1")
                .bind(self.member_id.to_string())
                .execute(conn)
                .await?;
            Ok(())
        })
    }
}

/// A member's stored password hash.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub member_id: Uuid,
    pub password_hash: String,
}

/// The credentials signed up with this email in this space, if any.
pub async fn credentials_by_email(
    db: &Db,
    space_id: Uuid,
    normalised_email: &str,
) -> Result<Option<Credentials>, StoreError> {
    let row = sqlx::query(
        "SELECT member_id, password_hash FROM member_credentials \
         WHERE space_id = $1 AND email_lookup = $2",
    )
    .bind(space_id.to_string())
    .bind(email_lookup(space_id, normalised_email))
    .fetch_optional(db.reader())
    .await?;
    row.map(|row| {
        Ok(Credentials {
            member_id: Uuid::parse_str(&row.try_get::<String, _>("member_id")?)?,
            password_hash: row.try_get("password_hash")?,
        })
    })
    .transpose()
}

/// A new session. `token` is shown once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub member_id: Uuid,
    pub space_id: Uuid,
    pub token: String,
    /// RFC 3339, as [`crate::time::format`] writes it.
    pub expires_at: String,
}

impl IssuedSession {
    /// A session for `member_id` that expires [`SESSION_DAYS`] after `now`.
    pub fn generate(
        member_id: Uuid,
        space_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt(format!("no entropy: {e}")))?;
        Ok(Self {
            member_id,
            space_id,
            token: format!("{SESSION_PREFIX}{}", hex::encode(bytes)),
            expires_at: time::format(now + Duration::days(SESSION_DAYS)),
        })
    }

    /// The row to write.
    pub fn side_write(&self) -> InsertSession {
        InsertSession {
            token_hash: hash(&self.token),
            member_id: self.member_id,
            space_id: self.space_id,
            expires_at: self.expires_at.clone(),
        }
    }
}

/// Stores a member session's token hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertSession {
    pub token_hash: String,
    pub member_id: Uuid,
    pub space_id: Uuid,
    /// RFC 3339, as [`crate::time::format`] writes it.
    pub expires_at: String,
}

impl SideWrite for InsertSession {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO member_sessions (token_hash, member_id, space_id, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&self.token_hash)
            .bind(self.member_id.to_string())
            .bind(self.space_id.to_string())
            .bind(time::now())
            .bind(&self.expires_at)
            .execute(conn)
            .await?;
            Ok(())
        })
    }
}

/// Revokes one session (sign-out), by its token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeSession {
    pub token_hash: String,
}

impl SideWrite for RevokeSession {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "UPDATE member_sessions SET revoked_at = $2 \
                 WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(&self.token_hash)
            .bind(time::now())
            .execute(conn)
            .await?;
            Ok(())
        })
    }
}

/// Revokes every live session of a member (erasure, removal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeSessions {
    pub member_id: Uuid,
}

impl SideWrite for RevokeSessions {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "UPDATE member_sessions SET revoked_at = $2 \
                 WHERE member_id = $1 AND revoked_at IS NULL",
            )
            .bind(self.member_id.to_string())
            .bind(time::now())
            .execute(conn)
            .await?;
            Ok(())
        })
    }
}

/// The id under which a session's idempotency records are kept: stable for the token,
/// different for every session.
pub fn session_scope(token_hash: &str) -> Uuid {
    let bytes = hex::decode(token_hash).unwrap_or_default();
    let mut id = [0u8; 16];
    for (slot, byte) in id.iter_mut().zip(bytes) {
        *slot = byte;
    }
    Uuid::from_bytes(id)
}

/// The member a session token belongs to, if the session is live (not revoked, not expired).
pub async fn lookup_session(db: &Db, token: &str) -> Result<Option<Principal>, StoreError> {
    if !token.starts_with(SESSION_PREFIX) {
        return Ok(None);
    }
    let token_hash = hash(token);
    let row = sqlx::query(
        "SELECT member_id, space_id FROM member_sessions \
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(&token_hash)
    .bind(time::now())
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Principal {
        key_id: session_scope(&token_hash),
        role: Role::Member,
        space_id: Some(Uuid::parse_str(&row.try_get::<String, _>("space_id")?)?),
        member_id: Some(Uuid::parse_str(&row.try_get::<String, _>("member_id")?)?),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_must_be_8_to_128_characters() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password(&"x".repeat(128)).is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
        // Characters, not bytes: eight accented letters are sixteen bytes.
        assert!(check_password("éééééééé").is_ok());
        assert!(check_password("ééé").is_err());
    }

    #[test]
    fn session_tokens_are_random_prefixed_and_expire_in_30_days() -> Result<(), StoreError> {
        let now = Utc::now();
        let (member, space) = (Uuid::now_v7(), Uuid::now_v7());
        let session = IssuedSession::generate(member, space, now)?;
        assert!(session.token.starts_with("lyc_ms_"));
        assert_eq!(session.token.len(), "lyc_ms_".len() + 64);
        assert_ne!(
            session.token,
            IssuedSession::generate(member, space, now)?.token
        );
        assert_eq!(
            time::parse(&session.expires_at)?,
            time::parse(&time::format(now + Duration::days(30)))?
        );
        let token_hash = session.side_write().token_hash;
        assert_eq!(token_hash, hash(&session.token));
        assert!(!token_hash.contains(&session.token[7..]));
        Ok(())
    }

    #[test]
    fn email_lookups_differ_between_spaces() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(
            email_lookup(a, "ada@example.org"),
            email_lookup(a, "ada@example.org")
        );
        assert_ne!(
            email_lookup(a, "ada@example.org"),
            email_lookup(b, "ada@example.org")
        );
        assert!(!email_lookup(a, "ada@example.org").contains("ada"));
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_own_hash() -> Result<(), StoreError> {
        let stored = hash_password("correct horse".into()).await?;
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse".into(), Some(stored.clone())).await?);
        assert!(!verify_password("wrong horse".into(), Some(stored)).await?);
        assert!(!verify_password("correct horse".into(), None).await?);
        Ok(())
    }
}
