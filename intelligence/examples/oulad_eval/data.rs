//! Reading the OULAD click log into one user × item matrix per course run: a (student,
//! course run) is a member, an `id_site` an item, and the weight the member's total
//! `sum_click` on the item.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use flate2::read::GzDecoder;
use lyceum_intelligence::CsrMatrix;

/// One course run's matrix of raw click totals.
pub struct CourseRun {
    pub name: String,
    pub clicks: CsrMatrix,
}

type Error = Box<dyn std::error::Error>;

/// Reads `studentVle_*.csv.gz` (code_module, code_presentation, id_student, id_site, date,
/// sum_click) and returns the course runs in name order.
pub fn load(path: &Path) -> Result<Vec<CourseRun>, Error> {
    let reader = BufReader::new(GzDecoder::new(File::open(path)?));
    // Per run: dense indices for students and sites, in order of first appearance.
    struct Builder {
        users: HashMap<u64, u32>,
        items: HashMap<u64, u32>,
        triples: Vec<(u32, u32, f32)>,
    }
    let mut runs: HashMap<String, Builder> = HashMap::new();
    for (n, line) in reader.lines().enumerate().skip(1) {
        let line = line?;
        let f: Vec<&str> = line.split(',').map(|s| s.trim_matches('"')).collect();
        let [module, presentation, student, site, _date, clicks] = f[..] else {
            return Err(format!("line {}: expected 6 fields, got {}", n + 1, f.len()).into());
        };
        let run = runs
            .entry(format!("{module}-{presentation}"))
            .or_insert_with(|| Builder {
                users: HashMap::new(),
                items: HashMap::new(),
                triples: Vec::new(),
            });
        let next = run.users.len() as u32;
        let u = *run.users.entry(student.parse()?).or_insert(next);
        let next = run.items.len() as u32;
        let i = *run.items.entry(site.parse()?).or_insert(next);
        run.triples.push((u, i, clicks.parse()?));
    }
    let mut out = Vec::new();
    for (name, b) in runs {
        let clicks = CsrMatrix::from_triples(b.users.len(), b.items.len(), &b.triples)?;
        out.push(CourseRun { name, clicks });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
