//! The objective ALS minimises, for checking that training makes progress:
//! `Σᵤᵢ cᵤᵢ·(pᵤᵢ − xᵤ·yᵢ)² + λ·(Σ‖xᵤ‖² + Σ‖yᵢ‖²)` over all user-item pairs, observed or not,
//! divided by the total confidence so that figures compare across datasets (as implicit's
//! `calculate_loss` reports it).

use rayon::prelude::*;

use super::AlsModel;
use crate::linalg::{dot, gram, symv};
use crate::matrix::CsrMatrix;

impl AlsModel {
    /// The normalised training loss on `user_items`.
    pub fn loss(&self, user_items: &CsrMatrix) -> f64 {
        let f = self.params.factors;
        let alpha = self.params.alpha;
        // Σ over *all* items of (x·yᵢ)² is xᵀ(YᵀY)x, so the unobserved pairs cost one
        // f × f product per user; the observed ones then correct their own terms.
        let yty = gram(&self.item_factors, f, 0.0);
        let per_user: Vec<(f64, f64)> = self
            .user_factors
            .par_chunks(f)
            .enumerate()
            .map_init(
                || vec![0f32; f],
                |tmp, (u, x)| {
                    symv(&yty, x, tmp);
                    let mut loss = f64::from(dot(x, tmp));
                    let mut confidence = 0f64;
                    for (i, w) in user_items.row(u).iter() {
                        let s = f64::from(dot(x, &self.item_factors[i as usize * f..][..f]));
                        let c = 1.0 + f64::from(alpha * w);
                        loss += c * (1.0 - s) * (1.0 - s) - s * s;
                        confidence += c - 1.0;
                    }
                    (loss, confidence)
                },
            )
            .collect();
        // Summed in user order, not by rayon's reduction tree, so the figure is reproducible.
        let (mut loss, mut confidence) = (0f64, 0f64);
        for (l, c) in per_user {
            loss += l;
            confidence += c;
        }
        let norms = |v: &[f32]| v.iter().map(|&a| f64::from(a) * f64::from(a)).sum::<f64>();
        loss += f64::from(self.params.regularization)
            * (norms(&self.user_factors) + norms(&self.item_factors));
        // Total confidence of all pairs: one per pair plus the extra of the observed ones.
        let pairs = self.users as f64 * self.items as f64;
        loss / (pairs + confidence)
    }
}
