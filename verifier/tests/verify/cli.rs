//! The binary's exit codes and messages.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use lyceum_audit::checkpoint::public_key_to_hex;

use crate::support::{complete, events_of, log, ndjson, trusted};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lyceum-verify"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn exit_codes_say_verified_failed_or_misused() {
    let key = public_key_to_hex(&trusted());
    let good = complete(&log(20), 8);
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-good.ndjson");
    std::fs::write(&file, ndjson(&good)).unwrap();
    let key_file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-key.txt");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();

    let from_file = run(&["--public-key", &key, file.to_str().unwrap()], "");
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    assert_eq!(
        text(&from_file.stdout),
        "OK: complete export: 20 events in 4 streams, 2 checkpoints verified; the last seals 16 \
         events (the tree rebuilt from the events); 4 later events are not sealed yet: only \
         their chains are checked\n"
    );
    let key_from_file = run(
        &["--public-key-file", key_file.to_str().unwrap()],
        &ndjson(&good),
    );
    assert_eq!(key_from_file.status.code(), Some(0));

    let mut tampered = good;
    let event = events_of(&mut tampered).nth(5).unwrap();
    event.actor.push('!');
    let position = event.position;
    let failed = run(&["--public-key", &key], &ndjson(&tampered));
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        text(&failed.stderr).starts_with(&format!("FAILED at position {position}: edited: ")),
        "{}",
        text(&failed.stderr)
    );

    for misuse in [
        &[][..],
        &["--public-key"],
        &["--public-key", "00"],
        &["--frobnicate"],
    ] {
        assert_eq!(run(misuse, "").status.code(), Some(2), "{misuse:?}");
    }
    let missing_file = run(&["--public-key", &key, "/nonexistent/export.ndjson"], "");
    assert_eq!(missing_file.status.code(), Some(2));
    std::fs::remove_file(file).unwrap();
    std::fs::remove_file(key_file).unwrap();
}
