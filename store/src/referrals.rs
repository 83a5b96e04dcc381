//! Referral codes, reserved in the same transaction as the event that adds the member, so a code
//! resolves to its member as soon as the member exists (the read models may still lag).

use crate::Db;
use crate::error::StoreError;
use crate::migrate::Migration;
use crate::side_write::{BoxFuture, SideWrite, unique_as};
use sqlx::AnyConnection;
use uuid::Uuid;

const TABLES: &str = r#"
CREATE TABLE referral_codes (
    space_id TEXT NOT NULL, code TEXT NOT NULL, member_id TEXT NOT NULL,
    PRIMARY KEY (space_id, code)
);
"#;

pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0008-referral-codes",
    postgres: TABLES,
    sqlite: TABLES,
};

/// The row to write with the event that adds a member.
pub fn reserve_code(space_id: Uuid, code: &str, member_id: Uuid) -> ReserveCode {
    ReserveCode {
        space_id,
        code: code.to_owned(),
        member_id,
    }
}

/// Reserves a member's referral code within its space. Two members whose ids hash to the same
/// code (about one in 10^18 pairs) fail with [`StoreError::Conflict`]: the caller may retry,
/// with a new member id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveCode {
    pub space_id: Uuid,
    pub code: String,
    pub member_id: Uuid,
}

impl SideWrite for ReserveCode {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let result = sqlx::query(
                "INSERT INTO referral_codes (space_id, code, member_id) VALUES ($1, $2, $3)",
            )
            .bind(self.space_id.to_string())
            .bind(&self.code)
            .bind(self.member_id.to_string())
            .execute(conn)
            .await;
            unique_as(result, StoreError::Conflict)
        })
    }
}

/// The member a referral code belongs to in a space.
pub async fn member_for_code(
    db: &Db,
    space_id: Uuid,
    code: &str,
) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT member_id FROM referral_codes WHERE space_id = $1 AND code = $2",
    )
    .bind(space_id.to_string())
    .bind(code)
    .fetch_optional(db.reader())
    .await?;
    Ok(id.map(|id| Uuid::parse_str(&id)).transpose()?)
}
