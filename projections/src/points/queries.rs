//! Reads of the points read model: a member's ledger, balance and badges, and the leaderboards.

use crate::decode::uuid;
use crate::page::{Arg, Keyset, Page, Start, page};
use lyceum_store::{Db, StoreError};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

/// One entry of a member's points ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub position: i64,
    /// The action (`checked_in`, `comment_posted`, …) or `manual` for the creator's adjustment.
    pub action: String,
    /// Negative for points taken back.
    pub points: i64,
    /// The day the entry counts on.
    pub day: String,
    /// The creator's reason, for manual adjustments.
    pub reason: Option<String>,
    pub event_id: Uuid,
    pub recorded_at: String,
}

/// A member's ledger, newest first; `before` is the position of the last entry of the previous
/// page.
pub async fn ledger(
    db: &Db,
    space_id: &str,
    member_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<LedgerRow>, StoreError> {
    Keyset {
        select: "position, action, points, day, reason, event_id, recorded_at \
                 FROM rm_points_ledger",
        filter: "space_id = $1 AND member_id = $2",
        args: &[Arg::Text(space_id), Arg::Text(member_id)],
        key: "position",
    }
    .page(db, Start::BeforeNumber(before), limit, ledger_row, |e| {
        e.position.to_string()
    })
    .await
}

fn ledger_row(row: &AnyRow) -> Result<LedgerRow, sqlx::Error> {
    Ok(LedgerRow {
        position: row.try_get("position")?,
        action: row.try_get("action")?,
        points: row.try_get("points")?,
        day: row.try_get("day")?,
        reason: row.try_get("reason")?,
        event_id: uuid(row, "event_id")?,
        recorded_at: row.try_get("recorded_at")?,
    })
}

/// A member's points: the creator's adjustments and what actions earned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    pub manual: i64,
    pub earned: i64,
    /// Their sum, which sets the member's level.
    pub points: i64,
}

pub async fn balance(db: &Db, member_id: &str) -> Result<Balance, StoreError> {
    let row =
        sqlx::query("SELECT manual, earned, points FROM rm_points_balances WHERE member_id = $1")
            .bind(member_id)
            .fetch_optional(db.reader())
            .await?;
    let Some(row) = row else {
        return Ok(Balance::default());
    };
    Ok(Balance {
        manual: row.try_get("manual")?,
        earned: row.try_get("earned")?,
        points: row.try_get("points")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeRow {
    pub badge: String,
    /// The day of the action that earned it.
    pub day: String,
    pub awarded_at: String,
}

/// A member's badges, in the order they were earned.
pub async fn badges(db: &Db, space_id: &str, member_id: &str) -> Result<Vec<BadgeRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT badge, day, awarded_at FROM rm_badges WHERE space_id = $1 AND member_id = $2 \
         ORDER BY position, badge",
    )
    .bind(space_id)
    .bind(member_id)
    .fetch_all(db.reader())
    .await?;
    Ok(rows
        .iter()
        .map(|row| {
            Ok(BadgeRow {
                badge: row.try_get("badge")?,
                day: row.try_get("day")?,
                awarded_at: row.try_get("awarded_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// Which points a leaderboard ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    /// Every member's balance.
    AllTime,
    /// Points of entries counted in the week starting on this Monday.
    Week(chrono::NaiveDate),
}

/// A place on a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderRow {
    /// 1 plus the number of members with more points (equal points share a rank).
    pub rank: i64,
    pub member_id: Uuid,
    /// Null once erased.
    pub display_name: Option<String>,
    pub points: i64,
}

fn leader_row(row: &AnyRow) -> Result<LeaderRow, sqlx::Error> {
    Ok(LeaderRow {
        rank: row.try_get("rank")?,
        member_id: uuid(row, "member_id")?,
        display_name: row.try_get("display_name")?,
        points: row.try_get("points")?,
    })
}

/// The cursor of the row after which a page starts: its points and member id.
pub fn leader_cursor(row: &LeaderRow) -> String {
    format!("{}:{}", row.points, row.member_id)
}

/// Parses [`leader_cursor`]; `None` if it is not one.
pub fn parse_leader_cursor(cursor: &str) -> Option<(i64, String)> {
    let (points, member) = cursor.split_once(':')?;
    Some((points.parse().ok()?, member.to_owned()))
}

/// The active members with points above zero on `board`, most points first (then by member
/// id), starting after `after` (see [`leader_cursor`]). The page reads the board's `(space_id,
/// [week,] points DESC, member_id)` index from the cursor's points on; its ranks come from one
/// count of the members at or above its first row's points (see [`ranks`]), so a page costs
/// its rank, not the board's size.
pub async fn leaderboard(
    db: &Db,
    space_id: &str,
    board: Board,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<Page<LeaderRow>, StoreError> {
    let week = match board {
        Board::AllTime => None,
        Board::Week(monday) => Some(monday.to_string()),
    };
    let (table, same_week) = board_table(week.is_some(), "b", 5);
    let sql = format!(
        "SELECT b.member_id, b.points, m.display_name, CAST(0 AS BIGINT) AS rank \
         FROM {table} b JOIN rm_members m ON m.id = b.member_id \
         WHERE b.space_id = $1 {same_week} AND m.status = 'active' AND b.points > 0 \
         AND b.points <= $2 AND (b.points < $2 OR b.member_id > $3) \
         ORDER BY b.points DESC, b.member_id LIMIT $4",
    );
    let (points, member) = after.unwrap_or((i64::MAX, String::new()));
    let mut query = sqlx::query(&sql)
        .bind(space_id)
        .bind(points)
        .bind(member)
        .bind(limit + 1);
    if let Some(week) = &week {
        query = query.bind(week.as_str());
    }
    let rows = query.fetch_all(db.reader()).await?;
    let mut items: Vec<LeaderRow> = rows.iter().map(leader_row).collect::<Result<_, _>>()?;
    ranks(db, space_id, week.as_deref(), &mut items).await?;
    Ok(page(items, limit, leader_cursor))
}

/// The board's table, and the condition on its `week` (bound to `$at`) for a weekly board.
fn board_table(weekly: bool, alias: &str, at: usize) -> (&'static str, String) {
    if weekly {
        ("rm_points_weekly", format!("AND {alias}.week = ${at}"))
    } else {
        ("rm_points_balances", String::new())
    }
}

/// Fills in the ranks of a page of a board, in board order: 1 plus the number of active members
/// with more points. One count gives the members above the page's first row and those level with
/// it (some on earlier pages); every other member above a row of the page is on the page, between
/// the two.
async fn ranks(
    db: &Db,
    space_id: &str,
    week: Option<&str>,
    items: &mut [LeaderRow],
) -> Result<(), StoreError> {
    let Some(top) = items.first().map(|r| r.points) else {
        return Ok(());
    };
    let (table, same_week) = board_table(week.is_some(), "o", 3);
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN o.points > $2 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         AS above, COUNT(*) AS level_or_above FROM {table} o \
         JOIN rm_members om ON om.id = o.member_id \
         WHERE o.space_id = $1 {} AND om.status = 'active' AND o.points >= $2",
        same_week
    );
    // Planned for these points each time: how many members are above decides the plan.
    let mut query = sqlx::query(&sql).persistent(false).bind(space_id).bind(top);
    if let Some(week) = week {
        query = query.bind(week);
    }
    let row = query.fetch_one(db.reader()).await?;
    let (above, level_or_above): (i64, i64) =
        (row.try_get("above")?, row.try_get("level_or_above")?);
    for i in 0..items.len() {
        let points = items[i].points;
        items[i].rank = if points == top {
            above + 1
        } else {
            let between = items[..i]
                .iter()
                .filter(|r| r.points > points && r.points < top)
                .count() as i64;
            level_or_above + between + 1
        };
    }
    Ok(())
}
