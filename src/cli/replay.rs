//! `lyceum replay`: rebuild read models from position 0 in one pass over the log, with a
//! progress bar (events per second, time left), and report each one's checksum before and
//! after. With `--partitions N` the rebuilt read models are split anew into N partitions,
//! which is how `LYCEUM_PARTITIONS` changes. (`--until`, into another store, is
//! `replay_until.rs`.)

use crate::config::Config;
use indicatif::{ProgressBar, ProgressStyle};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::{rebuild_all, rebuild_split};
use lyceum_store::Db;
use std::io::Write;

pub async fn run(
    config: &Config,
    projections: &[Projection],
    partitions: Option<u16>,
) -> anyhow::Result<()> {
    let db = config.connect().await?;
    let mut before = Vec::with_capacity(projections.len());
    for &projection in projections {
        before.push(checksum(&db, projection).await?);
    }
    let (position, after) = rebuild(&db, projections, partitions).await?;
    let mut out = std::io::stdout();
    for ((&projection, before), after) in projections.iter().zip(before).zip(after) {
        let verdict = if before == after {
            "identical"
        } else {
            "changed"
        };
        writeln!(
            out,
            "{}: rebuilt to position {position}; checksum {after} ({verdict})",
            projection.name()
        )?;
    }
    db.close().await;
    Ok(())
}

/// Rebuilds `projections` on `db` with a progress bar, split into `partitions` if given.
/// Returns the position reached and each read model's checksum after.
pub async fn rebuild(
    db: &Db,
    projections: &[Projection],
    partitions: Option<u16>,
) -> anyhow::Result<(i64, Vec<String>)> {
    let style =
        ProgressStyle::with_template("replay [{bar:40}] {pos}/{len} events, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    let bar = ProgressBar::new(0).with_style(style);
    let mut progress = |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let position = match partitions {
        Some(count) => rebuild_split(db, projections, count, &mut progress).await?,
        None => rebuild_all(db, projections, &mut progress).await?,
    };
    bar.finish();
    let mut after = Vec::with_capacity(projections.len());
    for &projection in projections {
        after.push(checksum(db, projection).await?);
    }
    Ok((position, after))
}
