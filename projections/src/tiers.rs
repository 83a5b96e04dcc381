//! The tiers read model: one row per tier.

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
                 yearly_price_minor, trial_days, created_at, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(event.aggregate_id.to_string())
            .bind(space_id.to_string())
            .bind(name)
            .bind(kind.as_str())
            .bind(currency.as_str())
            .bind(monthly_price_minor)
            .bind(yearly_price_minor)
            .bind(i64::from(trial_days))
            .bind(&event.recorded_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
