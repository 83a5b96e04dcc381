//! The offline protocol the models are compared under: hold out a random fifth of the
//! (user, item) pairs, train on the rest, and measure precision at 10 on the held-out pairs.
//! Split (`split.rs`), metric (`precision.rs`), the factor-count choice on a validation split
//! (`select.rs`), the comparison of the models over seeds and spaces (`compare.rs`), and the
//! split's export so other implementations run on the same pairs (`export.rs`).

mod compare;
mod export;
mod precision;
mod select;
mod split;

pub use compare::{K, SeedResult, Settings, compare};
pub use export::write_triples_csv;
pub use precision::{Precision, precision_at_k};
pub use select::{FactorChoice, als_precision, choose_factors};
pub use split::{Split, split_pairs};

/// The mean of `run(seed)` over `seeds`, and each seed's figure (in `seeds` order), so a
/// report can show the spread as well as the mean. The mean of no seeds is NaN.
pub fn mean_over_seeds(seeds: &[u64], mut run: impl FnMut(u64) -> f64) -> (f64, Vec<f64>) {
    let each: Vec<f64> = seeds.iter().map(|&s| run(s)).collect();
    let mean = each.iter().sum::<f64>() / each.len() as f64;
    (mean, each)
}
