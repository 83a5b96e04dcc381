//! OULAD's files read into the rows an import needs, for the course runs that the click log
//! covers (the other files hold every run; a filtered copy of the directory holds fewer rows).
//! Daily click rows of one student, material and day are summed into one view: the log counts
//! a view once per member, item and day.

use super::csv::{self, Record};
use super::runs::Run;
use anyhow::{Context, bail};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A course material of a run: a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub run: usize,
    pub id_site: i64,
    /// `resource`, `oucontent`, `quiz`, …: a topic.
    pub activity_type: String,
    /// The week of the run the material is planned for, when the file says.
    pub week_from: Option<i64>,
}

/// A student's registration on a run: a member with a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub run: usize,
    pub id_student: i64,
    /// The day of the run they registered on (missing for a few).
    pub registered: Option<i64>,
    /// The day they unregistered, if they did: a cancellation.
    pub unregistered: Option<i64>,
}

/// The clicks of one student on one material on one day of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub run: usize,
    pub id_student: i64,
    pub id_site: i64,
    pub day: i64,
    pub clicks: i64,
}

/// What an import of a directory brings.
#[derive(Debug, Default)]
pub struct Dataset {
    /// The runs the click log covers, in code order, each with its length in days.
    pub runs: Vec<(Run, i64)>,
    pub materials: Vec<Material>,
    pub registrations: Vec<Registration>,
    /// In run, student, material and day order.
    pub views: Vec<View>,
    /// The click log's rows, before same-day rows were summed.
    pub click_rows: usize,
    /// The sum of every row's clicks.
    pub clicks: i64,
}

impl Dataset {
    /// Reads `dir`, which has OULAD's file layout (each file plain or gzip-compressed).
    pub fn load(dir: &Path) -> anyhow::Result<Dataset> {
        let click_file = click_log(dir)?;
        let mut runs: BTreeSet<Run> = BTreeSet::new();
        let mut daily: BTreeMap<(Run, i64, i64, i64), i64> = BTreeMap::new();
        let mut dataset = Dataset::default();
        dataset.click_rows = csv::read(&click_file, |row| {
            let run = run_of(row)?;
            let clicks = row.required("sum_click")?;
            anyhow::ensure!(clicks > 0, "sum_click must be positive, not {clicks}");
            let key = (
                run.clone(),
                row.required("id_student")?,
                row.required("id_site")?,
                row.required("date")?,
            );
            *daily.entry(key).or_default() += clicks;
            dataset.clicks += clicks;
            runs.insert(run);
            Ok(())
        })?;
        let lengths = lengths(dir)?;
        for run in runs {
            let length = *lengths
                .get(&run)
                .with_context(|| format!("courses has no run {}", run.code()))?;
            dataset.runs.push((run, length));
        }
        let index: HashMap<Run, usize> = dataset
            .runs
            .iter()
            .enumerate()
            .map(|(i, (run, _))| (run.clone(), i))
            .collect();
        csv::read(&file(dir, "vle")?, |row| {
            if let Some(&run) = index.get(&run_of(row)?) {
                dataset.materials.push(Material {
                    run,
                    id_site: row.required("id_site")?,
                    activity_type: row.text("activity_type")?.to_owned(),
                    week_from: row.int("week_from")?,
                });
            }
            Ok(())
        })?;
        csv::read(&file(dir, "studentRegistration")?, |row| {
            if let Some(&run) = index.get(&run_of(row)?) {
                dataset.registrations.push(Registration {
                    run,
                    id_student: row.required("id_student")?,
                    registered: row.int("date_registration")?,
                    unregistered: row.int("date_unregistration")?,
                });
            }
            Ok(())
        })?;
        dataset.views = daily
            .into_iter()
            .map(|((run, id_student, id_site, day), clicks)| View {
                run: index[&run],
                id_student,
                id_site,
                day,
                clicks,
            })
            .collect();
        Ok(dataset)
    }
}

/// The run a row belongs to.
fn run_of(row: &Record) -> anyhow::Result<Run> {
    Ok(Run {
        module: row.text("code_module")?.to_owned(),
        presentation: row.text("code_presentation")?.to_owned(),
    })
}

/// Each run's length in days, from `courses`.
fn lengths(dir: &Path) -> anyhow::Result<HashMap<Run, i64>> {
    let mut lengths = HashMap::new();
    csv::read(&file(dir, "courses")?, |row| {
        lengths.insert(run_of(row)?, row.required("module_presentation_length")?);
        Ok(())
    })?;
    Ok(lengths)
}

/// `{stem}.csv.gz` or `{stem}.csv` in `dir`.
fn file(dir: &Path, stem: &str) -> anyhow::Result<PathBuf> {
    for name in [format!("{stem}.csv.gz"), format!("{stem}.csv")] {
        let path = dir.join(name);
        if path.is_file() {
            return Ok(path);
        }
    }
    bail!("{} has no {stem}.csv or {stem}.csv.gz", dir.display())
}

/// The click log: `studentVle.csv(.gz)`, or a file named `studentVle_…` (a subset's).
fn click_log(dir: &Path) -> anyhow::Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("studentVle") && n.contains(".csv"))
        })
        .collect();
    found.sort();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("{} has no studentVle click log", dir.display()),
        _ => bail!("{} has more than one studentVle click log", dir.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The subset beside the repository, as its README describes it.
    #[test]
    fn the_shared_subset_reads_as_its_readme_counts() {
        let dataset = Dataset::load(&super::super::shared_subset()).unwrap();
        let codes: Vec<String> = dataset.runs.iter().map(|(run, _)| run.code()).collect();
        assert_eq!(codes, ["AAA-2013J", "AAA-2014J", "BBB-2013B"]);
        assert_eq!(dataset.registrations.len(), 2_515);
        let left = dataset
            .registrations
            .iter()
            .filter(|r| r.unregistered.is_some())
            .count();
        assert!(left > 0 && left < 2_515, "{left}");
        assert_eq!(dataset.click_rows, 753_564);
        let summed: i64 = dataset.views.iter().map(|v| v.clicks).sum();
        assert_eq!(summed, dataset.clicks);
        assert!(dataset.views.len() < dataset.click_rows);
        assert!(!dataset.materials.is_empty());
    }
}
