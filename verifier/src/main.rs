//! `lyceum-verify --public-key <64 hex> [FILE]`: verifies an exported event log against a
//! trusted public key. Exit 0 with a summary when it holds, 1 with the first problem on stderr
//! when it does not, 2 for bad usage or a file that cannot be read.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::process::ExitCode;

use lyceum_audit::checkpoint::public_key_from_hex;

const USAGE: &str = "usage: lyceum-verify (--public-key <64 hex> | --public-key-file <path>) [FILE]
Verifies a lyceum-export-v1 file (standard input without FILE) against the trusted public key.";

/// What the command line asks for.
struct Args {
    public_key: [u8; 32],
    file: Option<String>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => return say(&mut io::stdout(), USAGE, ExitCode::SUCCESS),
        Err(message) => return say(&mut io::stderr(), &format!("{message}\n{USAGE}"), usage()),
    };
    let verdict = match &args.file {
        Some(path) => File::open(path)
            .map_err(|error| format!("cannot open {path}: {error}"))
            .and_then(|file| read(args.public_key, BufReader::new(file))),
        None => read(args.public_key, io::stdin().lock()),
    };
    match verdict {
        Ok(Ok(summary)) => say(
            &mut io::stdout(),
            &format!("OK: {summary}"),
            ExitCode::SUCCESS,
        ),
        Ok(Err(failure)) => {
            let text = match failure.position {
                Some(position) => format!("FAILED at position {position}: {}", failure.breach),
                None => format!("FAILED: {}", failure.breach),
            };
            say(&mut io::stderr(), &text, ExitCode::FAILURE)
        }
        Err(message) => say(&mut io::stderr(), &message, usage()),
    }
}

fn read(
    public_key: [u8; 32],
    reader: impl io::BufRead,
) -> Result<Result<lyceum_verify::Summary, lyceum_verify::Failure>, String> {
    lyceum_verify::verify(public_key, reader).map_err(|error| format!("cannot read: {error}"))
}

/// `None` when help was asked for.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut key_hex = None;
    let mut file = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--public-key" => {
                key_hex = Some(args.next().ok_or("--public-key needs a value")?);
            }
            "--public-key-file" => {
                let path = args.next().ok_or("--public-key-file needs a value")?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|error| format!("cannot read {path}: {error}"))?;
                key_hex = Some(text.trim().to_owned());
            }
            option if option.starts_with('-') && option != "-" => {
                return Err(format!("unknown option {option}"));
            }
            _ if file.is_some() => return Err("only one FILE may be given".to_owned()),
            _ => file = Some(arg).filter(|path| path != "-"),
        }
    }
    let key_hex = key_hex.ok_or("a trusted public key is required")?;
    let public_key = public_key_from_hex(&key_hex)
        .map_err(|_| "the public key is not an Ed25519 public key in 64 hex digits")?;
    Ok(Some(Args { public_key, file }))
}

fn usage() -> ExitCode {
    ExitCode::from(2)
}

/// Writes `text` and a line break, and exits with `code`. (A closed pipe leaves the code as it
/// is: the verdict does not depend on being read.)
fn say(out: &mut impl Write, text: &str, code: ExitCode) -> ExitCode {
    let _ = writeln!(out, "{text}");
    code
}
