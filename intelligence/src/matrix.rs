//! The sparse interaction matrix every model reads: compressed sparse rows (CSR), rows are
//! users, columns are items, values are `f32` weights. Its transpose is another `CsrMatrix`
//! (items by users, i.e. the CSC form of the original), so one type serves both directions.
//!
//! Users and items are dense `u32` indices; mapping external ids onto them is the caller's job.

use std::fmt;

/// A sparse `rows × cols` matrix in CSR form. Within a row the column indices are strictly
/// increasing (duplicates were summed when it was built), which `evaluate` and `recommend`
/// rely on only through [`Row`], never by poking at the arrays.
#[derive(Debug, Clone, PartialEq)]
pub struct CsrMatrix {
    rows: usize,
    cols: usize,
    /// `indptr[r]..indptr[r + 1]` is row `r`'s range in `indices` and `values`.
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

/// One row of a [`CsrMatrix`]: its column indices (increasing) and their values.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub indices: &'a [u32],
    pub values: &'a [f32],
}

impl<'a> Row<'a> {
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The `(column, value)` pairs of the row, in column order.
    pub fn iter(self) -> impl Iterator<Item = (u32, f32)> + 'a {
        self.indices
            .iter()
            .copied()
            .zip(self.values.iter().copied())
    }
}

/// A triple named a row or column outside the matrix's declared shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfBounds {
    pub row: u32,
    pub col: u32,
    pub rows: usize,
    pub cols: usize,
}

impl fmt::Display for OutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "entry ({}, {}) lies outside a {} × {} matrix",
            self.row, self.col, self.rows, self.cols
        )
    }
}

impl std::error::Error for OutOfBounds {}

impl CsrMatrix {
    /// Builds a `rows × cols` matrix from `(row, col, weight)` triples in any order, summing
    /// the weights of repeated `(row, col)` pairs (a member clicking the same item on several
    /// days is one interaction with the total weight).
    pub fn from_triples(
        rows: usize,
        cols: usize,
        triples: &[(u32, u32, f32)],
    ) -> Result<Self, OutOfBounds> {
        if let Some(&(row, col, _)) = triples
            .iter()
            .find(|&&(r, c, _)| r as usize >= rows || c as usize >= cols)
        {
            return Err(OutOfBounds {
                row,
                col,
                rows,
                cols,
            });
        }
        // Counting sort by row: one pass to size the rows, one to scatter. Linear, and it
        // keeps the input order within a row, so the later per-row sort is on short slices.
        let mut indptr = vec![0usize; rows + 1];
        for &(r, _, _) in triples {
            indptr[r as usize + 1] += 1;
        }
        for r in 0..rows {
            indptr[r + 1] += indptr[r];
        }
        let mut next = indptr.clone();
        let mut entries = vec![(0u32, 0f32); triples.len()];
        for &(r, c, w) in triples {
            let slot = &mut next[r as usize];
            entries[*slot] = (c, w);
            *slot += 1;
        }

        let mut out_indptr = Vec::with_capacity(rows + 1);
        let mut indices = Vec::with_capacity(triples.len());
        let mut values = Vec::with_capacity(triples.len());
        out_indptr.push(0);
        for r in 0..rows {
            let row = &mut entries[indptr[r]..indptr[r + 1]];
            // Stable, so duplicates are summed in input order and the result is reproducible.
            row.sort_by_key(|&(c, _)| c);
            for &(c, w) in row.iter() {
                if indices.len() > out_indptr[r] && indices.last() == Some(&c) {
                    if let Some(last) = values.last_mut() {
                        *last += w;
                    }
                } else {
                    indices.push(c);
                    values.push(w);
                }
            }
            out_indptr.push(indices.len());
        }
        Ok(Self {
            rows,
            cols,
            indptr: out_indptr,
            indices,
            values,
        })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of stored (distinct) entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Row `r`. Panics if `r >= rows()`, like slice indexing.
    pub fn row(&self, r: usize) -> Row<'_> {
        let range = self.indptr[r]..self.indptr[r + 1];
        Row {
            indices: &self.indices[range.clone()],
            values: &self.values[range],
        }
    }

    /// Sum of all stored values.
    pub fn total(&self) -> f64 {
        self.values.iter().map(|&v| f64::from(v)).sum()
    }

    /// The transpose (`cols × rows`): for a user-item matrix, the item-user matrix, which ALS
    /// needs to solve the item half of each iteration row by row.
    pub fn transpose(&self) -> CsrMatrix {
        let mut indptr = vec![0usize; self.cols + 1];
        for &c in &self.indices {
            indptr[c as usize + 1] += 1;
        }
        for c in 0..self.cols {
            indptr[c + 1] += indptr[c];
        }
        let mut next = indptr.clone();
        let mut indices = vec![0u32; self.nnz()];
        let mut values = vec![0f32; self.nnz()];
        // Walking rows in order writes each transposed row's entries in increasing index
        // order, so no sort is needed.
        for r in 0..self.rows {
            for (c, v) in self.row(r).iter() {
                let slot = &mut next[c as usize];
                indices[*slot] = r as u32;
                values[*slot] = v;
                *slot += 1;
            }
        }
        CsrMatrix {
            rows: self.cols,
            cols: self.rows,
            indptr,
            indices,
            values,
        }
    }

    /// The same sparsity pattern with every value passed through `f` (e.g. a weighting).
    pub fn map_values(&self, f: impl Fn(f32) -> f32) -> CsrMatrix {
        CsrMatrix {
            values: self.values.iter().map(|&v| f(v)).collect(),
            ..self.clone()
        }
    }

    /// The entries whose position in row-by-row order (`0..nnz`) passes `keep`, in the same
    /// shape; the rest are dropped. What a split of the pairs needs, with no way to fail.
    pub(crate) fn keep_entries(&self, keep: impl Fn(usize) -> bool) -> CsrMatrix {
        let mut indptr = Vec::with_capacity(self.rows + 1);
        let mut indices = Vec::new();
        let mut values = Vec::new();
        indptr.push(0);
        for r in 0..self.rows {
            for k in self.indptr[r]..self.indptr[r + 1] {
                if keep(k) {
                    indices.push(self.indices[k]);
                    values.push(self.values[k]);
                }
            }
            indptr.push(indices.len());
        }
        CsrMatrix {
            rows: self.rows,
            cols: self.cols,
            indptr,
            indices,
            values,
        }
    }

    /// All entries as `(row, col, value)`, row by row.
    pub fn triples(&self) -> impl Iterator<Item = (u32, u32, f32)> + '_ {
        (0..self.rows).flat_map(move |r| self.row(r).iter().map(move |(c, v)| (r as u32, c, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_summed_and_rows_sorted() {
        let m =
            CsrMatrix::from_triples(2, 3, &[(1, 2, 1.0), (0, 1, 2.0), (1, 0, 4.0), (1, 2, 0.5)])
                .unwrap();
        assert_eq!(m.nnz(), 3);
        assert_eq!(m.row(0).indices, &[1]);
        assert_eq!(m.row(1).indices, &[0, 2]);
        assert_eq!(m.row(1).values, &[4.0, 1.5]);
    }

    #[test]
    fn transpose_swaps_rows_and_columns() {
        let m = CsrMatrix::from_triples(2, 3, &[(0, 1, 2.0), (1, 0, 4.0), (1, 2, 1.5)]).unwrap();
        let t = m.transpose();
        assert_eq!((t.rows(), t.cols()), (3, 2));
        let mut back: Vec<_> = t.triples().map(|(r, c, v)| (c, r, v)).collect();
        back.sort_by_key(|&(r, c, _)| (r, c));
        assert_eq!(back, m.triples().collect::<Vec<_>>());
        assert_eq!(t.transpose(), m);
    }

    #[test]
    fn out_of_range_entries_are_refused() {
        let err = CsrMatrix::from_triples(2, 2, &[(0, 2, 1.0)]).unwrap_err();
        assert_eq!(err.col, 2);
    }
}
