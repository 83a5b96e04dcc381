//! `lyceum verify`: checks every stored event against its stream's hash chain and the log
//! against the signed checkpoints, with a progress bar, and names the first position that fails
//! and why (edited, missing, reordered, truncated, bad signature). Exits non-zero on any failure.

use crate::config::Config;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use lyceum_audit::checkpoint::{public_key, public_key_from_hex};
use lyceum_store::chain::sealed;
use lyceum_store::chain::verify::verify;
use std::io::Write;

pub async fn run(config: &Config, public_key_hex: Option<&str>) -> anyhow::Result<()> {
    let db = config.connect().await?;
    let (key, source) = match public_key_hex {
        Some(hex) => (
            Some(public_key_from_hex(hex).map_err(|e| anyhow::anyhow!("--public-key: {e}"))?),
            "the key given",
        ),
        None => match crate::audit_key::load(&config.audit_key_path())? {
            Some(key) => (Some(public_key(&key)), "the key file's key"),
            None => {
                let mut conn = db.reader().acquire().await?;
                let stored = sealed::page(&mut conn, 0, 1)
                    .await?
                    .first()
                    .and_then(|checkpoint| checkpoint.stored_key());
                (
                    stored,
                    "the key stored with the first checkpoint (pass --public-key to trust your own copy)",
                )
            }
        },
    };
    let style =
        ProgressStyle::with_template("verify [{bar:40}] {pos}/{len} events, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    let bar = ProgressBar::new(0).with_style(style);
    let report = verify(&db, key, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("reading the log")?;
    bar.finish_and_clear();
    db.close().await;
    if let Some(failure) = report.failure {
        let event = failure
            .event
            .map(|(stream, version)| format!(" ({stream} version {version})"))
            .unwrap_or_default();
        anyhow::bail!(
            "the log fails verification at position {}{event}: {}; {} events before it verify",
            failure.position,
            failure.breach,
            report.checked
        );
    }
    writeln!(
        std::io::stdout(),
        "verified {} events in {} streams against their hash chains ({} stored before the chain began), and {} of {} signed checkpoints against {source}",
        report.checked,
        report.streams,
        report.legacy,
        report.checkpoints_checked,
        report.checkpoints,
    )?;
    Ok(())
}
