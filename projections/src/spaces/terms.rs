//! Reads of a space's current billing terms and member levels from the spaces read model, and
//! a member's level from their points.

use lyceum_domain::membership::level::LevelRules;
use lyceum_domain::membership::terms::BillingTerms;
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;

/// A space's billing terms: the defaults until the creator sets them (or for an unknown space).
pub async fn space_terms(db: &Db, space_id: &str) -> Result<BillingTerms, StoreError> {
    let json: Option<Option<String>> =
        sqlx::query_scalar("SELECT billing_terms FROM rm_spaces WHERE id = $1")
            .bind(space_id)
            .fetch_optional(db.reader())
            .await?;
    terms_from(json.flatten().as_deref())
}

/// Billing terms as `rm_spaces.billing_terms` stores them: the defaults when unset.
pub fn terms_from(json: Option<&str>) -> Result<BillingTerms, StoreError> {
    match json {
        Some(json) => Ok(serde_json::from_str(json)?),
        None => Ok(BillingTerms::default()),
    }
}

/// A space's member levels, if the creator set any.
pub async fn space_levels(db: &Db, space_id: &str) -> Result<Option<LevelRules>, StoreError> {
    let row = sqlx::query("SELECT level_rules FROM rm_spaces WHERE id = $1")
        .bind(space_id)
        .fetch_optional(db.reader())
        .await?;
    let json: Option<String> = match row {
        Some(row) => row.try_get("level_rules")?,
        None => None,
    };
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// Where a member stands on their space's ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberLevel {
    pub name: String,
    /// The points at which this level starts.
    pub threshold: u64,
    /// The next level up, and how many more points reach it; `None` at the top.
    pub next_name: Option<String>,
    pub points_to_next: Option<u64>,
}

/// The level `points` earn under `rules`.
pub fn level_for(rules: &LevelRules, points: u64) -> MemberLevel {
    let level = rules.level_for(points);
    let next = rules.next_level(points);
    MemberLevel {
        name: level.name().to_owned(),
        threshold: level.threshold(),
        next_name: next.map(|(l, _)| l.name().to_owned()),
        points_to_next: next.map(|(_, n)| n),
    }
}
