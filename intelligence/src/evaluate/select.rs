//! Choosing ALS's factor count without looking at the test pairs: each training matrix is
//! split again (a validation part carved from the training part), every candidate is trained
//! on the rest, and the candidate with the best micro-averaged precision on the validation
//! parts wins.

use super::precision::{Precision, precision_at_k};
use super::split::split_pairs;
use crate::als::{AlsModel, AlsParams};
use crate::matrix::CsrMatrix;

/// The factor count chosen, and every candidate's validation precision (candidate order).
#[derive(Debug, Clone, PartialEq)]
pub struct FactorChoice {
    pub factors: usize,
    pub validation: Vec<(usize, f64)>,
}

/// Precision at `k` of ALS with `params`, trained on `train`, measured on `test`.
pub fn als_precision(
    train: &CsrMatrix,
    test: &CsrMatrix,
    params: AlsParams,
    k: usize,
) -> Precision {
    let model = AlsModel::fit(train, params);
    precision_at_k(train, test, k, |u, seen, k| {
        model
            .recommend(model.user_vector(u), k, seen)
            .into_iter()
            .map(|s| s.item)
            .collect()
    })
}

/// Splits each of `trains` (one per space) into a validation fifth and the rest with
/// `seed`, and returns the candidate factor count with the best precision at `k` over all of
/// them together; a tie goes to the smaller count (cheaper, and less to overfit). Every
/// other setting comes from `params`.
pub fn choose_factors(
    trains: &[CsrMatrix],
    candidates: &[usize],
    params: AlsParams,
    k: usize,
    seed: u64,
) -> FactorChoice {
    let splits: Vec<_> = trains.iter().map(|m| split_pairs(m, 0.2, seed)).collect();
    let validation: Vec<(usize, f64)> = candidates
        .iter()
        .map(|&factors| {
            let p: Precision = splits
                .iter()
                .map(|s| als_precision(&s.train, &s.test, AlsParams { factors, ..params }, k))
                .sum();
            (factors, p.mean())
        })
        .collect();
    let mut best: Option<(usize, f64)> = None;
    for &(f, p) in &validation {
        if best.is_none_or(|(bf, bp)| p > bp || (p == bp && f < bf)) {
            best = Some((f, p));
        }
    }
    let factors = best.map_or(params.factors, |(f, _)| f);
    FactorChoice {
        factors,
        validation,
    }
}
