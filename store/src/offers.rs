//! Offer codes, reserved in the same transaction as the event that creates the offer, so a
//! code is unique within its space and resolves to its offer as soon as it was created.

use crate::Db;
use crate::append::SideWrite;
use crate::error::StoreError;
use crate::migrate::Migration;
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

/// The row to write with the event that creates an offer; fails with
/// [`StoreError::OfferCodeTaken`].
pub fn reserve_code(space_id: Uuid, code: &str, offer_id: Uuid) -> SideWrite {
    SideWrite::ReserveOfferCode {
        space_id,
        code: code.to_owned(),
        offer_id,
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
