//! Checkpoints inside a consumer's transaction: every consumer of the log (read models, the
//! webhook fan-out) locks its checkpoint, writes its rows, and moves the checkpoint in the same
//! transaction, so concurrent consumers of the same name take turns and a crash never leaves
//! rows without their checkpoint or the reverse. After the commit the caller says so with
//! [`crate::Db::checkpoints_moved`], which wakes this process's waits and, on Postgres,
//! notifies [`MOVED_CHANNEL`] so that other processes' waits hear it too.

use crate::db::Backend;
use crate::error::StoreError;
use sqlx::AnyConnection;

/// Reads (and on Postgres locks until the transaction ends) a checkpoint, creating it at 0.
pub async fn lock(
    conn: &mut AnyConnection,
    backend: Backend,
    name: &str,
) -> Result<i64, StoreError> {
    sqlx::query(
        "INSERT INTO checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .execute(&mut *conn)
    .await?;
    let sql = match backend {
        Backend::Postgres => "SELECT position FROM checkpoints WHERE name = $1 FOR UPDATE",
        Backend::Sqlite => "SELECT position FROM checkpoints WHERE name = $1",
    };
    Ok(sqlx::query_scalar(sql)
        .bind(name)
        .fetch_one(&mut *conn)
        .await?)
}

/// The Postgres channel notified after every commit that moves a checkpoint, once the process
/// that committed it calls [`crate::Db::checkpoints_moved`] (see [`crate::announce`]).
pub const MOVED_CHANNEL: &str = "lyceum_checkpoints";

/// Moves a checkpoint locked with [`lock`].
pub async fn save(conn: &mut AnyConnection, name: &str, position: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE checkpoints SET position = $1 WHERE name = $2")
        .bind(position)
        .bind(name)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The checkpoint of one partition of a read model: `<projection>/<partition>`.
pub fn partition_name(projection: &str, partition: u16) -> String {
    format!("{projection}/{partition}")
}

/// The range of names `<projection>/…`: '0' is the character after '/'.
fn partition_range(projection: &str) -> (String, String) {
    (format!("{projection}/"), format!("{projection}0"))
}

/// Reads (and on Postgres locks until the transaction ends) every partition checkpoint of a
/// read model, in partition order. A read model that has none yet gets `count` of them, each
/// starting where its single checkpoint of earlier versions stood (or 0), so an upgraded store
/// neither applies an event twice nor skips one.
pub async fn lock_partitions(
    conn: &mut AnyConnection,
    backend: Backend,
    projection: &str,
    count: u16,
) -> Result<Vec<i64>, StoreError> {
    let found = select_partitions(conn, backend, projection).await?;
    if !found.is_empty() {
        return Ok(found);
    }
    create_partitions(conn, projection, count).await?;
    select_partitions(conn, backend, projection).await
}

/// Reads (and on Postgres locks) one partition's checkpoint, creating the read model's
/// partitions as [`lock_partitions`] does if it has none.
pub async fn lock_partition(
    conn: &mut AnyConnection,
    backend: Backend,
    projection: &str,
    partition: u16,
    count: u16,
) -> Result<i64, StoreError> {
    let name = partition_name(projection, partition);
    if let Some(position) = select_one(conn, backend, &name).await? {
        return Ok(position);
    }
    create_partitions(conn, projection, count).await?;
    select_one(conn, backend, &name)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("no checkpoint {name}")))
}

async fn select_one(
    conn: &mut AnyConnection,
    backend: Backend,
    name: &str,
) -> Result<Option<i64>, StoreError> {
    let sql = match backend {
        Backend::Postgres => "SELECT position FROM checkpoints WHERE name = $1 FOR UPDATE",
        Backend::Sqlite => "SELECT position FROM checkpoints WHERE name = $1",
    };
    Ok(sqlx::query_scalar(sql)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Moves every partition checkpoint of a read model up to `position` (none moves back).
pub async fn save_partitions(
    conn: &mut AnyConnection,
    projection: &str,
    position: i64,
) -> Result<(), StoreError> {
    let (from, to) = partition_range(projection);
    sqlx::query(
        "UPDATE checkpoints SET position = $1 WHERE name > $2 AND name < $3 AND position < $1",
    )
    .bind(position)
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves one partition checkpoint locked with [`lock_partition`].
pub async fn save_partition(
    conn: &mut AnyConnection,
    projection: &str,
    partition: u16,
    position: i64,
) -> Result<(), StoreError> {
    save(conn, &partition_name(projection, partition), position).await
}

async fn select_partitions(
    conn: &mut AnyConnection,
    backend: Backend,
    projection: &str,
) -> Result<Vec<i64>, StoreError> {
    let (from, to) = partition_range(projection);
    let sql = match backend {
        Backend::Postgres => {
            "SELECT name, position FROM checkpoints WHERE name > $1 AND name < $2 FOR UPDATE"
        }
        Backend::Sqlite => "SELECT name, position FROM checkpoints WHERE name > $1 AND name < $2",
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(sql)
        .bind(&from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
    let mut indexed = Vec::with_capacity(rows.len());
    for (name, position) in rows {
        let index = name
            .strip_prefix(&from)
            .and_then(|suffix| suffix.parse::<u16>().ok())
            .ok_or_else(|| StoreError::Corrupt(format!("checkpoint name {name}")))?;
        indexed.push((index, position));
    }
    indexed.sort_unstable();
    if indexed
        .iter()
        .enumerate()
        .any(|(i, (index, _))| usize::from(*index) != i)
    {
        return Err(StoreError::Corrupt(format!(
            "the partitions of {projection} are not numbered 0 to {}",
            indexed.len()
        )));
    }
    Ok(indexed.into_iter().map(|(_, position)| position).collect())
}

async fn create_partitions(
    conn: &mut AnyConnection,
    projection: &str,
    count: u16,
) -> Result<(), StoreError> {
    for partition in 0..count.max(1) {
        sqlx::query(
            "INSERT INTO checkpoints (name, position) \
             SELECT $1, COALESCE((SELECT position FROM checkpoints WHERE name = $2), 0) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(partition_name(projection, partition))
        .bind(projection)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces a read model's partition checkpoints with `count` of them at `position`: a
/// rebuild from the start of the log may split the read model anew.
pub async fn reset_partitions(
    conn: &mut AnyConnection,
    projection: &str,
    count: u16,
    position: i64,
) -> Result<(), StoreError> {
    let (from, to) = partition_range(projection);
    sqlx::query("DELETE FROM checkpoints WHERE name > $1 AND name < $2")
        .bind(from)
        .bind(to)
        .execute(&mut *conn)
        .await?;
    for partition in 0..count.max(1) {
        sqlx::query("INSERT INTO checkpoints (name, position) VALUES ($1, $2)")
            .bind(partition_name(projection, partition))
            .bind(position)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The relay's record of the last event it published to each read model's partition:
/// `published:<projection>/<k>`. A partition whose record is at or below its checkpoint has
/// applied everything published to it, so it stands as far as the relay does.
pub fn published_name(projection: &str, partition: u16) -> String {
    format!("published:{}", partition_name(projection, partition))
}

/// Every checkpoint but the relay's records, as `(name, position)`, where a partition that has
/// applied everything the relay published to it (its `published:` record is at or below its
/// checkpoint, or it has none) stands as far as the relay, since nothing of it lies between. A
/// subquery: select from `(EFFECTIVE) s`.
pub const EFFECTIVE: &str = "SELECT c.name, CASE WHEN c.name LIKE '%/%' \
     AND (h.position IS NULL OR h.position <= c.position) AND r.relayed > c.position \
     THEN r.relayed ELSE c.position END AS position \
     FROM checkpoints c LEFT JOIN checkpoints h ON h.name = 'published:' || c.name \
     CROSS JOIN (SELECT COALESCE(MAX(position), 0) AS relayed FROM checkpoints \
     WHERE name >= 'relay:' AND name < 'relay;') r \
     WHERE c.name NOT LIKE 'published:%'";

/// Moves the relay's checkpoint `relay` to `position` and records the last event published to
/// each partition in `published`, in one transaction, waking whoever waits for read models (an
/// idle partition stands as far as the relay).
pub async fn save_relayed(
    conn: &mut AnyConnection,
    relay: &str,
    position: i64,
    published: &[(String, i64)],
) -> Result<(), StoreError> {
    let upsert = "INSERT INTO checkpoints (name, position) VALUES ($1, $2) \
                  ON CONFLICT (name) DO UPDATE SET position = excluded.position";
    sqlx::query(upsert)
        .bind(relay)
        .bind(position)
        .execute(&mut *conn)
        .await?;
    for (name, last) in published {
        sqlx::query(upsert)
            .bind(name)
            .bind(*last)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Where a read model stands, as [`floors`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Floor {
    /// The lowest of its partition checkpoints (without partitions: its single checkpoint of
    /// earlier versions, or 0).
    pub lowest: i64,
    /// Whether its partition checkpoints exist yet.
    pub partitioned: bool,
}

/// Where each of `projections` stands, in one read of the checkpoints table.
pub async fn floors(
    conn: &mut AnyConnection,
    projections: &[&str],
) -> Result<Vec<Floor>, StoreError> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT name, position FROM checkpoints")
        .fetch_all(&mut *conn)
        .await?;
    Ok(projections
        .iter()
        .map(|projection| {
            let (from, _) = partition_range(projection);
            let mut single = None;
            let mut lowest: Option<i64> = None;
            for (name, position) in &rows {
                if name == projection {
                    single = Some(*position);
                } else if name
                    .strip_prefix(&from)
                    .is_some_and(|suffix| suffix.parse::<u16>().is_ok())
                {
                    lowest = Some(lowest.map_or(*position, |l| l.min(*position)));
                }
            }
            Floor {
                lowest: lowest.or(single).unwrap_or(0),
                partitioned: lowest.is_some(),
            }
        })
        .collect())
}

/// Moves, in one statement, every partition checkpoint of `projections` that stands in
/// `[from, to)` up to `to`: for read models to which nothing in `(from, to]` applies. One that
/// stands below `from` is left alone (it has not seen what comes before), and on Postgres a row
/// another transaction holds is waited for and checked again, so concurrent consumers stay
/// correct.
pub async fn advance_partitions(
    conn: &mut AnyConnection,
    projections: &[&str],
    from: i64,
    to: i64,
) -> Result<u64, StoreError> {
    if projections.is_empty() {
        return Ok(0);
    }
    let ranges: Vec<String> = (0..projections.len())
        .map(|i| format!("(name > ${} AND name < ${})", 2 * i + 3, 2 * i + 4))
        .collect();
    let sql = format!(
        "UPDATE checkpoints SET position = $1 WHERE position >= $2 AND position < $1 AND ({})",
        ranges.join(" OR ")
    );
    let mut query = sqlx::query(&sql).bind(to).bind(from);
    for projection in projections {
        let (low, high) = partition_range(projection);
        query = query.bind(low).bind(high);
    }
    Ok(query.execute(&mut *conn).await?.rows_affected())
}
