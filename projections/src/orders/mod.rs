//! The orders read model: one row per order (a one-off purchase or a subscription period) with
//! its amount, payment status and refunds. Like subscriptions, each event folds the order's
//! stream up to it through the domain aggregate, so the row is the aggregate's state at that
//! position, live and on replay.

pub mod queries;

use crate::orders::queries::OrderRow;
use lyceum_domain::Aggregate;
use lyceum_domain::payment::order::{DisputeOutcome, Order, OrderItem, OrderState};
use lyceum_store::read::fold_until;
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;
use uuid::Uuid;

/// The row for an order in `state`: shared by this projection and the API's answer to a write.
pub fn row(id: Uuid, state: &OrderState, created_at: String, updated_at: String) -> OrderRow {
    let (kind, content_id, tier_id) = match &state.item {
        OrderItem::Content { content_id } => ("content", Some(content_id.0), None),
        OrderItem::SubscriptionPeriod { tier_id, .. } => {
            ("subscription_period", None, Some(tier_id.0))
        }
    };
    OrderRow {
        id,
        space_id: state.space_id.0,
        member_id: state.member_id.0,
        item_kind: kind.to_owned(),
        content_id,
        tier_id,
        amount_minor: state.amount.minor,
        currency: state.amount.currency.to_string(),
        status: state.status.as_str().to_owned(),
        refunded_minor: state.total_refunded.minor,
        dispute_status: state.dispute.as_ref().map(|d| {
            match d.outcome {
                None => "open",
                Some(DisputeOutcome::Won) => "won",
                Some(DisputeOutcome::Lost) => "lost",
            }
            .to_owned()
        }),
        created_at,
        updated_at,
    }
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type != Order::TYPE {
        return Ok(());
    }
    let (order, created_at) = fold_until::<Order>(conn, event).await?;
    let Some(state) = order.state else {
        return Ok(());
    };
    let row = row(
        event.aggregate_id,
        &state,
        created_at,
        event.occurred_at.clone(),
    );
    sqlx::query(
        "INSERT INTO rm_orders (id, space_id, member_id, item_kind, content_id, tier_id, \
         amount_minor, currency, status, refunded_minor, created_at, updated_at, position, \
         dispute_status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, \
         refunded_minor = excluded.refunded_minor, updated_at = excluded.updated_at, \
         position = excluded.position, dispute_status = excluded.dispute_status",
    )
    .bind(row.id.to_string())
    .bind(row.space_id.to_string())
    .bind(row.member_id.to_string())
    .bind(row.item_kind)
    .bind(row.content_id.map(|id| id.to_string()))
    .bind(row.tier_id.map(|id| id.to_string()))
    .bind(row.amount_minor)
    .bind(row.currency)
    .bind(row.status)
    .bind(row.refunded_minor)
    .bind(row.created_at)
    .bind(row.updated_at)
    .bind(event.position)
    .bind(row.dispute_status)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
