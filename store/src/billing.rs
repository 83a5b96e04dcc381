//! What billing needs beyond the log: the payment method each subscription is charged with.
//! It is written with the event that starts the subscription, in the same transaction, and is
//! kept out of the log itself.

use crate::Db;
use crate::error::StoreError;
use crate::migrate::Migration;
use crate::side_write::{BoxFuture, SideWrite};
use lyceum_domain::payment::method::PaymentMethod;
use sqlx::AnyConnection;
use uuid::Uuid;

const TABLES: &str = r#"
CREATE TABLE subscription_payment_methods (
    subscription_id TEXT PRIMARY KEY, space_id TEXT NOT NULL, payment_method TEXT NOT NULL
);
"#;

pub(crate) const MIGRATION: Migration = Migration {
    id: "store-0004-payment-methods",
    postgres: TABLES,
    sqlite: TABLES,
};

/// The row to write with the event that starts a subscription, or beside no event when the
/// method changes.
pub fn set_payment_method(
    subscription_id: Uuid,
    space_id: Uuid,
    payment_method: &PaymentMethod,
) -> SetPaymentMethod {
    SetPaymentMethod {
        subscription_id,
        space_id,
        payment_method: payment_method.as_str().to_owned(),
    }
}

/// Stores the payment method a subscription is charged with, replacing the one it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetPaymentMethod {
    pub subscription_id: Uuid,
    pub space_id: Uuid,
    pub payment_method: String,
}

impl SideWrite for SetPaymentMethod {
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO subscription_payment_methods (subscription_id, space_id, \
                 payment_method) VALUES ($1, $2, $3) ON CONFLICT (subscription_id) \
                 DO UPDATE SET payment_method = excluded.payment_method",
            )
            .bind(self.subscription_id.to_string())
            .bind(self.space_id.to_string())
            .bind(&self.payment_method)
            .execute(conn)
            .await?;
            Ok(())
        })
    }
}

/// The payment method a subscription is charged with.
pub async fn payment_method(db: &Db, subscription_id: Uuid) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT payment_method FROM subscription_payment_methods WHERE subscription_id = $1",
    )
    .bind(subscription_id.to_string())
    .fetch_optional(db.reader())
    .await?)
}
