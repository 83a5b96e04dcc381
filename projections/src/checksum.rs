//! Checksums of read-model tables, to show that a rebuild from position 0 gives exactly the
//! live rows.

use crate::Projection;
use lyceum_store::{Db, StoreError};
use sha2::{Digest, Sha256};
use sqlx::{Column, Row};

/// A SHA-256 over every row of the projection's tables, in key order.
pub async fn checksum(db: &Db, projection: Projection) -> Result<String, StoreError> {
    let mut hasher = Sha256::new();
    for (table, order) in projection.tables() {
        hasher.update(format!("table {table}\n"));
        let rows = sqlx::query(&format!("SELECT * FROM {table} ORDER BY {order}"))
            .fetch_all(db.reader())
            .await?;
        for row in rows {
            for (i, column) in row.columns().iter().enumerate() {
                let value = match row.try_get::<Option<String>, _>(i) {
                    Ok(text) => format!("{text:?}"),
                    Err(_) => format!("{:?}", row.try_get::<Option<i64>, _>(i)?),
                };
                hasher.update(format!("{}={value};", column.name()));
            }
            hasher.update("\n");
        }
    }
    Ok(hex::encode(hasher.finalize()))
}
