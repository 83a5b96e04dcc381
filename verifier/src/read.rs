//! Verifying a whole export from a reader: one JSON object per line, each fed to a
//! [`Verifier`].

use std::io::{self, BufRead};

use crate::format::Line;
use crate::parse::malformed;
use crate::{Failure, Summary, Verifier};

/// Verifies the export `reader` holds against `trusted_public_key`. The outer error is a
/// failure to read; the inner result is the verdict.
pub fn verify<R: BufRead>(
    trusted_public_key: [u8; 32],
    mut reader: R,
) -> io::Result<Result<Summary, Failure>> {
    let mut verifier = Verifier::new(trusted_public_key);
    let mut buffer = Vec::new();
    let mut number = 0;
    loop {
        buffer.clear();
        if reader.read_until(b'\n', &mut buffer)? == 0 {
            return Ok(verifier.finish());
        }
        number += 1;
        let text = buffer.strip_suffix(b"\n").unwrap_or(&buffer);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let line = match serde_json::from_slice::<Line>(text) {
            Ok(line) => line,
            Err(error) => {
                return Ok(Err(Failure {
                    position: None,
                    breach: malformed(number, not_a_line(&error)),
                }));
            }
        };
        if let Err(failure) = verifier.feed(&line) {
            return Ok(Err(failure));
        }
    }
}

/// Why a line does not parse, without serde's "at line 1 column n", which counts within the
/// line.
fn not_a_line(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let cause = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(cause, _)| cause);
    format!(
        "not a JSON line of the format ({cause}, column {})",
        error.column()
    )
}
