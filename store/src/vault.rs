//! The personal-data vault: each member's email and display name are sealed in events with a
//! key of that member's own (ChaCha20-Poly1305, the member id as associated data). Erasure
//! deletes the key, so every copy of the data in the log becomes unreadable at once while the
//! events themselves stay untouched.

use crate::error::StoreError;
use crate::side_write::{BoxFuture, SideWrite};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use lyceum_domain::values::Sealed;
use sqlx::AnyConnection;
use uuid::Uuid;

fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt(format!("no entropy: {e}")))?;
    Ok(bytes)
}

/// A new member key, encoded for storage.
pub fn new_secret() -> Result<String, StoreError> {
    Ok(STANDARD.encode(random::<32>()?))
}

fn cipher(secret: &str) -> Option<ChaCha20Poly1305> {
    let bytes = STANDARD.decode(secret).ok()?;
    (bytes.len() == 32).then(|| ChaCha20Poly1305::new(Key::from_slice(&bytes)))
}

/// Seals `plaintext` for `member_id`.
pub fn seal(secret: &str, member_id: Uuid, plaintext: &str) -> Result<Sealed, StoreError> {
    let cipher = cipher(secret).ok_or_else(|| StoreError::Corrupt("bad member key".into()))?;
    let nonce = random::<12>()?;
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: member_id.as_bytes(),
            },
        )
        .map_err(|_| StoreError::Corrupt("sealing failed".into()))?;
    let mut out = nonce.to_vec();
    out.extend(sealed);
    Ok(Sealed(STANDARD.encode(out)))
}

/// Opens a sealed value, or `None` if the key does not fit (or was erased).
pub fn open(secret: &str, member_id: Uuid, sealed: &Sealed) -> Option<String> {
    let cipher = cipher(secret)?;
    let bytes = STANDARD.decode(&sealed.0).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, body) = bytes.split_at(12);
    let plain = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: member_id.as_bytes(),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

/// Stores a member's key (see [`new_secret`]) with the event that adds the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertKey {
    pub member_id: Uuid,
    pub space_id: Uuid,
    pub secret: String,
}

impl SideWrite for InsertKey {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO member_keys (member_id, space_id, secret) VALUES ($1, $2, $3)",
            )
            .bind(self.member_id.to_string())
            .bind(self.space_id.to_string())
            .bind(&self.secret)
            .execute(conn)
            .await?;
            Ok(())
        })
    }
}

/// Deletes a member's key with the event that erases their personal data: crypto-shredding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteKey {
    pub member_id: Uuid,
}

impl SideWrite for DeleteKey {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM member_keys WHERE member_id = $1")
                .bind(self.member_id.to_string())
                .execute(conn)
                .await?;
            Ok(())
        })
    }
}

/// A member's key, if it has not been erased.
pub async fn secret_for(
    conn: &mut AnyConnection,
    member_id: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT secret FROM member_keys WHERE member_id = $1")
            .bind(member_id.to_string())
            .fetch_optional(conn)
            .await?,
    )
}

/// The keys of those of `member_ids` whose key has not been erased, in one query per few
/// hundred members (a projector opening a batch of events).
pub async fn secrets_for(
    conn: &mut AnyConnection,
    member_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>, StoreError> {
    let mut ids: Vec<String> = member_ids.iter().map(Uuid::to_string).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut found = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT member_id, secret FROM member_keys WHERE member_id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (String, String)>(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for (member, secret) in query.fetch_all(&mut *conn).await? {
            found.insert(Uuid::parse_str(&member)?, secret);
        }
    }
    Ok(found)
}

/// Seals `plaintext` with `member_id`'s key, read from the writer (a key stored a moment ago
/// is there); `None` once the key was erased.
pub async fn seal_for(
    db: &crate::Db,
    member_id: Uuid,
    plaintext: &str,
) -> Result<Option<Sealed>, StoreError> {
    let mut conn = db.writer().acquire().await?;
    match secret_for(&mut conn, member_id).await? {
        Some(secret) => seal(&secret, member_id, plaintext).map(Some),
        None => Ok(None),
    }
}

/// Opens a sealed value with `member_id`'s key; `None` once the key was erased.
pub async fn open_for(
    db: &crate::Db,
    member_id: Uuid,
    sealed: &Sealed,
) -> Result<Option<String>, StoreError> {
    let mut conn = db.reader().acquire().await?;
    Ok(secret_for(&mut conn, member_id)
        .await?
        .and_then(|secret| open(&secret, member_id, sealed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_its_key_and_member() -> Result<(), StoreError> {
        let secret = new_secret()?;
        let member = Uuid::new_v4();
        let sealed = seal(&secret, member, "ada@example.org")?;
        assert!(!sealed.0.contains("ada"));
        assert_eq!(
            open(&secret, member, &sealed).as_deref(),
            Some("ada@example.org")
        );
        assert_eq!(open(&new_secret()?, member, &sealed), None);
        assert_eq!(open(&secret, Uuid::new_v4(), &sealed), None);
        Ok(())
    }
}

/// One member's key, as `lyceum export --member-keys` writes it beside an export to restore the
/// read models' personal data elsewhere. Erased members have none.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemberKey {
    pub member_id: String,
    pub space_id: String,
    pub secret: String,
}

/// Every member key held.
pub async fn all_keys(conn: &mut AnyConnection) -> Result<Vec<MemberKey>, StoreError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT member_id, space_id, secret FROM member_keys ORDER BY member_id")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(member_id, space_id, secret)| MemberKey {
            member_id,
            space_id,
            secret,
        })
        .collect())
}

/// Stores `keys` (into a store being restored).
pub async fn restore_keys(conn: &mut AnyConnection, keys: &[MemberKey]) -> Result<(), StoreError> {
    for key in keys {
        sqlx::query("INSERT INTO member_keys (member_id, space_id, secret) VALUES ($1, $2, $3)")
            .bind(&key.member_id)
            .bind(&key.space_id)
            .bind(&key.secret)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
