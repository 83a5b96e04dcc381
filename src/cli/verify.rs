//! `lyceum verify`: checks every stored event against its stream's hash chain, with a
//! progress bar, and names the first event that fails and why (edited, missing, reordered).
//! Exits non-zero on any failure.

use crate::config::Config;
use indicatif::{ProgressBar, ProgressStyle};
use lyceum_store::chain::verify::verify;
use std::io::Write;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let db = config.connect().await?;
    let style =
        ProgressStyle::with_template("verify [{bar:40}] {pos}/{len} events, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    let bar = ProgressBar::new(0).with_style(style);
    let report = verify(&db, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await?;
    bar.finish_and_clear();
    db.close().await;
    if let Some(failure) = report.failure {
        anyhow::bail!(
            "the log fails verification at position {} ({} version {}): {}; {} events before it verify",
            failure.position,
            failure.stream,
            failure.version,
            failure.breach,
            report.checked
        );
    }
    writeln!(
        std::io::stdout(),
        "verified {} events in {} streams against their hash chains ({} stored before the chain began)",
        report.checked,
        report.streams,
        report.legacy
    )?;
    Ok(())
}
