//! A vector for a user the model was not trained with (a new member after their first
//! interactions), solved against the fixed item factors without retraining.

use super::AlsModel;
use super::cg::normal_equations;
use crate::linalg::cholesky_solve;
use crate::matrix::Row;

impl AlsModel {
    /// The least-squares user vector for `interactions` (`(item, weight)` pairs, any order,
    /// repeated items summed) against the model's item factors: the same equations a
    /// training half-iteration solves for one user, but solved exactly, since one `f × f`
    /// system is cheap and a new user has no earlier vector to warm-start from.
    ///
    /// Items outside the model are ignored; no interactions give the zero vector.
    pub fn fold_in(&self, interactions: &[(u32, f32)]) -> Vec<f32> {
        let f = self.params.factors;
        let mut known: Vec<(u32, f32)> = interactions
            .iter()
            .copied()
            .filter(|&(i, _)| (i as usize) < self.items)
            .collect();
        known.sort_by_key(|&(i, _)| i);
        known.dedup_by(|later, first| {
            let same = later.0 == first.0;
            if same {
                first.1 += later.1;
            }
            same
        });
        let (indices, values): (Vec<u32>, Vec<f32>) = known.into_iter().unzip();
        let row = Row {
            indices: &indices,
            values: &values,
        };
        let (a, b) = normal_equations(
            row,
            &self.item_factors,
            &self.item_gram,
            self.params.alpha,
            f,
        );
        // A = YᵀY + λI + Σ αw·yyᵀ is positive definite for λ > 0; with λ = 0 and too few
        // items it can be singular, and the zero vector (no preference known) is the answer.
        cholesky_solve(&a, &b).unwrap_or_else(|| vec![0.0; f])
    }
}
