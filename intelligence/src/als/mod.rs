//! Implicit-feedback alternating least squares (Hu, Koren and Volinsky 2008, "Collaborative
//! Filtering for Implicit Feedback Datasets"): every observed interaction is a preference of 1
//! held with confidence `1 + α·weight`, every unobserved one a preference of 0 with confidence
//! 1, and user and item factors are solved for in turn, each row by a few warm-started
//! conjugate-gradient steps (`cg.rs`).
//!
//! Each row's solve reads only the other side's factors and their Gram matrix, so rows are
//! solved in parallel (rayon) and the result does not depend on the thread count or schedule.

mod cg;
mod fold_in;
mod loss;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::linalg::{dot, gram};
use crate::matrix::CsrMatrix;
use crate::recommend::{Scored, top_k};
use cg::{Scratch, solve_row};

/// The knobs of [`AlsModel::fit`].
///
/// `Default` holds the settings chosen on OULAD (three course runs, each its own matrix, with
/// `Weighting::Log1p` counts): λ and α were picked by precision at 10 on a validation split
/// carved from each training part, never on the test pairs. That data is small (≈ 400–1,500
/// members and 200–300 items per run), so it wants far more regularisation than implicit's
/// default of 0.01, which overfits it badly (P@10 0.26 against 0.77). With λ = 30 the
/// factor count matters little (16 to 128 within 0.01 on validation); 64 is the default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlsParams {
    /// Length of each user and item vector.
    pub factors: usize,
    /// λ, the L2 penalty on every vector.
    pub regularization: f32,
    /// α in the confidence `1 + α·weight`.
    pub alpha: f32,
    /// Full iterations (a user half and an item half each).
    pub iterations: usize,
    /// Conjugate-gradient steps per row per half-iteration (implicit's default is 3).
    pub cg_steps: usize,
    /// Seeds the initial factors; the same seed and data give the same model.
    pub seed: u64,
}

impl Default for AlsParams {
    fn default() -> Self {
        Self {
            factors: 64,
            regularization: 30.0,
            alpha: 5.0,
            iterations: 15,
            cg_steps: 3,
            seed: 0,
        }
    }
}

/// Rows handed to one rayon task at a time: a row's solve is a few microseconds, so smaller
/// tasks would spend more on scheduling than on solving.
const MIN_ROWS_PER_TASK: usize = 32;

/// Trained (or in-training) user and item factors, row-major `Vec<f32>`s.
#[derive(Debug, Clone, PartialEq)]
pub struct AlsModel {
    params: AlsParams,
    users: usize,
    items: usize,
    user_factors: Vec<f32>,
    item_factors: Vec<f32>,
    /// `YᵀY + λI` of the current item factors: the next user half-iteration and `fold_in`
    /// both start from it, so it is kept rather than recomputed.
    item_gram: Vec<f32>,
}

impl AlsModel {
    /// Small random factors (uniform in `[0, 0.01)`, as implicit does) drawn from
    /// `params.seed`, users first, then items.
    pub fn init(users: usize, items: usize, params: AlsParams) -> Self {
        let f = params.factors;
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let mut draw =
            |n: usize| -> Vec<f32> { (0..n).map(|_| rng.random::<f32>() * 0.01).collect() };
        let user_factors = draw(users * f);
        let item_factors = draw(items * f);
        let item_gram = gram(&item_factors, f, params.regularization);
        Self {
            params,
            users,
            items,
            user_factors,
            item_factors,
            item_gram,
        }
    }

    /// Fits a model to `user_items` (users × items, weights ≥ 0) with `params.iterations`
    /// iterations, on the current rayon pool (install a pool to bound the threads).
    pub fn fit(user_items: &CsrMatrix, params: AlsParams) -> Self {
        let item_users = user_items.transpose();
        let mut model = Self::init(user_items.rows(), user_items.cols(), params);
        for _ in 0..params.iterations {
            model.step(user_items, &item_users);
        }
        model
    }

    /// One iteration: every user's vector against the item factors, then every item's
    /// against the new user factors. `item_users` is `user_items.transpose()`, passed in so
    /// a caller stepping by hand transposes once.
    pub fn step(&mut self, user_items: &CsrMatrix, item_users: &CsrMatrix) {
        assert_eq!(
            (user_items.rows(), user_items.cols()),
            (self.users, self.items),
            "the matrix does not match the model's shape"
        );
        let AlsParams {
            factors: f,
            regularization,
            alpha,
            cg_steps,
            ..
        } = self.params;
        solve_half(
            &mut self.user_factors,
            user_items,
            &self.item_factors,
            &self.item_gram,
            alpha,
            cg_steps,
            f,
        );
        let user_gram = gram(&self.user_factors, f, regularization);
        solve_half(
            &mut self.item_factors,
            item_users,
            &self.user_factors,
            &user_gram,
            alpha,
            cg_steps,
            f,
        );
        self.item_gram = gram(&self.item_factors, f, regularization);
    }

    pub fn params(&self) -> &AlsParams {
        &self.params
    }

    pub fn users(&self) -> usize {
        self.users
    }

    pub fn items(&self) -> usize {
        self.items
    }

    /// User `u`'s vector (`factors` long).
    pub fn user_vector(&self, u: u32) -> &[f32] {
        let f = self.params.factors;
        &self.user_factors[u as usize * f..][..f]
    }

    /// Item `i`'s vector (`factors` long).
    pub fn item_vector(&self, i: u32) -> &[f32] {
        let f = self.params.factors;
        &self.item_factors[i as usize * f..][..f]
    }

    /// All user factors, row-major `users × factors`.
    pub fn user_factors(&self) -> &[f32] {
        &self.user_factors
    }

    /// All item factors, row-major `items × factors`.
    pub fn item_factors(&self) -> &[f32] {
        &self.item_factors
    }

    /// Every item's score `x·yᵢ` for a user vector `x` (from `user_vector` or `fold_in`).
    pub fn scores(&self, x: &[f32]) -> Vec<f32> {
        self.item_factors
            .chunks_exact(self.params.factors)
            .map(|y| dot(x, y))
            .collect()
    }

    /// The `k` best-scored items for user vector `x`, leaving out `exclude` (what the user
    /// has already seen).
    pub fn recommend(&self, x: &[f32], k: usize, exclude: &[u32]) -> Vec<Scored> {
        top_k(&self.scores(x), k, exclude)
    }
}

/// Solves every row of `x` (row-major, `f` wide) against the fixed factors `y`.
fn solve_half(
    x: &mut [f32],
    rows: &CsrMatrix,
    y: &[f32],
    gram: &[f32],
    alpha: f32,
    steps: usize,
    f: usize,
) {
    x.par_chunks_mut(f)
        .enumerate()
        .with_min_len(MIN_ROWS_PER_TASK)
        .for_each_init(
            || Scratch::new(f),
            |scratch, (r, xr)| solve_row(xr, rows.row(r), y, gram, alpha, steps, scratch),
        );
}

#[cfg(test)]
mod tests;
