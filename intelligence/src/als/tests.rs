//! ALS's behaviour on small synthetic data: training makes progress, runs are reproducible,
//! it finds planted structure that popularity cannot, and a folded-in user follows their
//! interactions.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{AlsModel, AlsParams};
use crate::evaluate::{als_precision, precision_at_k, split_pairs};
use crate::matrix::CsrMatrix;
use crate::popularity::Popularity;

const CLUSTERS: u32 = 4;
const ITEMS_PER_CLUSTER: u32 = 12;
const USERS: u32 = 160;

fn cluster_of_item(i: u32) -> u32 {
    i / ITEMS_PER_CLUSTER
}

/// Each user belongs to cluster `u % CLUSTERS` and interacts with 8 items, 7 in eight from
/// their cluster; item popularity is skewed towards low indices *across* clusters, so the
/// globally popular items are a poor guess for most users.
fn planted(seed: u64) -> CsrMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let items = CLUSTERS * ITEMS_PER_CLUSTER;
    let mut triples = Vec::new();
    for u in 0..USERS {
        for _ in 0..8 {
            let cluster = if rng.random_bool(0.875) {
                u % CLUSTERS
            } else {
                rng.random_range(0..CLUSTERS)
            };
            // min of two draws: lower in-cluster indices are more popular.
            let pos = rng
                .random_range(0..ITEMS_PER_CLUSTER)
                .min(rng.random_range(0..ITEMS_PER_CLUSTER));
            let clicks = rng.random_range(1..5) as f32;
            triples.push((u, cluster * ITEMS_PER_CLUSTER + pos, clicks));
        }
    }
    CsrMatrix::from_triples(USERS as usize, items as usize, &triples).unwrap()
}

fn small(factors: usize) -> AlsParams {
    AlsParams {
        factors,
        regularization: 0.05,
        alpha: 2.0,
        iterations: 8,
        cg_steps: 3,
        seed: 11,
    }
}

#[test]
fn loss_decreases_every_iteration() {
    let m = planted(1);
    let t = m.transpose();
    let mut model = AlsModel::init(m.rows(), m.cols(), small(8));
    let mut last = model.loss(&m);
    for it in 0..8 {
        model.step(&m, &t);
        let now = model.loss(&m);
        assert!(now < last, "iteration {it}: loss {now} after {last}");
        last = now;
    }
}

#[test]
fn same_seed_same_factors_on_any_thread_count() {
    let m = planted(2);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| AlsModel::fit(&m, small(8)));
    let three = pool(3).install(|| AlsModel::fit(&m, small(8)));
    assert_eq!(one, three);
    let other = AlsModel::fit(
        &m,
        AlsParams {
            seed: 12,
            ..small(8)
        },
    );
    assert_ne!(one.user_factors(), other.user_factors());
}

#[test]
fn beats_popularity_on_planted_clusters() {
    let split = split_pairs(&planted(3), 0.2, 5);
    let als = als_precision(&split.train, &split.test, small(8), 10).mean();
    let pop = Popularity::fit(&split.train);
    let popular = precision_at_k(&split.train, &split.test, 10, |_, seen, k| {
        pop.recommend(k, seen).into_iter().map(|s| s.item).collect()
    })
    .mean();
    assert!(als > popular + 0.1, "ALS {als} vs popularity {popular}");
}

#[test]
fn a_folded_in_user_follows_their_interactions() {
    let m = planted(4);
    let model = AlsModel::fit(&m, small(8));
    let clusters_of = |interactions: &[(u32, f32)]| -> Vec<u32> {
        let seen: Vec<u32> = interactions.iter().map(|&(i, _)| i).collect();
        let x = model.fold_in(interactions);
        model
            .recommend(&x, 5, &seen)
            .iter()
            .map(|s| cluster_of_item(s.item))
            .collect()
    };
    // One interaction in cluster 1 puts cluster 1 at the top...
    let first = (ITEMS_PER_CLUSTER + 2, 3.0);
    assert_eq!(clusters_of(&[first]), vec![1; 5]);
    // ...and a few in cluster 3 move the next recommendations there.
    let later: Vec<(u32, f32)> = (0..3).map(|p| (3 * ITEMS_PER_CLUSTER + p, 3.0)).collect();
    let mut both = vec![first];
    both.extend(&later);
    assert_eq!(clusters_of(&both)[..3], [3, 3, 3]);
    // Nothing known, nothing preferred.
    assert!(model.fold_in(&[]).iter().all(|&v| v == 0.0));
}

#[test]
fn fold_in_of_a_trained_user_agrees_with_training() {
    // After training converges, re-solving a trained user's row exactly against the final
    // item factors lands close to the vector training found.
    let m = planted(6);
    let model = AlsModel::fit(
        &m,
        AlsParams {
            iterations: 30,
            ..small(4)
        },
    );
    let row: Vec<(u32, f32)> = m.row(0).iter().collect();
    let x = model.fold_in(&row);
    let trained = model.user_vector(0);
    let err: f32 = x
        .iter()
        .zip(trained)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f32>()
        .sqrt();
    let norm: f32 = trained.iter().map(|a| a * a).sum::<f32>().sqrt();
    assert!(err < 0.05 * norm, "error {err} for a vector of norm {norm}");
}
