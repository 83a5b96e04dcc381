//! `lyceum import oulad DIR`: reads the OULAD files of a directory and sends them through the
//! services (see `crate::import::oulad`), with a progress bar over the views, and prints what
//! it imported beside what the files hold. Imported subscriptions are charged through the
//! built-in test provider, whatever provider the server is configured with: an import records
//! history, it does not take money.

use crate::config::Config;
use crate::import::driver::Driver;
use crate::import::oulad::files::Dataset;
use crate::import::oulad::run::import;
use indicatif::{ProgressBar, ProgressStyle};
use lyceum_api::state::AppState;
use lyceum_domain::payment::providers::Payments;
use lyceum_workers::{LiveFeed, Nudge};
use std::io::Write;
use std::path::Path;

pub async fn oulad(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let data = Dataset::load(dir)?;
    let db = config.connect_read_side().await?;
    let mut state = AppState::new(db.clone(), LiveFeed::default(), Nudge::default());
    state.payments = Payments::default();
    let style =
        ProgressStyle::with_template("import [{bar:40}] {pos}/{len} views, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    let bar = ProgressBar::new(0).with_style(style);
    let summary = import(&Driver::new(state), &data, &bar).await?;
    bar.finish_and_clear();
    let mut out = std::io::stdout();
    writeln!(out, "course runs: {}", summary.runs)?;
    writeln!(
        out,
        "lessons: {} ({} new)",
        summary.lessons, summary.lessons_created
    )?;
    writeln!(
        out,
        "members: {} ({} new, each with a subscription and its cancellation)",
        summary.members, summary.members_created
    )?;
    writeln!(
        out,
        "click rows: {} ({} clicks), as {} views of a member, material and day ({} recorded now)",
        summary.click_rows, summary.clicks, summary.views, summary.views_recorded
    )?;
    db.close().await;
    Ok(())
}
