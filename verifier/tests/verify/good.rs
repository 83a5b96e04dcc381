//! Honest exports pass, with a summary that counts what was checked.

use lyceum_verify::{Line, Summary};

use crate::support::{SPACE_A, complete, log, partial, python_verdict, rust_verdict};

#[test]
fn a_complete_export_passes_both_verifiers() {
    let lines = complete(&log(45), 8);
    assert_eq!(
        rust_verdict(&lines),
        Ok(Summary {
            complete: true,
            events: 45,
            streams: 4,
            checkpoints: 5,
            sealed_size: 40,
            unsealed_events: 5,
        })
    );
    let (code, text) = python_verdict(&lines, "good-complete");
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("OK"), "{text}");
}

#[test]
fn a_complete_export_ending_on_a_checkpoint_or_without_any_passes() {
    let sealed_to_the_end = complete(&log(40), 8);
    assert_eq!(rust_verdict(&sealed_to_the_end).unwrap().unsealed_events, 0);
    let unsealed = complete(&log(7), 8);
    let summary = rust_verdict(&unsealed).unwrap();
    assert_eq!((summary.checkpoints, summary.unsealed_events), (0, 7));
    for (lines, name) in [
        (sealed_to_the_end, "sealed-to-the-end"),
        (unsealed, "unsealed"),
    ] {
        let (code, text) = python_verdict(&lines, name);
        assert_eq!(code, 0, "{name}: {text}");
    }
}

#[test]
fn a_partial_export_of_one_space_passes_with_its_proofs() {
    let events = log(45);
    let lines = partial(&events, 8, |event| {
        event.space_id.as_deref() == Some(SPACE_A)
    });
    let in_space = events
        .iter()
        .filter(|event| event.space_id.as_deref() == Some(SPACE_A));
    let expected_unsealed = in_space
        .clone()
        .filter(|event| event.leaf_index >= 40)
        .count();
    assert!(expected_unsealed > 0 && lines.iter().any(has_proof));
    assert_eq!(
        rust_verdict(&lines),
        Ok(Summary {
            complete: false,
            events: in_space.count() as u64,
            streams: 2,
            checkpoints: 5,
            sealed_size: 40,
            unsealed_events: expected_unsealed as u64,
        })
    );
}

#[test]
fn a_partial_export_from_a_position_passes_though_its_streams_start_midway() {
    let events = log(45);
    let from = events[20].position;
    let lines = partial(&events, 8, |event| event.position >= from);
    let summary = rust_verdict(&lines).unwrap();
    assert_eq!((summary.events, summary.streams), (25, 4));
}

fn has_proof(line: &Line) -> bool {
    matches!(line, Line::Event(event) if event.proof.is_some())
}
