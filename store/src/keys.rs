//! API keys: random secrets shown once, stored as SHA-256, looked up by hash in one indexed
//! query. A fast hash is right here: the secret has 192 random bits, so there is nothing for a
//! slow hash to protect, and every request pays for the lookup.

use crate::error::StoreError;
use crate::side_write::{BoxFuture, SideWrite};
use crate::{Db, time};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The operator: creates spaces.
    Admin,
    /// A space's creator: manages that space.
    Creator,
    /// A space's auditor: reads that space and its history.
    Auditor,
    /// A signed-in member of a space (a `lyc_ms_…` session token, see [`crate::identity`]):
    /// never an API key, so [`Role::parse`] does not accept it from the `api_keys` table.
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Creator => "creator",
            Role::Auditor => "auditor",
            Role::Member => "member",
        }
    }

    /// The prefix every key of this role starts with.
    pub fn key_prefix(self) -> &'static str {
        match self {
            Role::Admin => "lyc_admin_",
            Role::Creator => "lyc_sk_",
            Role::Auditor => "lyc_ak_",
            Role::Member => crate::identity::SESSION_PREFIX,
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Role::Admin, Role::Creator, Role::Auditor]
            .into_iter()
            .find(|role| role.as_str() == raw)
    }
}

/// A newly made key. `secret` is shown once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    pub id: Uuid,
    pub role: Role,
    pub space_id: Option<Uuid>,
    pub secret: String,
    /// The first characters of the secret, safe to show and log, to tell keys apart.
    pub prefix: String,
}

impl IssuedKey {
    pub fn generate(role: Role, space_id: Option<Uuid>) -> Result<Self, StoreError> {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt(format!("no entropy: {e}")))?;
        let secret = format!("{}{}", role.key_prefix(), hex::encode(bytes));
        let prefix = secret[..role.key_prefix().len() + 6].to_owned();
        Ok(Self {
            id: Uuid::now_v7(),
            role,
            space_id,
            secret,
            prefix,
        })
    }

    /// The row to write with the event that records the key's issue.
    pub fn side_write(&self) -> InsertApiKey {
        InsertApiKey {
            id: self.id,
            space_id: self.space_id,
            role: self.role,
            prefix: self.prefix.clone(),
            hash: hash(&self.secret),
        }
    }
}

/// Stores an API key's hash, with the event that records the key's issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertApiKey {
    pub id: Uuid,
    pub space_id: Option<Uuid>,
    pub role: Role,
    pub prefix: String,
    pub hash: String,
}

impl SideWrite for InsertApiKey {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO api_keys (id, space_id, role, prefix, hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(self.id.to_string())
            .bind(self.space_id.map(|id| id.to_string()))
            .bind(self.role.as_str())
            .bind(&self.prefix)
            .bind(&self.hash)
            .bind(time::now())
            .execute(conn)
            .await?;
            Ok(())
        })
    }
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Who a key (or a member session) belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// The key's id; for a member session, an id derived from the token's hash, so that
    /// idempotency records are scoped to the session.
    pub key_id: Uuid,
    pub role: Role,
    pub space_id: Option<Uuid>,
    /// The signed-in member, for [`Role::Member`] only.
    pub member_id: Option<Uuid>,
}

/// Finds the key a bearer secret belongs to.
pub async fn lookup(db: &Db, secret: &str) -> Result<Option<Principal>, StoreError> {
    let row = sqlx::query("SELECT id, role, space_id FROM api_keys WHERE hash = $1")
        .bind(hash(secret))
        .fetch_optional(db.reader())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let role = Role::parse(&row.try_get::<String, _>("role")?)
        .ok_or_else(|| StoreError::Corrupt("unknown key role".into()))?;
    if !secret.starts_with(role.key_prefix()) {
        return Ok(None);
    }
    Ok(Some(Principal {
        key_id: Uuid::parse_str(&row.try_get::<String, _>("id")?)?,
        role,
        space_id: row
            .try_get::<Option<String>, _>("space_id")?
            .map(|s| Uuid::parse_str(&s))
            .transpose()?,
        member_id: None,
    }))
}

/// Stores an operator key directly (admin keys belong to no space, so no event records them).
pub async fn insert_admin(db: &Db, key: &IssuedKey) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO api_keys (id, space_id, role, prefix, hash, created_at) VALUES ($1, NULL, $2, $3, $4, $5)",
    )
    .bind(key.id.to_string())
    .bind(key.role.as_str())
    .bind(&key.prefix)
    .bind(hash(&key.secret))
    .bind(time::now())
    .execute(db.writer())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_role_and_hide_their_secret() -> Result<(), StoreError> {
        let key = IssuedKey::generate(Role::Creator, None)?;
        assert!(key.secret.starts_with("lyc_sk_"));
        assert_eq!(key.secret.len(), "lyc_sk_".len() + 48);
        assert!(key.secret.starts_with(&key.prefix));
        assert_ne!(hash(&key.secret), key.secret);
        assert_ne!(key.secret, IssuedKey::generate(Role::Creator, None)?.secret);
        Ok(())
    }
}
