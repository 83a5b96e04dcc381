//! Building logs and their exports in memory, and running both verifiers on them.

use std::path::PathBuf;
use std::process::Command;

use lyceum_audit::checkpoint::{SigningKey, public_key, signing_key};
use lyceum_audit::merkle::{self, leaf_hash};
use lyceum_audit::{Checkpoint, Hash, event_hash};
use lyceum_verify::{Breach, CheckpointLine, EventLine, Failure, Header, Line, Summary};

pub const SPACE_A: &str = "0190f5a2-0000-7000-8000-00000000000a";
pub const SPACE_B: &str = "0190f5a2-0000-7000-8000-00000000000b";

/// The streams of the logs built here: aggregate type, id, and space.
const STREAMS: [(&str, &str, Option<&str>); 4] = [
    ("space", SPACE_A, Some(SPACE_A)),
    (
        "course",
        "0190f5a2-0000-7000-8000-0000000000c1",
        Some(SPACE_A),
    ),
    (
        "course",
        "0190f5a2-0000-7000-8000-0000000000c2",
        Some(SPACE_B),
    ),
    ("member", "0190f5a2-0000-7000-8000-0000000000d1", None),
];

/// The key that signs the checkpoints.
pub fn key() -> SigningKey {
    signing_key(&[7; 32])
}

/// Another key: an attacker's.
pub fn other_key() -> SigningKey {
    signing_key(&[8; 32])
}

/// The public key the auditor trusts.
pub fn trusted() -> [u8; 32] {
    public_key(&key())
}

/// `n` events of the four streams, interleaved, with gaps between positions; hashed, chained and
/// given leaf indexes. The last stream has no event from the 30th on.
pub fn log(n: u64) -> Vec<EventLine> {
    let mut events: Vec<EventLine> = (0..n).map(unhashed_event).collect();
    rechain(&mut events);
    events
}

fn unhashed_event(i: u64) -> EventLine {
    let streams = if i < 30 { 4 } else { 3 };
    let (aggregate_type, aggregate_id, space_id) = STREAMS[((i * 7 + i / 3) % streams) as usize];
    EventLine {
        position: 100 + 3 * i as i64 + (i % 2) as i64,
        leaf_index: i,
        event_id: format!("0190f5a2-7c1e-7b3a-9f00-{i:012}"),
        aggregate_type: aggregate_type.to_owned(),
        aggregate_id: aggregate_id.to_owned(),
        version: 0,
        event_type: "Happened".to_owned(),
        event_version: 1,
        payload: format!(r#"{{"n": {i}, "note": "Lycée ✓"}}"#),
        space_id: space_id.map(str::to_owned),
        actor: format!("user:{}", i % 5),
        correlation_id: format!("corr-{}", i / 2),
        causation_id: (i % 2 == 1).then(|| format!("cause-{i}")),
        request_id: format!("req-{i}"),
        recorded_at: format!("2025-01-02T03:{:02}:{:02}.123456Z", i / 60, i % 60),
        // Some events happened at a business time of their own (an import's).
        occurred_at: i
            .is_multiple_of(3)
            .then(|| format!("2013-10-{:02}T00:00:00.000000Z", i % 28 + 1)),
        previous: String::new(),
        hash: String::new(),
        proof: None,
    }
}

/// Gives `events`, in this order, the leaf indexes, versions, previous hashes and hashes of an
/// honest log: what an attacker who can rewrite the database would produce.
pub fn rechain(events: &mut [EventLine]) {
    let mut heads: Vec<((String, String), i64, Hash)> = Vec::new();
    for (leaf_index, event) in events.iter_mut().enumerate() {
        let stream = (event.aggregate_type.clone(), event.aggregate_id.clone());
        let (version, previous) = match heads.iter().find(|(s, _, _)| *s == stream) {
            Some((_, version, hash)) => (version + 1, *hash),
            None => (1, Hash::ZERO),
        };
        event.leaf_index = leaf_index as u64;
        event.version = version;
        event.previous = previous.to_hex();
        let hash = event_hash(&previous, &event.fields());
        event.hash = hash.to_hex();
        heads.retain(|(s, _, _)| *s != stream);
        heads.push((stream, version, hash));
    }
}

/// The leaf hashes of `events`.
pub fn leaves(events: &[EventLine]) -> Vec<Hash> {
    events
        .iter()
        .map(|event| leaf_hash(&hash_of(event)))
        .collect()
}

pub fn hash_of(event: &EventLine) -> Hash {
    Hash::from_hex(&event.hash).unwrap()
}

/// Checkpoint lines every `every` events, signed by `key`, each with its consistency proof from
/// the one before.
pub fn checkpoints(events: &[EventLine], every: u64, key: &SigningKey) -> Vec<CheckpointLine> {
    let leaves = leaves(events);
    let sizes: Vec<u64> = (1..)
        .map(|k| k * every)
        .take_while(|&size| size <= leaves.len() as u64)
        .collect();
    let mut previous = None;
    sizes
        .iter()
        .map(|&size| {
            let tree = &leaves[..size as usize];
            let checkpoint = Checkpoint {
                tree_size: size,
                root: merkle::root(tree),
                time: format!("2025-01-02T04:{:02}:{:02}Z", size / 60, size % 60),
            };
            let consistency = match previous.replace(size) {
                Some(old) => merkle::consistency_proof(old, tree).unwrap(),
                None => Vec::new(),
            };
            CheckpointLine::new(&checkpoint, &checkpoint.sign(key), &consistency)
        })
        .collect()
}

/// A complete export of `events` with a checkpoint every `every` events.
pub fn complete(events: &[EventLine], every: u64) -> Vec<Line> {
    let header = Header::new(&trusted(), true, "2025-01-03T00:00:00Z".to_owned());
    let checkpoints = checkpoints(events, every, &key());
    assemble(header, checkpoints, events.to_vec())
}

/// A partial export of the events `keep` selects, with a checkpoint every `every` events of
/// the whole log, and each selected event's inclusion proof in the last one's tree.
pub fn partial(events: &[EventLine], every: u64, keep: impl Fn(&EventLine) -> bool) -> Vec<Line> {
    let header = Header::new(&trusted(), false, "2025-01-03T00:00:00Z".to_owned());
    let checkpoints = checkpoints(events, every, &key());
    let sealed = checkpoints.last().map_or(0, |c| c.tree_size);
    let leaves = leaves(events);
    let selected = events.iter().filter(|event| keep(event)).map(|event| {
        let proof = (event.leaf_index < sealed).then(|| {
            let tree = &leaves[..sealed as usize];
            let proof = merkle::inclusion_proof(event.leaf_index, tree).unwrap();
            proof.iter().map(Hash::to_hex).collect()
        });
        EventLine {
            proof,
            ..event.clone()
        }
    });
    assemble(header, checkpoints, selected.collect())
}

fn assemble(header: Header, checkpoints: Vec<CheckpointLine>, events: Vec<EventLine>) -> Vec<Line> {
    let checkpoints = checkpoints.into_iter().map(Line::Checkpoint);
    let events = events.into_iter().map(Line::Event);
    std::iter::once(Line::Header(header))
        .chain(checkpoints)
        .chain(events)
        .collect()
}

/// The export as NDJSON text.
pub fn ndjson(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|line| serde_json::to_string(line).unwrap() + "\n")
        .collect()
}

/// The event lines of an export, to tamper with.
pub fn events_of(lines: &mut [Line]) -> impl Iterator<Item = &mut EventLine> {
    lines.iter_mut().filter_map(|line| match line {
        Line::Event(event) => Some(event),
        _ => None,
    })
}

/// The checkpoint line of `tree_size`.
pub fn checkpoint_of(lines: &mut [Line], tree_size: u64) -> &mut CheckpointLine {
    let found = lines.iter_mut().find_map(|line| match line {
        Line::Checkpoint(checkpoint) if checkpoint.tree_size == tree_size => Some(checkpoint),
        _ => None,
    });
    found.unwrap()
}

/// The position of the event line at `leaf_index`.
pub fn position_at_leaf(lines: &[Line], leaf_index: u64) -> i64 {
    let found = lines.iter().find_map(|line| match line {
        Line::Event(event) if event.leaf_index == leaf_index => Some(event.position),
        _ => None,
    });
    found.unwrap()
}

/// The Rust verifier's verdict.
pub fn rust_verdict(lines: &[Line]) -> Result<Summary, Failure> {
    lyceum_verify::verify(trusted(), ndjson(lines).as_bytes()).unwrap()
}

/// What `docs/verify.py` says of the export: its exit code and its output.
pub fn python_verdict(lines: &[Line], name: &str) -> (i32, String) {
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.ndjson"));
    std::fs::write(&file, ndjson(lines)).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/verify.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(lyceum_audit::checkpoint::public_key_to_hex(&trusted()))
        .arg(&file)
        .output()
        .expect("python3 runs docs/verify.py");
    std::fs::remove_file(&file).unwrap();
    let text =
        String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
    (output.status.code().unwrap_or(-1), text)
}

/// Both verifiers refuse the complete export `lines` at `position` for `breach`.
pub fn caught_by_both(lines: &[Line], name: &str, position: Option<i64>, breach: Breach) {
    let expected_start = match position {
        Some(position) => format!("FAILED at position {position}: {}: ", breach.name()),
        None => format!("FAILED: {}: ", breach.name()),
    };
    assert_eq!(
        rust_verdict(lines),
        Err(Failure { position, breach }),
        "{name}"
    );
    let (code, text) = python_verdict(lines, name);
    assert_eq!(code, 1, "{name}: {text}");
    assert!(
        text.starts_with(&expected_start),
        "{name}: expected {expected_start:?}, got {text:?}"
    );
}
