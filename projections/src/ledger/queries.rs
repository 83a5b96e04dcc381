//! Reads of the ledger read model: each account's debit and credit totals.

use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;

/// One account's totals in one currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountBalance {
    pub account: String,
    pub currency: String,
    pub debits_minor: i64,
    pub credits_minor: i64,
}

/// Every ledger account of a space with its debit and credit totals, per currency.
pub async fn ledger_balances(db: &Db, space_id: &str) -> Result<Vec<AccountBalance>, StoreError> {
    let rows = sqlx::query(
        "SELECT account, currency, \
         CAST(SUM(CASE WHEN side = 'debit' THEN amount_minor ELSE 0 END) AS BIGINT) AS debits, \
         CAST(SUM(CASE WHEN side = 'credit' THEN amount_minor ELSE 0 END) AS BIGINT) AS credits \
         FROM rm_ledger_lines WHERE space_id = $1 GROUP BY account, currency \
         ORDER BY currency, account",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AccountBalance {
                account: row.try_get("account")?,
                currency: row.try_get("currency")?,
                debits_minor: row.try_get("debits")?,
                credits_minor: row.try_get("credits")?,
            })
        })
        .collect()
}
