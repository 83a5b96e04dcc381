//! The double-entry ledger as a read model: every movement of money in the log (a payment for
//! an order or a subscription cycle, a refund, a dispute opened, won or lost) is posted as a
//! balanced journal entry by the domain's posting rules. Entries are keyed by the event and a
//! part name, never edited; each payment's position (what was paid, returned and held) is kept
//! so that refunds and disputes reverse exactly the original split.

use lyceum_domain::Aggregate;
use lyceum_domain::ids::SpaceId;
use lyceum_domain::ledger::{
    EntryRef, JournalEntry, PaymentPosition, PaymentReceived, Posting, Side, dispute_lost,
    dispute_opened, dispute_won, payment_received, refund_issued,
};
use lyceum_domain::membership::subscription::{Subscription, SubscriptionEvent};
use lyceum_domain::money::Money;
use lyceum_domain::payment::order::{DisputeOutcome, Order, OrderEvent};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

/// The platform's fee, in basis points. Spaces cannot set one yet.
const PLATFORM_FEE_BPS: u32 = 0;

fn invalid(error: lyceum_domain::DomainError) -> StoreError {
    StoreError::Corrupt(format!("ledger posting: {error}"))
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    let Some(space) = event.space_id.map(SpaceId) else {
        return Ok(());
    };
    let reference = |part: &str| EntryRef::new(event.event_id, part).map_err(invalid);
    if event.aggregate_type == Order::TYPE {
        let key = format!("order:{}", event.aggregate_id);
        let posting = match event.decode::<OrderEvent>()? {
            OrderEvent::PaymentSucceeded { amount, .. } => {
                payment(space, &reference("payment")?, amount)?
            }
            OrderEvent::Refunded { amount, .. } => {
                let position = position(conn, &key).await?;
                refund_issued(reference("refund")?, &position, amount).map_err(invalid)?
            }
            OrderEvent::DisputeOpened { amount, .. } => {
                let position = position(conn, &key).await?;
                dispute_opened(reference("dispute-opened")?, &position, amount).map_err(invalid)?
            }
            OrderEvent::DisputeClosed { outcome, .. } => {
                let position = position(conn, &key).await?;
                match outcome {
                    DisputeOutcome::Won => dispute_won(reference("dispute-won")?, &position),
                    DisputeOutcome::Lost => dispute_lost(reference("dispute-lost")?, &position),
                }
                .map_err(invalid)?
            }
            _ => return Ok(()),
        };
        return post(conn, event, &key, &posting).await;
    }
    if event.aggregate_type == Subscription::TYPE {
        let (key, amount) = match event.decode::<SubscriptionEvent>()? {
            SubscriptionEvent::SubscriptionActivated { amount, .. } => {
                (format!("subscription:{}:1", event.aggregate_id), amount)
            }
            SubscriptionEvent::SubscriptionRenewed { cycle, amount, .. } => (
                format!("subscription:{}:{cycle}", event.aggregate_id),
                amount,
            ),
            SubscriptionEvent::SubscriptionUpgraded {
                prorated_charge, ..
            } if prorated_charge.minor > 0 => (
                format!(
                    "subscription:{}:upgrade:{}",
                    event.aggregate_id, event.event_id
                ),
                prorated_charge,
            ),
            _ => return Ok(()),
        };
        if amount.minor <= 0 {
            return Ok(());
        }
        let posting = payment(space, &reference("payment")?, amount)?;
        return post(conn, event, &key, &posting).await;
    }
    Ok(())
}

fn payment(space: SpaceId, reference: &EntryRef, amount: Money) -> Result<Posting, StoreError> {
    let fact = PaymentReceived {
        space_id: space,
        amount,
        platform_fee_bps: PLATFORM_FEE_BPS,
        referral: None,
    };
    payment_received(reference.clone(), &fact).map_err(invalid)
}

async fn position(conn: &mut AnyConnection, key: &str) -> Result<PaymentPosition, StoreError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT position FROM rm_ledger_positions WHERE payment_key = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    let json = json.ok_or_else(|| StoreError::Corrupt(format!("no ledger position for {key}")))?;
    Ok(serde_json::from_str(&json)?)
}

/// Writes the entry, its lines and the payment's new position.
async fn post(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    key: &str,
    posting: &Posting,
) -> Result<(), StoreError> {
    let entry: &JournalEntry = &posting.entry;
    let reference = entry.reference().to_string();
    let space = posting.position.space_id().to_string();
    sqlx::query(
        "INSERT INTO rm_ledger_entries (reference, space_id, memo, currency, total_minor, \
         recorded_at, position) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&reference)
    .bind(&space)
    .bind(entry.memo())
    .bind(entry.total().currency.to_string())
    .bind(entry.total().minor)
    .bind(&event.recorded_at)
    .bind(event.position)
    .execute(&mut *conn)
    .await?;
    for (n, line) in entry.lines().iter().enumerate() {
        sqlx::query(
            "INSERT INTO rm_ledger_lines (reference, line_no, space_id, account, side, \
             amount_minor, currency) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&reference)
        .bind(n as i64)
        .bind(&space)
        .bind(line.account.kind.as_str())
        .bind(match line.side {
            Side::Debit => "debit",
            Side::Credit => "credit",
        })
        .bind(line.amount.minor)
        .bind(line.amount.currency.to_string())
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO rm_ledger_positions (payment_key, space_id, position) VALUES ($1, $2, $3) \
         ON CONFLICT (payment_key) DO UPDATE SET position = excluded.position",
    )
    .bind(key)
    .bind(&space)
    .bind(serde_json::to_string(&posting.position)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
