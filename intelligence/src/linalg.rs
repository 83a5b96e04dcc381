//! The few dense kernels ALS spends its time in: dot product, `y += a·x`, a small dense
//! matrix-vector product, the Gram matrix `YᵀY` of a factor matrix, and a Cholesky solve for
//! the exact (non-iterative) answer. Written over slices so the compiler vectorises them.

use rayon::prelude::*;

/// Lanes of independent partial sums. Floating-point addition is not associative, so the
/// compiler will not split one running sum into SIMD lanes itself; eight explicit
/// accumulators become two 4-wide vector registers (the baseline x86-64 target has SSE2).
const LANES: usize = 8;

/// `Σ a[i]·b[i]` over the common length.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0f32;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    // A fixed order, so the result is the same wherever the function is inlined.
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// `y += a·x` over the common length.
#[inline(always)]
pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// Outputs of [`symv`] accumulated together: 32 floats are eight SSE registers, which stay
/// in registers for a whole sweep over the matrix, leaving the other eight for operands.
const SYMV_BLOCK: usize = 32;

/// `out = M·v` for a *symmetric* row-major `n × n` matrix `m` (`n = v.len()`).
///
/// Computed as `Σⱼ vⱼ·M[j, ·]` (row `j` read as column `j`, which symmetry allows) rather than
/// as `n` dot products: the dot form ends every output with a horizontal sum across SIMD
/// lanes, this one only adds whole vectors.
#[inline]
pub fn symv(m: &[f32], v: &[f32], out: &mut [f32]) {
    let n = v.len();
    for (b, block) in out[..n].chunks_mut(SYMV_BLOCK).enumerate() {
        let start = b * SYMV_BLOCK;
        if let Ok(block) = <&mut [f32; SYMV_BLOCK]>::try_from(&mut *block) {
            // A fixed-size accumulator is what lets the compiler keep it in registers.
            let mut acc = [0f32; SYMV_BLOCK];
            for (j, &vj) in v.iter().enumerate() {
                if let Ok(col) = <&[f32; SYMV_BLOCK]>::try_from(&m[j * n + start..][..SYMV_BLOCK]) {
                    for k in 0..SYMV_BLOCK {
                        acc[k] += vj * col[k];
                    }
                }
            }
            *block = acc;
        } else {
            block.fill(0.0);
            for (j, &vj) in v.iter().enumerate() {
                axpy(vj, &m[j * n + start..][..block.len()], block);
            }
        }
    }
}

/// Rows of the factor matrix summed per parallel task in [`gram`]. Fixed, so the order of
/// the floating-point additions (and so the result) does not depend on the thread count.
const GRAM_BLOCK: usize = 1024;

/// `YᵀY + reg·I` for a row-major `rows × f` matrix `y`, as a row-major `f × f` matrix.
pub fn gram(y: &[f32], f: usize, reg: f32) -> Vec<f32> {
    let partials: Vec<Vec<f32>> = y
        .par_chunks(GRAM_BLOCK * f)
        .map(|block| {
            let mut g = vec![0f32; f * f];
            for row in block.chunks_exact(f) {
                // Upper triangle only; mirrored below. Each row update is an axpy.
                for (i, &ri) in row.iter().enumerate() {
                    axpy(ri, &row[i..], &mut g[i * f + i..(i + 1) * f]);
                }
            }
            g
        })
        .collect();
    let mut g = vec![0f32; f * f];
    for p in &partials {
        axpy(1.0, p, &mut g);
    }
    for i in 0..f {
        for j in 0..i {
            g[i * f + j] = g[j * f + i];
        }
        g[i * f + i] += reg;
    }
    g
}

/// Solves `A·x = b` for a symmetric positive-definite row-major `n × n` matrix `a` by Cholesky
/// factorisation, in `f64` so it can serve as the reference the iterative solver is checked
/// against. Returns `None` if `a` is not positive definite.
pub fn cholesky_solve(a: &[f32], b: &[f32]) -> Option<Vec<f32>> {
    let n = b.len();
    let mut l = vec![0f64; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = f64::from(a[i * n + j]);
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    // L·z = b, then Lᵀ·x = z.
    let mut z = vec![0f64; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * z[k]).sum();
        z[i] = (f64::from(b[i]) - s) / l[i * n + i];
    }
    let mut x = vec![0f64; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (z[i] - s) / l[i * n + i];
    }
    Some(x.into_iter().map(|v| v as f32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_naive_sum_at_odd_lengths() {
        let a: Vec<f32> = (0..37).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..37).map(|i| 1.0 - i as f32 * 0.25).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-3);
    }

    #[test]
    fn symv_multiplies_a_symmetric_matrix() {
        // 35 × 35, so one full block and a partial one.
        let n = 35;
        let m: Vec<f32> = (0..n * n)
            .map(|k| ((k / n) * (k % n)) as f32 * 0.01 + if k / n == k % n { 1.0 } else { 0.0 })
            .collect();
        let v: Vec<f32> = (0..n).map(|i| (i as f32).sin()).collect();
        let mut out = vec![0f32; n];
        symv(&m, &v, &mut out);
        for (i, o) in out.iter().enumerate() {
            let want = dot(&m[i * n..(i + 1) * n], &v);
            assert!((o - want).abs() < 1e-4, "{i}: {o} vs {want}");
        }
    }

    #[test]
    fn gram_is_yty_plus_reg() {
        // y = [[1, 2], [3, 4], [5, 6]]
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(gram(&y, 2, 0.5), vec![35.5, 44.0, 44.0, 56.5]);
    }

    #[test]
    fn cholesky_solves_a_small_system() {
        let a = [4.0, 1.0, 1.0, 3.0];
        let x = cholesky_solve(&a, &[1.0, 2.0]).unwrap();
        assert!((x[0] - 1.0 / 11.0).abs() < 1e-6 && (x[1] - 7.0 / 11.0).abs() < 1e-6);
        assert!(cholesky_solve(&[1.0, 2.0, 2.0, 1.0], &[1.0, 1.0]).is_none());
    }
}
