//! The comparison the acceptance figures come from: for each seed, the pairs of every space
//! split 80/20, ALS (its factor count chosen on a validation split of the training part unless
//! fixed), user-kNN and popularity within the space trained on the weighted training part, and
//! each one's precision at 10 micro-averaged over the members of all the spaces.

use super::precision::{Precision, precision_at_k};
use super::select::{als_precision, choose_factors};
use super::split::split_pairs;
use crate::als::AlsParams;
use crate::knn::UserKnn;
use crate::matrix::CsrMatrix;
use crate::popularity::Popularity;
use crate::weighting::Weighting;

/// Precision at this many items.
pub const K: usize = 10;

/// How the models are set up for a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub als: AlsParams,
    pub weighting: Weighting,
    /// User-kNN's neighbour count.
    pub neighbours: usize,
    /// The factor counts tried on validation.
    pub candidates: Vec<usize>,
    /// A factor count to use instead of choosing one.
    pub factors: Option<usize>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            als: AlsParams::default(),
            weighting: Weighting::default(),
            neighbours: 50,
            candidates: vec![16, 32, 64, 128],
            factors: None,
        }
    }
}

/// One seed's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedResult {
    pub seed: u64,
    /// The members with held-out pairs, over all spaces.
    pub users: usize,
    /// ALS's factor count for this seed.
    pub factors: usize,
    pub als: f64,
    pub knn: f64,
    pub popularity: f64,
}

/// Compares the models on `spaces` (one matrix of raw counts each) for every seed of `seeds`.
pub fn compare(spaces: &[CsrMatrix], seeds: &[u64], settings: &Settings) -> Vec<SeedResult> {
    seeds
        .iter()
        .map(|&seed| compare_one(spaces, seed, settings))
        .collect()
}

fn compare_one(spaces: &[CsrMatrix], seed: u64, settings: &Settings) -> SeedResult {
    let splits: Vec<_> = spaces.iter().map(|m| split_pairs(m, 0.2, seed)).collect();
    // The models see weighted training pairs; which pairs are held out never depends on the
    // weighting.
    let trains: Vec<_> = splits
        .iter()
        .map(|s| settings.weighting.apply(&s.train))
        .collect();
    let factors = settings.factors.unwrap_or_else(|| {
        choose_factors(&trains, &settings.candidates, settings.als, K, seed + 1000).factors
    });
    let params = AlsParams {
        factors,
        seed,
        ..settings.als
    };
    let (mut als, mut knn, mut popularity) = (
        Precision::default(),
        Precision::default(),
        Precision::default(),
    );
    for (train, split) in trains.iter().zip(&splits) {
        als = als + als_precision(train, &split.test, params, K);
        let model = UserKnn::fit(train, settings.neighbours);
        knn = knn
            + precision_at_k(train, &split.test, K, |u, seen, k| {
                model.recommend(u, k, seen).iter().map(|s| s.item).collect()
            });
        let model = Popularity::fit(train);
        popularity = popularity
            + precision_at_k(train, &split.test, K, |_, seen, k| {
                model.recommend(k, seen).iter().map(|s| s.item).collect()
            });
    }
    SeedResult {
        seed,
        users: als.users,
        factors,
        als: als.mean(),
        knn: knn.mean(),
        popularity: popularity.mean(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two spaces of two planted groups each: the comparison runs over both, and ALS, which
    /// finds the groups, beats popularity.
    #[test]
    fn a_comparison_covers_every_space_and_seed() {
        let space = |offset: u32| {
            let mut triples = Vec::new();
            for user in 0..40_u32 {
                let group = user % 2;
                for item in 0..10_u32 {
                    if item % 2 == group && !(user + item + offset).is_multiple_of(5) {
                        triples.push((user, item, 3.0));
                    }
                }
                triples.push((user, 10 + (user % 3), 1.0));
            }
            CsrMatrix::from_triples(40, 13, &triples).unwrap()
        };
        let settings = Settings {
            factors: Some(4),
            ..Settings::default()
        };
        let results = compare(&[space(0), space(1)], &[0, 1], &settings);
        assert_eq!(results.len(), 2);
        for result in results {
            assert_eq!(result.factors, 4);
            assert!(result.users > 40, "{result:?}");
            assert!(result.als > result.popularity, "{result:?}");
        }
    }
}
