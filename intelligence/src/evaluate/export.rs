//! Writing a matrix as `user,item,weight` CSV lines, so a split can be handed to another
//! implementation (Python baselines) and evaluated on exactly the same pairs. The caller
//! supplies the writer; this crate opens no files.

use std::io::{self, Write};

use crate::matrix::CsrMatrix;

/// Writes a `user,item,weight` header, then one line per stored entry, row by row.
/// Weights are written with Rust's shortest round-trip formatting, so they parse back exact.
pub fn write_triples_csv<W: Write>(mut out: W, matrix: &CsrMatrix) -> io::Result<()> {
    writeln!(out, "user,item,weight")?;
    for (u, i, w) in matrix.triples() {
        writeln!(out, "{u},{i},{w}")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_entry() {
        let m = CsrMatrix::from_triples(2, 3, &[(1, 2, 0.5), (0, 0, 3.0)]).unwrap();
        let mut out = Vec::new();
        write_triples_csv(&mut out, &m).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "user,item,weight\n0,0,3\n1,2,0.5\n"
        );
    }
}
