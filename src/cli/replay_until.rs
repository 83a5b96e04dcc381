//! `lyceum replay --until POSITION --into-data-dir DIR` (or `--into-database-url URL`): the
//! read models as they stood at a position of the log, rebuilt into a separate, empty store for
//! inspection. The store the global `--database-url`/`--data-dir` names is the source and is
//! only read: its events up to the position (and its members' keys) are copied into the
//! target, which is migrated first and must hold no event, and the read models are rebuilt
//! there. Each read model's checksum is printed as `replay` prints it.

use super::replay::rebuild;
use crate::config::{Config, Secret};
use anyhow::Context;
use lyceum_projections::Projection;
use lyceum_store::copy::copy_until;
use std::io::Write;
use std::path::PathBuf;

/// The separate store a replay as of a position is rebuilt into.
#[derive(Debug, Clone)]
pub enum Target {
    /// An embedded (SQLite) store in this directory.
    DataDir(PathBuf),
    /// A Postgres database.
    DatabaseUrl(Secret),
}

pub async fn run(
    config: &Config,
    until: i64,
    target: Target,
    projections: &[Projection],
    partitions: Option<u16>,
) -> anyhow::Result<()> {
    let mut into = config.clone();
    match target {
        Target::DataDir(dir) => {
            into.database_url = None;
            into.data_dir = dir;
        }
        Target::DatabaseUrl(url) => into.database_url = Some(url),
    }
    anyhow::ensure!(
        into.database() != config.database(),
        "the target is the source store: name another with --into-data-dir or --into-database-url"
    );
    // The source is read as it is: no migration runs on it.
    let source = lyceum_store::Db::connect(&config.database())
        .await
        .context("connecting to the source store")?;
    let target = into
        .connect()
        .await
        .context("connecting to and migrating the target store")?;
    let copied = copy_until(&source, &target, until)
        .await
        .context("copying the log into the target store")?;
    source.close().await;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "copied {} events up to position {} and {} member keys into the target store",
        copied.events, copied.through, copied.member_keys
    )?;
    let partitions = partitions.unwrap_or(config.partitions);
    let (position, after) = rebuild(&target, projections, Some(partitions)).await?;
    for (&projection, after) in projections.iter().zip(after) {
        writeln!(
            out,
            "{}: rebuilt to position {position}; checksum {after}",
            projection.name()
        )?;
    }
    target.close().await;
    Ok(())
}
