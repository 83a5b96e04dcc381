//! Reads of the members read model: a space's members and one member, each with their tiers,
//! points (from the points read model) and level.

use crate::decode::uuid;
use crate::page::{Arg, Conditions, Keyset, Page, Start, placeholders};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub status: String,
    pub erased: bool,
    pub tier_ids: Vec<Uuid>,
    pub points: u64,
    /// `None` until the space sets levels.
    pub level: Option<crate::spaces::terms::MemberLevel>,
    pub created_at: String,
    pub updated_at: String,
    /// Who the member is in the creator's other system.
    pub external_id: Option<String>,
}

/// A member's points are the points read model's balance: manual adjustments and earned points.
const MEMBER_COLUMNS: &str = "m.id, m.space_id, m.email, m.display_name, m.status, m.erased, \
     COALESCE(b.points, 0) AS points, m.created_at, m.updated_at, m.external_id";
const MEMBER_FROM: &str = "rm_members m LEFT JOIN rm_points_balances b ON b.member_id = m.id";

fn member_row(row: &AnyRow) -> Result<MemberRow, sqlx::Error> {
    Ok(MemberRow {
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        status: row.try_get("status")?,
        erased: row.try_get::<i64, _>("erased")? != 0,
        tier_ids: Vec::new(),
        points: u64::try_from(row.try_get::<i64, _>("points")?).unwrap_or(0),
        level: None,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        external_id: row.try_get("external_id")?,
    })
}

/// Fills in the members' tiers and levels, loaded for all of them at once.
async fn complete(db: &Db, members: &mut [MemberRow]) -> Result<(), StoreError> {
    if members.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT member_id, tier_id FROM rm_member_tiers WHERE member_id IN ({}) ORDER BY joined_at, tier_id",
        placeholders(1, members.len())
    );
    let mut query = sqlx::query(&sql);
    for member in members.iter() {
        query = query.bind(member.id.to_string());
    }
    let mut tiers: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in query.fetch_all(db.reader()).await? {
        tiers
            .entry(uuid(&row, "member_id")?)
            .or_default()
            .push(uuid(&row, "tier_id")?);
    }
    // Every row of one call is of one space (the list) or is one member.
    let rules = crate::spaces::terms::space_levels(db, &members[0].space_id.to_string()).await?;
    for member in members.iter_mut() {
        // A member who joined no tier has none.
        member.tier_ids = tiers.remove(&member.id).unwrap_or_default();
        member.level = rules
            .as_ref()
            .map(|r| crate::spaces::terms::level_for(r, member.points));
    }
    Ok(())
}

/// A space's members in id order (which is the order they were added), or only the one with
/// `external_id` if one is given.
pub async fn members(
    db: &Db,
    space_id: &str,
    external_id: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<MemberRow>, StoreError> {
    let conditions = Conditions::default()
        .and("m.space_id = ?", Arg::Text(space_id))
        .and_some("m.external_id = ?", external_id.map(Arg::Text));
    let mut page = Keyset {
        select: &format!("{MEMBER_COLUMNS} FROM {MEMBER_FROM}"),
        filter: &conditions.sql(),
        args: conditions.args(),
        key: "m.id",
    }
    .page(db, Start::After(after), limit, member_row, |m| {
        m.id.to_string()
    })
    .await?;
    complete(db, &mut page.items).await?;
    Ok(page)
}

/// One member, of the given space if one is given.
pub async fn member(
    db: &Db,
    space_id: Option<&str>,
    id: &str,
) -> Result<Option<MemberRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {MEMBER_COLUMNS} FROM {MEMBER_FROM} WHERE ($1 = '' OR m.space_id = $1) AND m.id = $2"
    ))
    .bind(space_id.unwrap_or(""))
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    let mut members: Vec<MemberRow> = row
        .as_ref()
        .map(member_row)
        .transpose()?
        .into_iter()
        .collect();
    complete(db, &mut members).await?;
    Ok(members.pop())
}
