//! How a raw interaction count (clicks, plays) becomes the weight the models see. Counts are
//! heavy-tailed: a member who opens the course page 400 times has not shown 400 times the
//! interest of one who opened it once, and with raw counts a few such pairs dominate the loss.

use crate::matrix::CsrMatrix;

/// A per-entry transform of interaction counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weighting {
    /// The count itself.
    Raw,
    /// `ln(1 + count)`: keeps the order of counts, compresses the tail.
    #[default]
    Log1p,
    /// 1 for any interaction: only whether it happened.
    Binary,
}

impl Weighting {
    /// The weight of one count.
    pub fn weight(self, count: f32) -> f32 {
        match self {
            Weighting::Raw => count,
            Weighting::Log1p => count.max(0.0).ln_1p(),
            Weighting::Binary => 1.0,
        }
    }

    /// `matrix` with every entry weighted.
    pub fn apply(self, matrix: &CsrMatrix) -> CsrMatrix {
        matrix.map_values(|c| self.weight(c))
    }
}
