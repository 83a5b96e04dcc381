//! Files that are not exports of the format are refused as malformed, naming the line.

use lyceum_verify::{Breach, Failure, Line, verify};

use crate::support::{complete, log, ndjson, trusted};

fn verdict(text: &str) -> Result<lyceum_verify::Summary, Failure> {
    verify(trusted(), text.as_bytes()).unwrap()
}

fn malformed_line(text: &str) -> Option<u64> {
    match verdict(text) {
        Err(Failure {
            breach: Breach::Malformed { line, .. },
            ..
        }) => Some(line),
        _ => None,
    }
}

#[test]
fn broken_json_names_its_line() {
    let mut text = ndjson(&complete(&log(10), 4));
    text.push_str("{\"kind\":\"event\",\n");
    assert_eq!(malformed_line(&text), Some(1 + 2 + 10 + 1));
    assert_eq!(malformed_line("{\"kind\":\"gossip\"}\n"), Some(1));
}

#[test]
fn a_missing_header_or_an_empty_file_is_malformed() {
    let lines = complete(&log(10), 4);
    assert_eq!(malformed_line(&ndjson(&lines[1..])), Some(1));
    assert_eq!(malformed_line(""), Some(1));
}

#[test]
fn a_checkpoint_after_an_event_is_malformed() {
    let mut lines = complete(&log(10), 4);
    let checkpoint = lines.remove(2);
    lines.push(checkpoint);
    assert_eq!(malformed_line(&ndjson(&lines)), Some(lines.len() as u64));
}

#[test]
fn bad_hex_is_malformed_at_its_event() {
    let mut lines = complete(&log(10), 4);
    let Some(Line::Event(event)) = lines.last_mut() else {
        panic!("the export ends with an event");
    };
    event.hash.pop();
    let position = event.position;
    let failure = verdict(&ndjson(&lines)).unwrap_err();
    assert_eq!(failure.position, Some(position));
    assert!(matches!(failure.breach, Breach::Malformed { line: 13, .. }));
}

#[test]
fn unknown_fields_are_ignored_for_later_versions() {
    let text = ndjson(&complete(&log(10), 4)).replace("\"kind\":", "\"later\":1,\"kind\":");
    assert!(verdict(&text).is_ok());
}

#[test]
fn lines_are_written_with_the_documented_field_names() {
    let lines = complete(&log(2), 1);
    let text = ndjson(&lines);
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("{\"kind\":\"header\",\"format\":\"lyceum-export-v1\","));
    for field in [
        "\"kind\":\"checkpoint\"",
        "\"tree_size\":1",
        "\"consistency\":[]",
        "\"kind\":\"event\"",
        "\"leaf_index\":0",
        "\"proof\":null",
        "\"causation_id\":null",
    ] {
        assert!(text.contains(field), "{field}");
    }
}
