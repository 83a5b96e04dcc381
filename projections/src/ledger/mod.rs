//! The double-entry ledger as a read model: every movement of money in the log (a payment for
//! an order or a subscription cycle, a refund, a dispute opened, won or lost) is posted as a
//! balanced journal entry by the domain's posting rules. Entries are keyed by the event and a
//! part name, never edited; each payment's position (what was paid, returned and held) is kept
//! so that refunds and disputes reverse exactly the original split.
//!
//! The platform fee and the referral commission are the space's billing terms as this
//! projection has seen them up to the payment (kept in `rm_ledger_terms`), so a replay splits
//! every payment exactly as it was split live. A subscription started with a referral code is
//! kept in `rm_referrals`; its first paid cycle (the conversion) pays the referrer's commission,
//! and later cycles do not.

pub mod queries;
pub mod referrals;

use lyceum_domain::Aggregate;
use lyceum_domain::ids::{MemberId, SpaceId};
use lyceum_domain::ledger::{
    EntryRef, JournalEntry, PaymentPosition, PaymentReceived, Posting, Referral, Side,
    dispute_lost, dispute_opened, dispute_won, payment_received, refund_issued,
};
use lyceum_domain::membership::subscription::{Subscription, SubscriptionEvent};
use lyceum_domain::money::Money;
use lyceum_domain::payment::order::{DisputeOutcome, Order, OrderEvent};
use lyceum_domain::space::{Space, SpaceEvent};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::{AnyConnection, Row};

fn invalid(error: lyceum_domain::DomainError) -> StoreError {
    StoreError::Corrupt(format!("ledger posting: {error}"))
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type == Space::TYPE {
        if let SpaceEvent::BillingTermsChanged { terms } = event.decode::<SpaceEvent>()? {
            sqlx::query(
                "INSERT INTO rm_ledger_terms (space_id, platform_fee_bps, referral_commission_bps) \
                 VALUES ($1, $2, $3) ON CONFLICT (space_id) DO UPDATE SET \
                 platform_fee_bps = excluded.platform_fee_bps, \
                 referral_commission_bps = excluded.referral_commission_bps",
            )
            .bind(event.aggregate_id.to_string())
            .bind(i64::from(terms.platform_fee_bps()))
            .bind(i64::from(terms.referral_commission_bps()))
            .execute(&mut *conn)
            .await?;
        }
        return Ok(());
    }
    let Some(space) = event.space_id.map(SpaceId) else {
        return Ok(());
    };
    let reference = |part: &str| EntryRef::new(event.event_id, part).map_err(invalid);
    if event.aggregate_type == Order::TYPE {
        let key = format!("order:{}", event.aggregate_id);
        let posting = match event.decode::<OrderEvent>()? {
            OrderEvent::PaymentSucceeded { amount, .. } => {
                payment(conn, space, &reference("payment")?, amount, None).await?
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
        let subscription = event.aggregate_id.to_string();
        let (key, amount, first) = match event.decode::<SubscriptionEvent>()? {
            SubscriptionEvent::SubscriptionStarted {
                member_id,
                tier_id,
                referred_by: Some(referrer),
                started_at,
                ..
            } => {
                sqlx::query(
                    "INSERT INTO rm_referrals (subscription_id, space_id, referrer_id, member_id, \
                     tier_id, started_at, position) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&subscription)
                .bind(space.to_string())
                .bind(referrer.to_string())
                .bind(member_id.to_string())
                .bind(tier_id.to_string())
                .bind(lyceum_store::time::format(started_at))
                .bind(event.position)
                .execute(&mut *conn)
                .await?;
                return Ok(());
            }
            SubscriptionEvent::SubscriptionActivated { amount, .. } => {
                (format!("subscription:{subscription}:1"), amount, true)
            }
            SubscriptionEvent::SubscriptionRenewed { cycle, amount, .. } => (
                format!("subscription:{subscription}:{cycle}"),
                amount,
                false,
            ),
            SubscriptionEvent::SubscriptionUpgraded {
                prorated_charge, ..
            } if prorated_charge.minor > 0 => (
                format!("subscription:{subscription}:upgrade:{}", event.event_id),
                prorated_charge,
                false,
            ),
            _ => return Ok(()),
        };
        if amount.minor <= 0 {
            return Ok(());
        }
        // A referral earns its commission on the conversion: the first paid cycle.
        let referrer = match first {
            true => referrer(conn, &subscription).await?,
            false => None,
        };
        let posting = payment(conn, space, &reference("payment")?, amount, referrer).await?;
        if referrer.is_some() {
            let commission = posting.position.paid().referral_commission();
            sqlx::query(
                "UPDATE rm_referrals SET converted_at = $1, commission_minor = $2, currency = $3, \
                 position = $4 WHERE subscription_id = $5",
            )
            .bind(&event.occurred_at)
            .bind(commission.minor)
            .bind(commission.currency.to_string())
            .bind(event.position)
            .bind(&subscription)
            .execute(&mut *conn)
            .await?;
        }
        return post(conn, event, &key, &posting).await;
    }
    Ok(())
}

/// The referrer of a subscription that has not converted yet.
async fn referrer(
    conn: &mut AnyConnection,
    subscription: &str,
) -> Result<Option<MemberId>, StoreError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT referrer_id FROM rm_referrals WHERE subscription_id = $1 AND converted_at IS NULL",
    )
    .bind(subscription)
    .fetch_optional(&mut *conn)
    .await?;
    id.map(|id| id.parse().map(MemberId))
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("referrer id: {e}")))
}

/// Posts a payment under the space's terms as the ledger has seen them up to this event.
async fn payment(
    conn: &mut AnyConnection,
    space: SpaceId,
    reference: &EntryRef,
    amount: Money,
    referrer: Option<MemberId>,
) -> Result<Posting, StoreError> {
    let terms = sqlx::query(
        "SELECT platform_fee_bps, referral_commission_bps FROM rm_ledger_terms WHERE space_id = $1",
    )
    .bind(space.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let (fee, commission) = match terms {
        Some(row) => (
            row.try_get::<i64, _>("platform_fee_bps")?,
            row.try_get::<i64, _>("referral_commission_bps")?,
        ),
        None => (0, 0),
    };
    let bps = |v: i64| u32::try_from(v).map_err(|_| StoreError::Corrupt("bad basis points".into()));
    let fact = PaymentReceived {
        space_id: space,
        amount,
        platform_fee_bps: bps(fee)?,
        referral: match referrer {
            Some(referrer) => Some(Referral {
                referrer,
                commission_bps: bps(commission)?,
            }),
            None => None,
        },
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
    .bind(&event.occurred_at)
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
