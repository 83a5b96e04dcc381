//! The seeded random split of a matrix's (user, item) pairs into training and held-out parts.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::matrix::CsrMatrix;

/// A matrix's pairs divided in two; both parts keep the original shape, so indices agree.
#[derive(Debug, Clone)]
pub struct Split {
    pub train: CsrMatrix,
    pub test: CsrMatrix,
}

/// Holds out `round(test_fraction · nnz)` pairs chosen uniformly at random (a seeded
/// shuffle), with their weights; the rest are the training part. Pairs, not users, are
/// sampled, so a user with few interactions may end up with all of them held out (and is then
/// a cold-start user for the models).
pub fn split_pairs(matrix: &CsrMatrix, test_fraction: f64, seed: u64) -> Split {
    let mut order: Vec<usize> = (0..matrix.nnz()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let held = ((order.len() as f64) * test_fraction.clamp(0.0, 1.0)).round() as usize;
    // Entry k is held out if it landed among the first `held` places of the shuffle.
    let mut is_test = vec![false; order.len()];
    for &k in &order[..held] {
        is_test[k] = true;
    }
    Split {
        train: matrix.keep_entries(|k| !is_test[k]),
        test: matrix.keep_entries(|k| is_test[k]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifth_held_out_reproducibly_and_disjoint() {
        let triples: Vec<_> = (0..50u32)
            .flat_map(|u| (0..4u32).map(move |i| (u, (u + i) % 20, 1.0 + i as f32)))
            .collect();
        let m = CsrMatrix::from_triples(50, 20, &triples).unwrap();
        let s = split_pairs(&m, 0.2, 7);
        assert_eq!(s.test.nnz(), 40);
        assert_eq!(s.train.nnz(), 160);
        let mut all: Vec<_> = s.train.triples().chain(s.test.triples()).collect();
        all.sort_by_key(|&(u, i, _)| (u, i));
        assert_eq!(all, m.triples().collect::<Vec<_>>());
        assert_eq!(split_pairs(&m, 0.2, 7).test, s.test);
        assert_ne!(split_pairs(&m, 0.2, 8).test, s.test);
    }
}
