//! ALS training time against Python `implicit` (0.7, CPU, conjugate gradient) on the same
//! synthetic matrices in the same run: 64 factors, 15 iterations, 2 threads on both sides,
//! `fit` timed alone (loading and building the matrix are not). The goal is Rust at most
//! 0.8 of implicit's time.
//!
//! `nice cargo bench -p lyceum-intelligence --bench als`. The matrices are generated from a
//! seed and written as CSV under the target directory, and both sides read that file.
//! implicit is installed from PyPI into `<target>/als-venv` the first time; without it the
//! bench reports Rust's times alone.
#![expect(clippy::print_stdout, reason = "a benchmark reports to the terminal")]

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use lyceum_intelligence::evaluate::write_triples_csv;
use lyceum_intelligence::{AlsModel, AlsParams, CsrMatrix};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Error = Box<dyn std::error::Error>;

const FACTORS: usize = 64;
const ITERATIONS: usize = 15;
const THREADS: usize = 2;
const REPEATS: usize = 3;
const SCRIPT: &str = include_str!("implicit_fit.py");

/// A benchmark matrix: `users` users with `per_user` draws each over `items` items.
struct Size {
    name: &'static str,
    users: u32,
    items: u32,
    per_user: u32,
}

const SIZES: [Size; 2] = [
    Size {
        name: "100k",
        users: 10_000,
        items: 3_000,
        per_user: 10,
    },
    Size {
        name: "1.2M",
        users: 60_000,
        items: 20_000,
        per_user: 20,
    },
];

fn main() -> Result<(), Error> {
    let dir = target_dir()?;
    let work = dir.join("als-bench");
    fs::create_dir_all(&work)?;
    let python = implicit_python(&dir);
    let script = work.join("implicit_fit.py");
    fs::write(&script, SCRIPT)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()?;

    for size in &SIZES {
        let csv = work.join(format!("synthetic_{}.csv", size.name));
        write_triples_csv(BufWriter::new(File::create(&csv)?), &synthetic(size, 42))?;
        let m = read_csv(&csv)?;
        println!(
            "{}: {} users × {} items, {} interactions; {FACTORS} factors, {ITERATIONS} iterations, {THREADS} threads",
            size.name,
            m.rows(),
            m.cols(),
            m.nnz()
        );
        let params = AlsParams {
            factors: FACTORS,
            iterations: ITERATIONS,
            // implicit's defaults, so both sides solve the same problem (time does not depend
            // on them).
            regularization: 0.01,
            alpha: 1.0,
            cg_steps: 3,
            seed: 0,
        };
        let rust: Vec<f64> = (0..REPEATS)
            .map(|_| {
                let start = Instant::now();
                let model = pool.install(|| AlsModel::fit(&m, params));
                std::hint::black_box(model);
                start.elapsed().as_secs_f64()
            })
            .collect();
        let rust = median(rust);
        println!("  rust     fit: {rust:.3} s (median of {REPEATS})");
        match &python {
            Some(py) => match implicit_fit(py, &script, &csv) {
                Ok(times) => {
                    let implicit = median(times);
                    println!("  implicit fit: {implicit:.3} s (median of {REPEATS})");
                    println!("  rust / implicit = {:.2}", rust / implicit);
                }
                Err(e) => println!("  implicit fit failed: {e}"),
            },
            None => println!("  implicit: not installed (see above)"),
        }
    }
    Ok(())
}

/// The target directory: `CARGO_TARGET_DIR` if set, else three levels above this binary
/// (`<target>/release/deps/als-…`).
fn target_dir() -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Ok(dir.into());
    }
    let exe = std::env::current_exe()?;
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .ok_or_else(|| "cannot place the target directory".into())
}

/// The venv's python with implicit importable, creating the venv if it is missing.
fn implicit_python(target: &Path) -> Option<PathBuf> {
    let venv = target.join("als-venv");
    let python = venv.join("bin").join("python");
    let ready = |py: &Path| {
        Command::new(py)
            .args(["-c", "import implicit, threadpoolctl, scipy"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if ready(&python) {
        return Some(python);
    }
    println!("installing implicit into {} …", venv.display());
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "implicit",
                "threadpoolctl",
                "scipy",
            ])
            .status()
            .is_ok_and(|s| s.success());
    if made && ready(&python) {
        Some(python)
    } else {
        println!("implicit could not be installed from PyPI; timing Rust alone");
        None
    }
}

/// Runs the Python side and collects its fit times.
fn implicit_fit(python: &Path, script: &Path, csv: &Path) -> Result<Vec<f64>, Error> {
    let out = Command::new(python)
        .arg(script)
        .arg(csv)
        .args([FACTORS, ITERATIONS, THREADS, REPEATS].map(|n| n.to_string()))
        // implicit's own threads do the work; BLAS threads would compete with them.
        .env("OPENBLAS_NUM_THREADS", "1")
        .env("MKL_NUM_THREADS", "1")
        .output()?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    let times: Vec<f64> = String::from_utf8(out.stdout)?
        .lines()
        .filter_map(|l| l.strip_prefix("fit_seconds "))
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    if times.is_empty() {
        return Err("no timings printed".into());
    }
    Ok(times)
}

/// Seeded synthetic interactions: item popularity falls off as a power law (as clicks on
/// real catalogues do), users draw `per_user` items each with 1–10 clicks, repeats summed.
fn synthetic(size: &Size, seed: u64) -> CsrMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut triples = Vec::with_capacity((size.users * size.per_user) as usize);
    for u in 0..size.users {
        for _ in 0..size.per_user {
            let r: f64 = rng.random();
            let item = ((r * r * r) * f64::from(size.items)) as u32;
            triples.push((u, item.min(size.items - 1), rng.random_range(1..=10) as f32));
        }
    }
    CsrMatrix::from_triples(size.users as usize, size.items as usize, &triples)
        .unwrap_or_else(|e| unreachable!("generated inside the shape: {e}"))
}

/// Reads what `write_triples_csv` wrote: the Rust side loads the same file implicit does.
fn read_csv(path: &Path) -> Result<CsrMatrix, Error> {
    let mut triples = Vec::new();
    let (mut rows, mut cols) = (0usize, 0usize);
    for line in BufReader::new(File::open(path)?).lines().skip(1) {
        let line = line?;
        let mut f = line.split(',');
        let (Some(u), Some(i), Some(w)) = (f.next(), f.next(), f.next()) else {
            return Err(format!("bad line {line:?}").into());
        };
        let (u, i): (u32, u32) = (u.parse()?, i.parse()?);
        rows = rows.max(u as usize + 1);
        cols = cols.max(i as usize + 1);
        triples.push((u, i, w.parse()?));
    }
    Ok(CsrMatrix::from_triples(rows, cols, &triples)?)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
