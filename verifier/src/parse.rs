//! Reading the hex fields of a line, and naming the line when they do not parse.

use lyceum_audit::Hash;

use crate::Breach;

/// A line that is not a line of the format, and why.
pub(crate) fn malformed(line: u64, reason: impl Into<String>) -> Breach {
    Breach::Malformed {
        line,
        reason: reason.into(),
    }
}

/// The hash written as 64 hex digits in the field `field` of line `line`.
pub(crate) fn hash(line: u64, field: &str, text: &str) -> Result<Hash, Breach> {
    Hash::from_hex(text).map_err(|_| malformed(line, format!("`{field}` is not 64 hex digits")))
}

/// The hashes of a proof in the field `field` of line `line`.
pub(crate) fn hashes(line: u64, field: &str, texts: &[String]) -> Result<Vec<Hash>, Breach> {
    texts.iter().map(|text| hash(line, field, text)).collect()
}
