//! A course run ("module presentation") and its calendar. OULAD counts days from a run's start
//! without giving the date; its documentation says presentations coded `B` start in February
//! and those coded `J` in October, so a run starts on the first of that month of its year.
//! Each day's events are put at 09:00 UTC, away from the day's edges.

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// One course run, e.g. module `AAA`, presentation `2013J`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Run {
    pub module: String,
    pub presentation: String,
}

impl Run {
    /// `AAA-2013J`.
    pub fn code(&self) -> String {
        format!("{}-{}", self.module, self.presentation)
    }

    /// The slug of the run's space: `oulad-aaa-2013j`.
    pub fn slug(&self) -> String {
        format!("oulad-{}", self.code().to_lowercase())
    }

    /// The first day of the run.
    pub fn start(&self) -> anyhow::Result<NaiveDate> {
        let (year, code) = match self.presentation.get(..4) {
            Some(year) => (year, &self.presentation[4..]),
            None => bail!("presentation {:?} has no year", self.presentation),
        };
        let year: i32 = year
            .parse()
            .with_context(|| format!("presentation {:?} has no year", self.presentation))?;
        let month = match code {
            "B" => 2,
            "J" => 10,
            _ => bail!("presentation {:?} is neither B nor J", self.presentation),
        };
        NaiveDate::from_ymd_opt(year, month, 1).context("no such date")
    }

    /// When something on day `offset` of the run happened (negative: before the start).
    pub fn at(&self, offset: i64) -> anyhow::Result<DateTime<Utc>> {
        let start = self.start()?.and_hms_opt(9, 0, 0).context("no such time")?;
        Ok(start.and_utc() + Duration::days(offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(presentation: &str) -> Run {
        Run {
            module: "AAA".into(),
            presentation: presentation.into(),
        }
    }

    #[test]
    fn runs_start_in_february_or_october() {
        assert_eq!(run("2013J").slug(), "oulad-aaa-2013j");
        assert_eq!(
            run("2013B").at(-10).unwrap().to_rfc3339(),
            "2013-01-22T09:00:00+00:00"
        );
        assert_eq!(
            run("2014J").at(0).unwrap().to_rfc3339(),
            "2014-10-01T09:00:00+00:00"
        );
        assert!(run("2014X").start().is_err());
        assert!(run("J").start().is_err());
        assert!(
            run("20é3J").start().is_err(),
            "a character across byte 4 is refused, not a panic"
        );
    }
}
