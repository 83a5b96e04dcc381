//! One row's least-squares solve by conjugate gradient, as Python `implicit` does it
//! (`implicit/cpu/_als.pyx`, `_least_squares_cg`): a few CG steps warm-started from the
//! row's current vector instead of an exact solve, which is what makes ALS cheap per row.
//!
//! For a user `u` with fixed item factors `Y`, the normal equations of the weighted loss are
//! `(YᵀY + λI + Σᵢ (cᵤᵢ − 1)·yᵢyᵢᵀ)·x = Σᵢ cᵤᵢ·yᵢ`, sums over the user's interactions only,
//! with confidence `cᵤᵢ = 1 + α·rᵤᵢ`. `YᵀY + λI` is shared by every row and precomputed; the
//! sparse terms are applied as rank-one updates inside each matrix-vector product, so the
//! `f × f` matrix is never formed per row.

use crate::linalg::{axpy, dot, symv};
use crate::matrix::Row;

/// Below this squared residual the row is solved as well as `f32` allows (implicit's bound).
const RESIDUAL_FLOOR: f32 = 1e-20;

/// Per-thread work vectors, so the per-row solve does not allocate.
pub(crate) struct Scratch {
    r: Vec<f32>,
    p: Vec<f32>,
    ap: Vec<f32>,
    /// One coefficient per interaction of the row being solved.
    coef: Vec<f32>,
}

impl Scratch {
    pub(crate) fn new(factors: usize) -> Self {
        Self {
            r: vec![0.0; factors],
            p: vec![0.0; factors],
            ap: vec![0.0; factors],
            coef: Vec::new(),
        }
    }
}

/// Improves `x` in place by `steps` CG steps on the row's normal equations. `y` is the other
/// side's row-major factor matrix, `gram` is `YᵀY + λI` (row-major `f × f`).
pub(crate) fn solve_row(
    x: &mut [f32],
    row: Row<'_>,
    y: &[f32],
    gram: &[f32],
    alpha: f32,
    steps: usize,
    s: &mut Scratch,
) {
    let f = x.len();
    let Scratch { r, p, ap, coef } = s;

    // r = b − A·x, with the sparse part of A and all of b folded in. The rows of `y` are
    // scattered in memory and this is the first time this solve touches them, so every dot
    // product is taken first, in a pass of independent loads the processor can overlap,
    // before the updates that depend on them.
    coef.clear();
    coef.extend(row.iter().map(|(i, w)| {
        let extra = alpha * w; // cᵤᵢ − 1
        (1.0 + extra) - extra * dot(&y[i as usize * f..][..f], x)
    }));
    symv(gram, x, r);
    for v in r.iter_mut() {
        *v = -*v;
    }
    for (&i, &c) in row.indices.iter().zip(coef.iter()) {
        axpy(c, &y[i as usize * f..][..f], r);
    }

    p.copy_from_slice(r);
    let mut rs_old = dot(r, r);
    if rs_old < RESIDUAL_FLOOR {
        return;
    }
    for _ in 0..steps {
        symv(gram, p, ap);
        for (i, w) in row.iter() {
            let yi = &y[i as usize * f..][..f];
            axpy(alpha * w * dot(yi, p), yi, ap);
        }
        let step = rs_old / dot(p, ap);
        axpy(step, p, x);
        axpy(-step, ap, r);
        let rs_new = dot(r, r);
        if rs_new < RESIDUAL_FLOOR {
            break;
        }
        let beta = rs_new / rs_old;
        for (pi, ri) in p.iter_mut().zip(r.iter()) {
            *pi = ri + beta * *pi;
        }
        rs_old = rs_new;
    }
}

/// The row's normal equations written out densely: `(A, b)`. Only for the exact solve of a
/// single row (`fold_in`) and for checking the CG solver against it.
pub(crate) fn normal_equations(
    row: Row<'_>,
    y: &[f32],
    gram: &[f32],
    alpha: f32,
    f: usize,
) -> (Vec<f32>, Vec<f32>) {
    let mut a = gram.to_vec();
    let mut b = vec![0f32; f];
    for (i, w) in row.iter() {
        let yi = &y[i as usize * f..][..f];
        let extra = alpha * w;
        for (j, &yij) in yi.iter().enumerate() {
            axpy(extra * yij, yi, &mut a[j * f..(j + 1) * f]);
        }
        axpy(1.0 + extra, yi, &mut b);
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::{cholesky_solve, gram};

    #[test]
    fn enough_cg_steps_reach_the_exact_solution() {
        // 5 items × 3 factors; the user interacted with items 0, 2 and 4.
        let y = [
            0.3, -0.1, 0.2, 0.1, 0.4, -0.3, -0.2, 0.2, 0.5, 0.6, 0.1, 0.1, 0.05, -0.4, 0.3,
        ];
        let g = gram(&y, 3, 0.1);
        let (indices, values) = ([0u32, 2, 4], [3.0f32, 1.0, 7.0]);
        let row = Row {
            indices: &indices,
            values: &values,
        };
        let (a, b) = normal_equations(row, &y, &g, 2.0, 3);
        let exact = cholesky_solve(&a, &b).unwrap();

        let mut x = vec![0.01f32, 0.02, 0.03];
        solve_row(&mut x, row, &y, &g, 2.0, 3, &mut Scratch::new(3));
        for (got, want) in x.iter().zip(&exact) {
            assert!(
                (got - want).abs() < 1e-3 * want.abs().max(1.0),
                "{x:?} vs {exact:?}"
            );
        }
    }
}
