//! Precision at k as the protocol counts it: for each user with at least one held-out item,
//! hits in the top k divided by `min(k, held-out items)` (so a user with 3 held-out items can
//! score 1.0), averaged over those users.

use rayon::prelude::*;

use crate::matrix::CsrMatrix;

/// A sum of per-user precisions and how many users it covers. Kept as a sum so figures from
/// several matrices (course runs) can be micro-averaged: add them, then take the mean.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Precision {
    pub sum: f64,
    pub users: usize,
}

impl Precision {
    /// The mean over users (NaN for none).
    pub fn mean(&self) -> f64 {
        self.sum / self.users as f64
    }
}

impl std::ops::Add for Precision {
    type Output = Precision;
    fn add(self, other: Precision) -> Precision {
        Precision {
            sum: self.sum + other.sum,
            users: self.users + other.users,
        }
    }
}

impl std::iter::Sum for Precision {
    fn sum<I: Iterator<Item = Precision>>(iter: I) -> Precision {
        iter.fold(Precision::default(), |a, b| a + b)
    }
}

/// Precision at `k` of `recommend` on the held-out pairs `test`. `recommend(user, seen, k)`
/// returns up to `k` items, best first, none of them in `seen` (the user's training items,
/// excluded as the product would). Users are evaluated in parallel.
pub fn precision_at_k<F>(train: &CsrMatrix, test: &CsrMatrix, k: usize, recommend: F) -> Precision
where
    F: Fn(u32, &[u32], usize) -> Vec<u32> + Sync,
{
    let per_user: Vec<Option<f64>> = (0..test.rows())
        .into_par_iter()
        .map(|u| {
            let held = test.row(u).indices;
            if held.is_empty() {
                return None;
            }
            let recs = recommend(u as u32, train.row(u).indices, k);
            // Test rows are sorted, so membership is a binary search.
            let hits = recs
                .iter()
                .take(k)
                .filter(|i| held.binary_search(i).is_ok())
                .count();
            Some(hits as f64 / k.min(held.len()) as f64)
        })
        .collect();
    // Summed in user order so the figure does not depend on the thread schedule.
    per_user
        .into_iter()
        .flatten()
        .map(|p| Precision { sum: p, users: 1 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_over_min_of_k_and_held_out() {
        // User 0 holds out items 1, 2, 3 (fewer than k = 10): two hits → 2/3.
        // User 1 holds out 12 items: three hits → 3/10.
        // User 2 holds out nothing and is not counted.
        let mut test = vec![(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)];
        test.extend((0..12).map(|i| (1, i, 1.0)));
        let test = CsrMatrix::from_triples(3, 20, &test).unwrap();
        let train = CsrMatrix::from_triples(3, 20, &[(2, 0, 1.0)]).unwrap();
        let p = precision_at_k(&train, &test, 10, |u, _, _| match u {
            0 => vec![1, 3, 9],
            _ => vec![0, 1, 2, 15, 16, 17, 18, 19, 13, 14],
        });
        assert_eq!(p.users, 2);
        assert!((p.mean() - (2.0 / 3.0 + 0.3) / 2.0).abs() < 1e-12);
    }
}
