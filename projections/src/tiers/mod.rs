//! The tiers read model: one row per tier, with its current name, prices for new
//! subscriptions, trial and whether it is archived.

pub mod queries;

use lyceum_domain::Aggregate;
use lyceum_domain::membership::tier::{Tier, TierEvent};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type != Tier::TYPE {
        return Ok(());
    }
    match event.decode::<TierEvent>()? {
        TierEvent::TierDefined {
            space_id,
            name,
            kind,
            currency,
            monthly_price_minor,
            yearly_price_minor,
            trial_days,
        } => {
            sqlx::query(
                "INSERT INTO rm_tiers (id, space_id, name, kind, currency, monthly_price_minor, \
                 yearly_price_minor, trial_days, created_at, updated_at, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
            )
            .bind(event.aggregate_id.to_string())
            .bind(space_id.to_string())
            .bind(name)
            .bind(kind.as_str())
            .bind(currency.as_str())
            .bind(monthly_price_minor)
            .bind(yearly_price_minor)
            .bind(i64::from(trial_days))
            .bind(&event.occurred_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
        }
        TierEvent::TierRenamed { name } => {
            sqlx::query(
                "UPDATE rm_tiers SET name = $1, updated_at = $2, position = $3 WHERE id = $4",
            )
            .bind(name)
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(event.aggregate_id.to_string())
            .execute(&mut *conn)
            .await?;
        }
        TierEvent::TierPricesChanged {
            monthly_price_minor,
            yearly_price_minor,
        } => {
            sqlx::query(
                "UPDATE rm_tiers SET monthly_price_minor = $1, yearly_price_minor = $2, \
                 updated_at = $3, position = $4 WHERE id = $5",
            )
            .bind(monthly_price_minor)
            .bind(yearly_price_minor)
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(event.aggregate_id.to_string())
            .execute(&mut *conn)
            .await?;
        }
        TierEvent::TierTrialChanged { trial_days } => {
            sqlx::query(
                "UPDATE rm_tiers SET trial_days = $1, updated_at = $2, position = $3 WHERE id = $4",
            )
            .bind(i64::from(trial_days))
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(event.aggregate_id.to_string())
            .execute(&mut *conn)
            .await?;
        }
        TierEvent::TierArchived {} => {
            sqlx::query(
                "UPDATE rm_tiers SET archived = 1, archived_at = $1, updated_at = $1, position = $2 \
                 WHERE id = $3",
            )
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(event.aggregate_id.to_string())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
