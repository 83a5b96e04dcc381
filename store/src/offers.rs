//! Offer codes, reserved in the same transaction as the event that creates the offer, so a
//! code is unique within its space and resolves to its offer as soon as it was created.

use crate::Db;
use crate::error::StoreError;
use crate::migrate::Migration;
use crate::side_write::{BoxFuture, SideWrite, unique_as};
use sqlx::AnyConnection;
use uuid::Uuid;

const TABLES: &str = r#"
CREATE TABLE offer_codes (
    space_id TEXT NOT NULL, code TEXT NOT NULL, offer_id TEXT NOT NULL,
    PRIMARY KEY (space_id, code)
);
"#;

pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0006-offer-codes",
    postgres: TABLES,
    sqlite: TABLES,
};

/// The row to write with the event that creates an offer.
pub fn reserve_code(space_id: Uuid, code: &str, offer_id: Uuid) -> ReserveCode {
    ReserveCode {
        space_id,
        code: code.to_owned(),
        offer_id,
    }
}

/// Reserves an offer's code within its space; fails with [`StoreError::OfferCodeTaken`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveCode {
    pub space_id: Uuid,
    pub code: String,
    pub offer_id: Uuid,
}

impl SideWrite for ReserveCode {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let result = sqlx::query(
                "INSERT INTO offer_codes (space_id, code, offer_id) VALUES ($1, $2, $3)",
            )
            .bind(self.space_id.to_string())
            .bind(&self.code)
            .bind(self.offer_id.to_string())
            .execute(conn)
            .await;
            unique_as(result, StoreError::OfferCodeTaken)
        })
    }
}

/// The offer a code names in a space.
pub async fn offer_for_code(
    db: &Db,
    space_id: Uuid,
    code: &str,
) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT offer_id FROM offer_codes WHERE space_id = $1 AND code = $2")
            .bind(space_id.to_string())
            .bind(code)
            .fetch_optional(db.reader())
            .await?;
    Ok(id.map(|id| Uuid::parse_str(&id)).transpose()?)
}
