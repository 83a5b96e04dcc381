//! OULAD offline evaluation: ALS, user-kNN and popularity-within-the-course, each course run
//! its own matrix (its own space), under the crate's protocol (80/20 pair split, P@10
//! micro-averaged over all users of the three runs, mean over three seeds; ALS's factor count
//! chosen per seed on a validation split of the training part).
//!
//! `cargo run --release -p lyceum-intelligence --example oulad_eval -- [options]`
//!   --data PATH        the click log (default: /work/shared/data/oulad/studentVle_…csv.gz)
//!   --alpha A --reg L --iterations N --cg-steps N   ALS settings (default: AlsParams)
//!   --weighting raw|log1p|binary                    (default: Weighting::default())
//!   --factors N        skip the validation choice and use N factors
//!   --candidates 16,32,64,128   factor counts tried on validation
//!   --neighbours K     user-kNN's neighbour count (default 50)
//!   --seeds 0,1,2
//!   --export DIR       write each run's and seed's train/test pairs as CSV
//!   --validation-only  report only the validation figures of the factor candidates (for
//!                      tuning the other settings without looking at the test pairs)
#![expect(clippy::print_stdout, reason = "an example reports to the terminal")]

mod data;
mod options;

use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use lyceum_intelligence::CsrMatrix;
use lyceum_intelligence::evaluate::{
    K, Settings, choose_factors, compare, mean_over_seeds, split_pairs, write_triples_csv,
};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let opts = options::parse(std::env::args().skip(1))?;
    let runs = data::load(&opts.data)?;
    for r in &runs {
        println!(
            "{}: {} members, {} items, {} pairs",
            r.name,
            r.clicks.rows(),
            r.clicks.cols(),
            r.clicks.nnz()
        );
    }
    println!("ALS {:?}, weighting {:?}", opts.als, opts.weighting);
    if let Some(dir) = &opts.export {
        std::fs::create_dir_all(dir)?;
        for &seed in &opts.seeds {
            for r in &runs {
                let split = split_pairs(&r.clicks, 0.2, seed);
                let name = |part: &str| dir.join(format!("{}_seed{seed}_{part}.csv", r.name));
                write_triples_csv(BufWriter::new(File::create(name("train"))?), &split.train)?;
                write_triples_csv(BufWriter::new(File::create(name("test"))?), &split.test)?;
            }
        }
    }
    let spaces: Vec<CsrMatrix> = runs.into_iter().map(|r| r.clicks).collect();
    if opts.validation_only {
        validation_only(&spaces, &opts);
        return Ok(());
    }
    let settings = Settings {
        als: opts.als,
        weighting: opts.weighting,
        neighbours: opts.neighbours,
        candidates: opts.candidates.clone(),
        factors: opts.factors,
    };
    let started = Instant::now();
    let results = compare(&spaces, &opts.seeds, &settings);
    for r in &results {
        println!(
            "seed {}: {} users, factors {}: ALS {:.4}, user-kNN {:.4}, popularity {:.4}",
            r.seed, r.users, r.factors, r.als, r.knn, r.popularity
        );
    }
    let mean = |figure: fn(&lyceum_intelligence::evaluate::SeedResult) -> f64| {
        let seeds: Vec<u64> = results.iter().map(|r| r.seed).collect();
        mean_over_seeds(&seeds, |s| {
            results
                .iter()
                .find(|r| r.seed == s)
                .map_or(f64::NAN, figure)
        })
        .0
    };
    println!(
        "P@{K}, mean over {} seeds: ALS {:.4}, user-kNN {:.4}, popularity {:.4} ({:.1} s)",
        results.len(),
        mean(|r| r.als),
        mean(|r| r.knn),
        mean(|r| r.popularity),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Reports only the validation figures of the factor candidates, for tuning the other settings
/// without looking at the test pairs.
fn validation_only(spaces: &[CsrMatrix], opts: &options::Options) {
    let mut sums = vec![0.0; opts.candidates.len()];
    for &seed in &opts.seeds {
        let trains: Vec<_> = spaces
            .iter()
            .map(|m| opts.weighting.apply(&split_pairs(m, 0.2, seed).train))
            .collect();
        let choice = choose_factors(&trains, &opts.candidates, opts.als, K, seed + 1000);
        println!("seed {seed}: validation {:?}", choice.validation);
        for (sum, (_, p)) in sums.iter_mut().zip(&choice.validation) {
            *sum += p;
        }
    }
    for (f, sum) in opts.candidates.iter().zip(sums) {
        println!(
            "validation P@{K}, {f} factors: {:.4}",
            sum / opts.seeds.len() as f64
        );
    }
}
