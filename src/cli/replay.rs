//! `lyceum replay`: rebuild read models from position 0 with a progress bar, and report each
//! one's checksum before and after.

use crate::config::Config;
use indicatif::{ProgressBar, ProgressStyle};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild;
use std::io::Write;

pub async fn run(config: &Config, projections: &[Projection]) -> anyhow::Result<()> {
    let db = config.connect().await?;
    let style = ProgressStyle::with_template("{prefix:>9} [{bar:40}] {pos}/{len} events")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let mut out = std::io::stdout();
    for &projection in projections {
        let before = checksum(&db, projection).await?;
        let bar = ProgressBar::new(0).with_style(style.clone());
        bar.set_prefix(projection.name());
        let position = rebuild(&db, projection, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
        bar.finish();
        let after = checksum(&db, projection).await?;
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
