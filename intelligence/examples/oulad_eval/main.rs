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

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use lyceum_intelligence::evaluate::{
    Precision, als_precision, choose_factors, mean_over_seeds, precision_at_k, split_pairs,
    write_triples_csv,
};
use lyceum_intelligence::{AlsParams, Popularity, UserKnn};

type Error = Box<dyn std::error::Error>;

const K: usize = 10;

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

    // Per seed: P@10 of ALS, user-kNN and popularity, micro-averaged over the runs.
    let mut results: HashMap<u64, [f64; 3]> = HashMap::new();
    let mut validation: Vec<Vec<(usize, f64)>> = Vec::new();
    let started = Instant::now();
    for &seed in &opts.seeds {
        let splits: Vec<_> = runs
            .iter()
            .map(|r| split_pairs(&r.clicks, 0.2, seed))
            .collect();
        if let Some(dir) = &opts.export {
            std::fs::create_dir_all(dir)?;
            for (r, s) in runs.iter().zip(&splits) {
                let name = |part: &str| dir.join(format!("{}_seed{seed}_{part}.csv", r.name));
                write_triples_csv(BufWriter::new(File::create(name("train"))?), &s.train)?;
                write_triples_csv(BufWriter::new(File::create(name("test"))?), &s.test)?;
            }
        }
        // The models see weighted training pairs; which pairs are held out never depends on
        // the weighting.
        let trains: Vec<_> = splits
            .iter()
            .map(|s| opts.weighting.apply(&s.train))
            .collect();

        let factors = match opts.factors {
            Some(f) => f,
            None => {
                let choice = choose_factors(&trains, &opts.candidates, opts.als, K, seed + 1000);
                println!("seed {seed}: validation {:?}", choice.validation);
                validation.push(choice.validation);
                if opts.validation_only {
                    continue;
                }
                choice.factors
            }
        };
        let params = AlsParams {
            factors,
            seed,
            ..opts.als
        };
        let mut a = Precision::default();
        let mut n = Precision::default();
        let mut p = Precision::default();
        for (train, s) in trains.iter().zip(&splits) {
            a = a + als_precision(train, &s.test, params, K);
            let model = UserKnn::fit(train, opts.neighbours);
            n = n + precision_at_k(train, &s.test, K, |u, seen, k| {
                model.recommend(u, k, seen).iter().map(|s| s.item).collect()
            });
            let model = Popularity::fit(train);
            p = p + precision_at_k(train, &s.test, K, |_, seen, k| {
                model.recommend(k, seen).iter().map(|s| s.item).collect()
            });
        }
        println!(
            "seed {seed}: {} users, factors {factors}: ALS {:.4}, user-kNN {:.4}, popularity {:.4}",
            a.users,
            a.mean(),
            n.mean(),
            p.mean()
        );
        results.insert(seed, [a.mean(), n.mean(), p.mean()]);
    }
    if opts.validation_only {
        for (c, &f) in opts.candidates.iter().enumerate() {
            let v: f64 = validation.iter().map(|seed| seed[c].1).sum::<f64>();
            println!(
                "validation P@{K}, {f} factors: {:.4}",
                v / validation.len() as f64
            );
        }
        return Ok(());
    }
    let mean = |method: usize| {
        mean_over_seeds(&opts.seeds, |s| {
            results.get(&s).map_or(f64::NAN, |r| r[method])
        })
        .0
    };
    println!(
        "P@{K}, mean over {} seeds: ALS {:.4}, user-kNN {:.4}, popularity {:.4} ({:.1} s)",
        opts.seeds.len(),
        mean(0),
        mean(1),
        mean(2),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
