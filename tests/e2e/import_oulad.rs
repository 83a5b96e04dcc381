//! `lyceum import oulad` on a filtered copy of the shared OULAD subset (one course run, a few
//! students and materials, written as plain CSV): what the files hold arrives through the
//! services in business time, the read models add up to the files, the chain verifies, and a
//! second import appends nothing.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum::import::driver::Driver;
use lyceum::import::oulad::csv;
use lyceum::import::oulad::files::Dataset;
use lyceum::import::oulad::run::import;
use lyceum_api::state::AppState;
use lyceum_store::chain::verify::verify;
use lyceum_workers::{LiveFeed, Nudge};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

on_both_backends!(an_oulad_import_arrives_whole_and_only_once);

const STUDENTS: usize = 5;
const SITES: usize = 6;

/// One line of a file, read by column name.
struct Line<'a> {
    columns: &'a [String],
    fields: Vec<String>,
}

impl Line<'_> {
    fn text(&self, column: &str) -> &str {
        let index = self.columns.iter().position(|c| c == column).unwrap();
        &self.fields[index]
    }

    fn int(&self, column: &str) -> i64 {
        self.text(column).parse().unwrap()
    }
}

/// Copies the header and the lines of the gzipped file `name*` that `keep` keeps, as plain CSV.
fn filter(from: &Path, to: &Path, name: &str, mut keep: impl FnMut(&Line) -> bool) {
    let source = std::fs::read_dir(from)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(name))
        .unwrap();
    let mut text = String::new();
    let file = std::fs::File::open(&source).unwrap();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(file), &mut text).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let columns = csv::fields(header).unwrap();
    let mut out = std::fs::File::create(to.join(format!("{name}.csv"))).unwrap();
    writeln!(out, "{header}").unwrap();
    for line in lines {
        let fields = csv::fields(line).unwrap();
        if keep(&Line {
            columns: &columns,
            fields,
        }) {
            writeln!(out, "{line}").unwrap();
        }
    }
}

/// A copy of one run with a few students and the materials they clicked first.
fn filtered_copy() -> PathBuf {
    let (from, to) = (
        lyceum::import::oulad::shared_subset(),
        std::env::temp_dir().join(crate::support::unique("oulad-")),
    );
    std::fs::create_dir_all(&to).unwrap();
    let in_run =
        |r: &Line| r.text("code_module") == "AAA" && r.text("code_presentation") == "2013J";
    let mut students = BTreeSet::new();
    filter(&from, &to, "studentRegistration", |r| {
        let keep = in_run(r) && students.len() < STUDENTS;
        if keep {
            students.insert(r.int("id_student"));
        }
        keep
    });
    let mut sites = BTreeSet::new();
    filter(&from, &to, "studentVle", |r| {
        if !in_run(r) || !students.contains(&r.int("id_student")) {
            return false;
        }
        let site = r.int("id_site");
        if sites.len() < SITES {
            sites.insert(site);
        }
        sites.contains(&site)
    });
    filter(&from, &to, "vle", |r| sites.contains(&r.int("id_site")));
    filter(&from, &to, "courses", |_| true);
    to
}

async fn an_oulad_import_arrives_whole_and_only_once(backend: Backend) {
    let dir = filtered_copy();
    let data = Dataset::load(&dir).unwrap();
    assert_eq!(data.registrations.len(), STUDENTS);
    assert_eq!(data.materials.len(), SITES);
    let app = TestApp::spawn(backend).await;
    let state = AppState::new(app.db.clone(), LiveFeed::default(), Nudge::default());
    let driver = Driver::new(state);
    let bar = indicatif::ProgressBar::hidden();
    let first = import(&driver, &data, &bar).await.unwrap();
    assert_eq!(
        (first.runs, first.members_created, first.lessons_created),
        (1, STUDENTS, SITES)
    );
    assert_eq!(first.views_recorded, data.views.len());

    let head = lyceum_store::read::head(&app.db).await.unwrap();
    app.caught_up(head).await;
    let (views, clicks): (i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(views) AS BIGINT), CAST(SUM(clicks) AS BIGINT) FROM rm_interactions",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert_eq!((views as usize, clicks), (data.views.len(), data.clicks));
    let open: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM rm_subscriptions WHERE status <> 'canceled'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!(open, 0, "every run's subscriptions end with it");

    let student = data.registrations[0].id_student;
    let found = app
        .get(
            &app.admin,
            &format!("/v1/spaces/oulad-aaa-2013j/members?external_id=oulad:{student}"),
        )
        .await;
    let member = &found.body["data"][0];
    assert!(
        member["created_at"].as_str().unwrap().starts_with("2013-"),
        "joined in business time: {found:?}"
    );
    let report = verify(&app.db, None, &mut |_, _| {}).await.unwrap();
    assert!(report.failure.is_none(), "{report:?}");

    let events = app.event_count().await;
    let again = import(&driver, &data, &bar).await.unwrap();
    assert_eq!(
        (
            again.members_created,
            again.lessons_created,
            again.views_recorded
        ),
        (0, 0, 0)
    );
    assert_eq!(
        app.event_count().await,
        events,
        "a second import appends nothing"
    );
    std::fs::remove_dir_all(dir).ok();
    app.finish().await;
}
