//! Entitlements: what a member may access right now, read from the members, subscriptions and
//! orders read models under the space's current billing terms. A member holds the free tiers
//! they joined and the tier of every subscription that grants access: trialing, active (also
//! when set to cancel at period end, until it ends), a comp before its end, and past due while
//! the space's grace lasts. They own the items they paid for, unless a lost dispute or a refund
//! (as the space's refund rule says) took them back.
//!
//! It is one read: each read model's rows for the member, by index, in one `UNION ALL`, and the
//! rules above applied to them here.

use crate::spaces::terms::terms_from;
use chrono::{DateTime, TimeDelta, Utc};
use lyceum_domain::membership::terms::BillingTerms;
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberAccess {
    pub is_member: bool,
    pub tier_ids: Vec<String>,
    /// Items bought and paid for and not taken back.
    pub purchased_content_ids: Vec<String>,
}

/// A row per source of access, told apart by `kind`: the member with the space's terms, a free
/// tier joined, a subscription in a status that may grant access, a paid item.
const ACCESS_SQL: &str = "\
    SELECT 'member' AS kind, m.status AS id, s.billing_terms AS detail, \
           CAST(NULL AS BIGINT) AS amount_minor, CAST(NULL AS BIGINT) AS refunded_minor \
      FROM rm_members m LEFT JOIN rm_spaces s ON s.id = m.space_id \
     WHERE m.space_id = $1 AND m.id = $2 \
    UNION ALL \
    SELECT 'tier', tier_id, NULL, NULL, NULL FROM rm_member_tiers \
     WHERE member_id = $2 AND space_id = $1 \
    UNION ALL \
    SELECT 'subscription', tier_id, past_due_since, NULL, NULL FROM rm_subscriptions \
     WHERE space_id = $1 AND member_id = $2 AND status IN ('trialing', 'active', 'past_due') \
    UNION ALL \
    SELECT 'order', content_id, dispute_status, amount_minor, refunded_minor FROM rm_orders \
     WHERE space_id = $1 AND member_id = $2 AND item_kind = 'content' \
       AND status IN ('paid', 'partially_refunded', 'refunded')";

/// The entitlements of one member of a space at `now`; `None` for a member the space does not
/// have (a removed member has a row, and no entitlements).
pub async fn member_entitlements(
    db: &Db,
    space_id: &str,
    member_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<MemberAccess>, StoreError> {
    let rows = sqlx::query(ACCESS_SQL)
        .bind(space_id)
        .bind(member_id)
        .fetch_all(db.reader())
        .await?;
    let Some(member) = rows.iter().find(|r| kind(r).is_ok_and(|k| k == "member")) else {
        return Ok(None);
    };
    if member.try_get::<String, _>("id")? != "active" {
        return Ok(Some(MemberAccess::default()));
    }
    let terms = terms_from(member.try_get::<Option<String>, _>("detail")?.as_deref())?;
    let mut access = MemberAccess {
        is_member: true,
        ..MemberAccess::default()
    };
    for row in &rows {
        match kind(row)?.as_str() {
            "tier" => access.tier_ids.push(row.try_get("id")?),
            "subscription" => {
                let past_due_since: Option<String> = row.try_get("detail")?;
                if within_grace(&terms, past_due_since.as_deref(), now)? {
                    access.tier_ids.push(row.try_get("id")?);
                }
            }
            "order" => {
                let lost = row.try_get::<Option<String>, _>("detail")?.as_deref() == Some("lost");
                let kept = terms.refund_access().keeps_access(
                    row.try_get::<Option<i64>, _>("amount_minor")?.unwrap_or(0),
                    row.try_get::<Option<i64>, _>("refunded_minor")?
                        .unwrap_or(0),
                );
                if kept
                    && !lost
                    && let Some(id) = row.try_get::<Option<String>, _>("id")?
                {
                    access.purchased_content_ids.push(id);
                }
            }
            _ => {}
        }
    }
    for ids in [&mut access.tier_ids, &mut access.purchased_content_ids] {
        ids.sort();
        ids.dedup();
    }
    Ok(Some(access))
}

/// The entitlements of one member of a space at `now`: none for an unknown member.
pub async fn member_access(
    db: &Db,
    space_id: &str,
    member_id: &str,
    now: DateTime<Utc>,
) -> Result<MemberAccess, StoreError> {
    Ok(member_entitlements(db, space_id, member_id, now)
        .await?
        .unwrap_or_default())
}

fn kind(row: &AnyRow) -> Result<String, StoreError> {
    Ok(row.try_get("kind")?)
}

/// Whether a subscription in an access-granting status still grants it: always, unless it is
/// past due for longer than the space's grace.
fn within_grace(
    terms: &BillingTerms,
    past_due_since: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(since) = past_due_since else {
        return Ok(true);
    };
    let since = lyceum_store::time::parse(since)?;
    Ok(now < since + TimeDelta::days(i64::from(terms.past_due_grace_days())))
}
