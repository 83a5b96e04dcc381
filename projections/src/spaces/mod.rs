//! The spaces read model: one row per space with its current settings, billing terms and member
//! levels (both as JSON, null until the creator sets them).

pub mod queries;
pub mod terms;

use lyceum_domain::Aggregate;
use lyceum_domain::space::{Space, SpaceEvent};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type != Space::TYPE {
        return Ok(());
    }
    let id = event.aggregate_id.to_string();
    match event.decode::<SpaceEvent>()? {
        SpaceEvent::SpaceCreated {
            slug,
            name,
            currency,
        } => {
            sqlx::query(
                "INSERT INTO rm_spaces (id, slug, name, currency, description, created_at, updated_at, position) \
                 VALUES ($1, $2, $3, $4, '', $5, $5, $6)",
            )
            .bind(&id)
            .bind(slug.as_str())
            .bind(name)
            .bind(currency.as_str())
            .bind(&event.occurred_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
        }
        SpaceEvent::SpaceSettingsChanged { name, description } => {
            sqlx::query(
                "UPDATE rm_spaces SET name = COALESCE($1, name), description = COALESCE($2, description), \
                 updated_at = $3, position = $4 WHERE id = $5",
            )
            .bind(name)
            .bind(description)
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        }
        SpaceEvent::ApiKeyIssued { .. } => {}
        SpaceEvent::BillingTermsChanged { terms } => {
            set_json(conn, event, "billing_terms", serde_json::to_string(&terms)?).await?;
        }
        SpaceEvent::LevelRulesChanged { rules } => {
            set_json(conn, event, "level_rules", serde_json::to_string(&rules)?).await?;
        }
        // Kept by the points read model, which applies them in log order.
        SpaceEvent::PointsRulesSet { .. } => {}
    }
    Ok(())
}

async fn set_json(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    column: &'static str,
    json: String,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "UPDATE rm_spaces SET {column} = $1, updated_at = $2, position = $3 WHERE id = $4"
    ))
    .bind(json)
    .bind(&event.occurred_at)
    .bind(event.position)
    .bind(event.aggregate_id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
