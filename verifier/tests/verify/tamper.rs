//! Each way of tampering with an export is caught at the first event it affects, for the right
//! reason. Complete exports go through both verifiers; partial ones (inclusion proofs) through
//! the Rust one.

use lyceum_audit::Hash;
use lyceum_audit::checkpoint::public_key;
use lyceum_verify::{Breach, EventLine, Failure, Header, Line};

use crate::support::{
    SPACE_A, caught_by_both, checkpoint_of, checkpoints, complete, events_of, key, log, other_key,
    partial, position_at_leaf, rechain, rust_verdict, trusted,
};

/// Events in the log, and a checkpoint every `EVERY` of them: checkpoints at 8, 16, …, 40.
const EVENTS: u64 = 45;
const EVERY: u64 = 8;

fn exported() -> Vec<Line> {
    complete(&log(EVENTS), EVERY)
}

fn event_at(lines: &mut [Line], leaf_index: u64) -> &mut EventLine {
    events_of(lines)
        .find(|event| event.leaf_index == leaf_index)
        .unwrap()
}

fn remove_leaf(lines: &mut Vec<Line>, leaf_index: u64) -> EventLine {
    let at = lines
        .iter()
        .position(|line| matches!(line, Line::Event(event) if event.leaf_index == leaf_index))
        .unwrap();
    let Line::Event(removed) = lines.remove(at) else {
        unreachable!()
    };
    removed
}

/// Leaf indexes without gaps again, as an exporter reading a rewritten database would number
/// them.
fn renumber(lines: &mut [Line]) {
    for (leaf_index, event) in events_of(lines).enumerate() {
        event.leaf_index = leaf_index as u64;
    }
}

fn same_stream(a: &EventLine, b: &EventLine) -> bool {
    (&a.aggregate_type, &a.aggregate_id) == (&b.aggregate_type, &b.aggregate_id)
}

fn flip(hex: &mut String) {
    let mut hash = Hash::from_hex(hex).unwrap();
    hash.0[0] ^= 1;
    *hex = hash.to_hex();
}

#[test]
fn an_edited_payload_byte_is_edited() {
    let mut lines = exported();
    let event = event_at(&mut lines, 13);
    event.payload = event.payload.replacen("\"n\"", "\"m\"", 1);
    let position = event.position;
    caught_by_both(&lines, "edited-payload", Some(position), Breach::Edited);
}

#[test]
fn an_edit_with_every_hash_recomputed_breaks_the_next_signed_root() {
    let mut lines = exported();
    let event = event_at(&mut lines, 13);
    event.payload = event.payload.replacen("\"n\"", "\"m\"", 1);
    let mut events: Vec<EventLine> = events_of(&mut lines).map(|event| event.clone()).collect();
    rechain(&mut events);
    for (line, event) in events_of(&mut lines).zip(events) {
        *line = event;
    }
    let since_checkpoint_8 = position_at_leaf(&lines, 8);
    let breach = Breach::RootMismatch { tree_size: 16 };
    caught_by_both(&lines, "edited-rechained", Some(since_checkpoint_8), breach);
}

#[test]
fn a_deleted_line_leaves_a_gap_in_the_leaf_indexes() {
    let mut lines = exported();
    remove_leaf(&mut lines, 13);
    let next = position_at_leaf(&lines, 14);
    caught_by_both(&lines, "deleted-line", Some(next), Breach::Missing);
}

#[test]
fn a_deleted_event_mid_stream_is_missing_at_its_streams_next_event() {
    let mut lines = exported();
    let events: Vec<EventLine> = events_of(&mut lines).map(|event| event.clone()).collect();
    // An event in the checkpoint of 16 whose stream goes on before that checkpoint is reached.
    let (deleted, next) = (9..15)
        .find_map(|i| {
            let next = (i + 1..16).find(|&j| same_stream(&events[i], &events[j]))?;
            Some((i, events[next].position))
        })
        .unwrap();
    remove_leaf(&mut lines, deleted as u64);
    renumber(&mut lines);
    caught_by_both(&lines, "deleted-mid-stream", Some(next), Breach::Missing);
}

#[test]
fn a_deleted_last_event_of_a_stream_breaks_the_next_signed_root() {
    let mut lines = exported();
    let events: Vec<EventLine> = events_of(&mut lines).map(|event| event.clone()).collect();
    let last_of_stream = |i: usize| !events[i + 1..].iter().any(|e| same_stream(e, &events[i]));
    let deleted = (0..events.len()).find(|&i| last_of_stream(i)).unwrap() as u64;
    assert!(deleted < 40, "the stream ends before the last checkpoint");
    let (before, after) = (deleted / EVERY * EVERY, (deleted / EVERY + 1) * EVERY);
    remove_leaf(&mut lines, deleted);
    renumber(&mut lines);
    let since = position_at_leaf(&lines, before);
    let breach = Breach::RootMismatch { tree_size: after };
    caught_by_both(&lines, "deleted-last-of-stream", Some(since), breach);
}

/// Swaps everything but the place (position and leaf index) of the events at two leaves.
fn swap_contents(lines: &mut [Line], a: u64, b: u64) {
    let first = event_at(lines, a).clone();
    let second = event_at(lines, b).clone();
    for (leaf, from) in [(a, second), (b, first)] {
        let event = event_at(lines, leaf);
        let (position, leaf_index) = (event.position, event.leaf_index);
        *event = EventLine {
            position,
            leaf_index,
            ..from
        };
    }
}

#[test]
fn events_of_two_streams_swapped_break_the_signed_root_though_the_chains_hold() {
    let mut lines = exported();
    let events: Vec<EventLine> = events_of(&mut lines).map(|event| event.clone()).collect();
    // Two events of the checkpoint of 24 whose streams have no other event between them.
    let (a, b) = (16..24)
        .flat_map(|a| (a + 1..24).map(move |b| (a, b)))
        .find(|&(a, b)| {
            !same_stream(&events[a], &events[b])
                && (a..=b).all(|i| {
                    i == a
                        || i == b
                        || !same_stream(&events[i], &events[a])
                            && !same_stream(&events[i], &events[b])
                })
        })
        .unwrap();
    swap_contents(&mut lines, a as u64, b as u64);
    let since = position_at_leaf(&lines, 16);
    let breach = Breach::RootMismatch { tree_size: 24 };
    caught_by_both(&lines, "swapped-across-streams", Some(since), breach);
}

#[test]
fn two_events_of_one_stream_swapped_are_missing_at_the_first() {
    let mut lines = exported();
    let events: Vec<EventLine> = events_of(&mut lines).map(|event| event.clone()).collect();
    let b = (21..30)
        .find(|&b| same_stream(&events[20], &events[b]))
        .unwrap();
    swap_contents(&mut lines, 20, b as u64);
    let position = position_at_leaf(&lines, 20);
    caught_by_both(&lines, "swapped-in-stream", Some(position), Breach::Missing);
}

/// Swaps the event lines at two leaves, places and all.
fn swap_lines(lines: &mut [Line], a: u64, b: u64) {
    let at = |lines: &[Line], leaf| {
        lines
            .iter()
            .position(|line| matches!(line, Line::Event(e) if e.leaf_index == leaf))
            .unwrap()
    };
    let (a, b) = (at(lines, a), at(lines, b));
    lines.swap(a, b);
}

#[test]
fn a_line_moved_later_leaves_its_leaf_missing() {
    let mut lines = exported();
    swap_lines(&mut lines, 13, 14);
    let too_early = position_at_leaf(&lines, 14);
    caught_by_both(&lines, "line-moved", Some(too_early), Breach::Missing);
}

#[test]
fn a_line_moved_later_and_renumbered_is_reordered() {
    let mut lines = exported();
    swap_lines(&mut lines, 13, 14);
    let moved = position_at_leaf(&lines, 13);
    renumber(&mut lines);
    caught_by_both(
        &lines,
        "line-moved-renumbered",
        Some(moved),
        Breach::Reordered,
    );
}

#[test]
fn a_tail_cut_after_a_checkpoint_is_truncated() {
    let mut lines = exported();
    lines.retain(|line| !matches!(line, Line::Event(event) if event.leaf_index >= 24));
    let last = position_at_leaf(&lines, 23);
    let breach = Breach::Truncated { tree_size: 32 };
    caught_by_both(&lines, "truncated", Some(last), breach);
}

#[test]
fn a_checkpoint_signed_by_another_key_is_a_bad_signature() {
    let mut lines = exported();
    let forged = checkpoints(&log(EVENTS), EVERY, &other_key());
    *checkpoint_of(&mut lines, 16) = forged[1].clone();
    let breach = Breach::BadSignature { tree_size: 16 };
    caught_by_both(&lines, "resigned-checkpoint", None, breach);
}

/// An attacker who rewrote an event and the whole tree, and signed it all with their own key.
fn forged_by_another_key(header_key: [u8; 32]) -> Vec<Line> {
    let mut events = log(EVENTS);
    events[13].payload = events[13].payload.replacen("\"n\"", "\"m\"", 1);
    rechain(&mut events);
    let mut lines = vec![Line::Header(Header::new(
        &header_key,
        true,
        "2025-01-03T00:00:00Z".to_owned(),
    ))];
    let forged = checkpoints(&events, EVERY, &other_key());
    lines.extend(forged.into_iter().map(Line::Checkpoint));
    lines.extend(events.into_iter().map(Line::Event));
    lines
}

#[test]
fn a_log_signed_again_by_another_key_is_refused() {
    let other = public_key(&other_key());
    let claims_its_key = forged_by_another_key(other);
    caught_by_both(&claims_its_key, "replaced-key", None, Breach::KeyMismatch);
    let claims_ours = forged_by_another_key(trusted());
    let breach = Breach::BadSignature { tree_size: 8 };
    caught_by_both(&claims_ours, "replaced-key-claims-ours", None, breach);
    assert_ne!(public_key(&key()), other);
}

#[test]
fn an_altered_consistency_proof_is_inconsistent() {
    let mut lines = exported();
    flip(&mut checkpoint_of(&mut lines, 24).consistency[0]);
    let breach = Breach::Inconsistent { from: 16, to: 24 };
    caught_by_both(&lines, "altered-consistency", None, breach);
}

fn partial_of_space_a() -> Vec<Line> {
    partial(&log(EVENTS), EVERY, |event| {
        event.space_id.as_deref() == Some(SPACE_A)
    })
}

fn first_proved(lines: &mut [Line]) -> &mut EventLine {
    events_of(lines)
        .find(|event| event.proof.is_some())
        .unwrap()
}

#[test]
fn an_altered_inclusion_proof_is_not_included() {
    let mut lines = partial_of_space_a();
    let event = events_of(&mut lines)
        .find(|e| e.leaf_index > 20 && e.leaf_index < 40)
        .unwrap();
    let proof = event.proof.as_mut().unwrap();
    let last = proof.len() - 1;
    flip(&mut proof[last]);
    let position = event.position;
    let expected = Failure {
        position: Some(position),
        breach: Breach::NotIncluded,
    };
    assert_eq!(rust_verdict(&lines), Err(expected));
}

#[test]
fn a_removed_inclusion_proof_is_not_included() {
    let mut lines = partial_of_space_a();
    let event = first_proved(&mut lines);
    event.proof = None;
    let position = event.position;
    let expected = Failure {
        position: Some(position),
        breach: Breach::NotIncluded,
    };
    assert_eq!(rust_verdict(&lines), Err(expected));
}

#[test]
fn an_edit_in_a_partial_export_with_its_hashes_recomputed_is_not_included() {
    let mut lines = partial_of_space_a();
    let mut events: Vec<EventLine> = events_of(&mut lines).map(|event| event.clone()).collect();
    let target = events.iter().position(|e| e.leaf_index > 10).unwrap();
    events[target].payload = events[target].payload.replacen("\"n\"", "\"m\"", 1);
    let leaf_indexes: Vec<u64> = events.iter().map(|e| e.leaf_index).collect();
    rechain(&mut events);
    for ((line, event), leaf_index) in events_of(&mut lines).zip(events).zip(leaf_indexes) {
        *line = EventLine {
            leaf_index,
            proof: line.proof.clone(),
            ..event
        };
    }
    let position = position_of_nth_event(&lines, target);
    let expected = Failure {
        position: Some(position),
        breach: Breach::NotIncluded,
    };
    assert_eq!(rust_verdict(&lines), Err(expected));
}

fn position_of_nth_event(lines: &[Line], n: usize) -> i64 {
    let mut events = lines.iter().filter_map(|line| match line {
        Line::Event(event) => Some(event.position),
        _ => None,
    });
    events.nth(n).unwrap()
}
