//! The canonical encoding of a stored event, and the hash chain that links each stream's events.
//!
//! Each event's hash covers the hash of the event before it in the same stream (same
//! `aggregate_type` and `aggregate_id`, version one lower), so rewriting, removing or reordering
//! an event changes the hash of every later event of its stream. The global Merkle tree (see
//! [`crate::merkle`]) then takes `leaf_hash(event_hash)` of every event, in position order, which
//! binds the position that this hash leaves out: positions are allocated concurrently, after the
//! event's hash could be known.
//!
//! # Encoding `lyceum-event-v1`
//!
//! `event_hash = SHA-256(bytes)`, where `bytes` is the concatenation of
//!
//! 1. the 15 ASCII bytes `lyceum-event-v1`, then one byte `0x00`;
//! 2. the 32 bytes of the previous event's hash in the same stream, or 32 zero bytes for the
//!    event with version 1;
//! 3. these 13 fields, in this order:
//!
//! | #  | field            | type          |
//! |----|------------------|---------------|
//! | 1  | `event_id`       | text          |
//! | 2  | `aggregate_type` | text          |
//! | 3  | `aggregate_id`   | text          |
//! | 4  | `version`        | integer       |
//! | 5  | `event_type`     | text          |
//! | 6  | `event_version`  | integer       |
//! | 7  | `payload`        | text          |
//! | 8  | `space_id`       | optional text |
//! | 9  | `actor`          | text          |
//! | 10 | `correlation_id` | text          |
//! | 11 | `causation_id`   | optional text |
//! | 12 | `request_id`     | text          |
//! | 13 | `recorded_at`    | text          |
//!
//! and, only for an event stored with a business time of its own, a 14th field:
//!
//! | #  | field            | type          |
//! |----|------------------|---------------|
//! | 14 | `occurred_at`    | text          |
//!
//! An event without one occurred when it was recorded, and encodes exactly as before business
//! time existed, so the hashes of events stored earlier stay what they were.
//!
//! each encoded by its type:
//!
//! - **text**: the number of bytes of its UTF-8 encoding as a 4-byte unsigned big-endian
//!   integer, then those bytes. The bytes are exactly the ones stored, with no normalization,
//!   trimming or re-serialization; in particular `payload` is the JSON text as stored, never
//!   parsed and printed again.
//! - **integer**: the signed 64-bit value as 8 bytes, big-endian two's complement.
//! - **optional text**: one byte `0x00` for a missing value (SQL `NULL`); otherwise one byte
//!   `0x01` followed by the text encoding. An empty text is therefore not the same as a
//!   missing one.
//!
//! The event's position in the global log is not encoded.
//!
//! The same computation in Python, for an auditor (`previous` is 32 bytes, `e` a dict of the
//! fields, `None` for `NULL`):
//!
//! ```python
//! import hashlib, struct
//!
//! def text(s):
//!     b = s.encode("utf-8")
//!     return struct.pack(">I", len(b)) + b
//!
//! def integer(i):
//!     return struct.pack(">q", i)
//!
//! def optional(s):
//!     return b"\x00" if s is None else b"\x01" + text(s)
//!
//! def event_hash(previous, e):
//!     return hashlib.sha256(
//!         b"lyceum-event-v1\x00" + previous
//!         + text(e["event_id"]) + text(e["aggregate_type"]) + text(e["aggregate_id"])
//!         + integer(e["version"]) + text(e["event_type"]) + integer(e["event_version"])
//!         + text(e["payload"]) + optional(e["space_id"]) + text(e["actor"])
//!         + text(e["correlation_id"]) + optional(e["causation_id"])
//!         + text(e["request_id"]) + text(e["recorded_at"])
//!         + (b"" if e.get("occurred_at") is None else text(e["occurred_at"]))
//!     ).digest()
//! ```

use crate::Hash;

/// The domain tag that starts every encoded event, NUL included.
const DOMAIN_TAG: &[u8] = b"lyceum-event-v1\0";

/// The hashed fields of a stored event, borrowed as the text stored in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFields<'a> {
    pub event_id: &'a str,
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub version: i64,
    pub event_type: &'a str,
    pub event_version: i64,
    pub payload: &'a str,
    pub space_id: Option<&'a str>,
    pub actor: &'a str,
    pub correlation_id: &'a str,
    pub causation_id: Option<&'a str>,
    pub request_id: &'a str,
    pub recorded_at: &'a str,
    /// The business time, when it was stored apart from `recorded_at` (an import's, or an
    /// injected clock's); `None` when the event occurred as it was recorded.
    pub occurred_at: Option<&'a str>,
}

/// The hash of an event chained to `previous`, the hash of the same stream's event before it
/// ([`Hash::ZERO`] for version 1): SHA-256 of [`canonical_bytes`].
///
/// # Panics
///
/// If a text field is 4 GiB or longer, which the 4-byte length cannot express. (A PostgreSQL
/// text value is at most 1 GB.)
pub fn event_hash(previous: &Hash, fields: &EventFields) -> Hash {
    Hash::sha256(&[&canonical_bytes(previous, fields)])
}

/// The bytes [`event_hash`] hashes, as the [module documentation](self) describes them; useful
/// to compare byte for byte with another implementation.
///
/// # Panics
///
/// As [`event_hash`].
pub fn canonical_bytes(previous: &Hash, fields: &EventFields) -> Vec<u8> {
    let mut out = Encoder(Vec::with_capacity(256 + fields.payload.len()));
    out.bytes(DOMAIN_TAG);
    out.bytes(&previous.0);
    out.text(fields.event_id);
    out.text(fields.aggregate_type);
    out.text(fields.aggregate_id);
    out.integer(fields.version);
    out.text(fields.event_type);
    out.integer(fields.event_version);
    out.text(fields.payload);
    out.optional(fields.space_id);
    out.text(fields.actor);
    out.text(fields.correlation_id);
    out.optional(fields.causation_id);
    out.text(fields.request_id);
    out.text(fields.recorded_at);
    if let Some(occurred_at) = fields.occurred_at {
        out.text(occurred_at);
    }
    out.0
}

/// Appends the field encodings of the module documentation.
struct Encoder(Vec<u8>);

impl Encoder {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn text(&mut self, text: &str) {
        let Ok(length) = u32::try_from(text.len()) else {
            panic!("a {}-byte text is too long to encode", text.len());
        };
        self.bytes(&length.to_be_bytes());
        self.bytes(text.as_bytes());
    }

    fn integer(&mut self, value: i64) {
        self.bytes(&value.to_be_bytes());
    }

    fn optional(&mut self, text: Option<&str>) {
        match text {
            None => self.0.push(0x00),
            Some(text) => {
                self.0.push(0x01);
                self.text(text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> EventFields<'static> {
        EventFields {
            event_id: "0190f5a2-7c1e-7b3a-9f00-1c2d3e4f5a6b",
            aggregate_type: "space",
            aggregate_id: "0190f5a2-0000-7000-8000-000000000001",
            version: 2,
            event_type: "SpaceRenamed",
            event_version: 1,
            payload: r#"{"name": "Lycée ✓"}"#,
            space_id: Some("0190f5a2-0000-7000-8000-000000000001"),
            actor: "user:42",
            correlation_id: "0190f5a2-0000-7000-8000-0000000000c0",
            causation_id: None,
            request_id: "req-7",
            recorded_at: "2025-01-02T03:04:05.678901Z",
            occurred_at: None,
        }
    }

    /// Pinned from the Python of the module documentation, run on these fields with
    /// `previous = hashlib.sha256(b"previous").digest()`.
    #[test]
    fn test_vector() {
        let previous = Hash::sha256(&[b"previous"]);
        assert_eq!(
            event_hash(&previous, &sample()).to_hex(),
            "b285181e65fbe83a56bb5b6e691326cc5290fb1b8a9b3c2282adfbe2b45c93e5"
        );
        let first = EventFields {
            version: 1,
            ..sample()
        };
        assert_eq!(
            event_hash(&Hash::ZERO, &first).to_hex(),
            "86c860ab45e844a69e9465086e869c2ed71c18c91825bb9b823256fc29e13fa7"
        );
        let backdated = EventFields {
            occurred_at: Some("2013-10-05T00:00:00.000000Z"),
            ..sample()
        };
        assert_eq!(
            event_hash(&previous, &backdated).to_hex(),
            "ad4ccd85da87d213adc6abb7d053ca586464bd3a5d4e7f4dee23b7d6eaa9f067"
        );
    }

    #[test]
    fn the_encoding_is_laid_out_as_documented() {
        let fields = EventFields {
            event_id: "e",
            aggregate_type: "",
            aggregate_id: "a",
            version: -1,
            event_type: "t",
            event_version: 258,
            payload: "{}",
            space_id: None,
            actor: "x",
            correlation_id: "c",
            causation_id: Some(""),
            request_id: "r",
            recorded_at: "z",
            occurred_at: None,
        };
        let mut expected = b"lyceum-event-v1\0".to_vec();
        expected.extend([7; 32]);
        expected.extend(b"\0\0\0\x01e");
        expected.extend(b"\0\0\0\0");
        expected.extend(b"\0\0\0\x01a");
        expected.extend([0xff; 8]);
        expected.extend(b"\0\0\0\x01t");
        expected.extend(b"\0\0\0\0\0\0\x01\x02");
        expected.extend(b"\0\0\0\x02{}");
        expected.extend(b"\0");
        expected.extend(b"\0\0\0\x01x");
        expected.extend(b"\0\0\0\x01c");
        expected.extend(b"\x01\0\0\0\0");
        expected.extend(b"\0\0\0\x01r");
        expected.extend(b"\0\0\0\x01z");
        assert_eq!(canonical_bytes(&Hash([7; 32]), &fields), expected);
        let occurred = EventFields {
            occurred_at: Some("o"),
            ..fields
        };
        expected.extend(b"\0\0\0\x01o");
        assert_eq!(canonical_bytes(&Hash([7; 32]), &occurred), expected);
    }

    #[test]
    fn every_field_and_the_previous_hash_change_the_hash() {
        let base = sample();
        let previous = Hash::sha256(&[b"previous"]);
        let changed: Vec<(&str, EventFields)> = vec![
            (
                "event_id",
                EventFields {
                    event_id: "0190f5a2-7c1e-7b3a-9f00-1c2d3e4f5a6c",
                    ..base
                },
            ),
            (
                "aggregate_type",
                EventFields {
                    aggregate_type: "course",
                    ..base
                },
            ),
            (
                "aggregate_id",
                EventFields {
                    aggregate_id: "other",
                    ..base
                },
            ),
            ("version", EventFields { version: 3, ..base }),
            (
                "event_type",
                EventFields {
                    event_type: "SpaceCreated",
                    ..base
                },
            ),
            (
                "event_version",
                EventFields {
                    event_version: 2,
                    ..base
                },
            ),
            (
                "payload",
                EventFields {
                    payload: r#"{"name":"Lycée ✓"}"#,
                    ..base
                },
            ),
            (
                "space_id",
                EventFields {
                    space_id: None,
                    ..base
                },
            ),
            (
                "space_id",
                EventFields {
                    space_id: Some(""),
                    ..base
                },
            ),
            (
                "actor",
                EventFields {
                    actor: "user:43",
                    ..base
                },
            ),
            (
                "correlation_id",
                EventFields {
                    correlation_id: "x",
                    ..base
                },
            ),
            (
                "causation_id",
                EventFields {
                    causation_id: Some(""),
                    ..base
                },
            ),
            (
                "request_id",
                EventFields {
                    request_id: "req-8",
                    ..base
                },
            ),
            (
                "recorded_at",
                EventFields {
                    recorded_at: "2025-01-02T03:04:05.678902Z",
                    ..base
                },
            ),
            (
                "occurred_at",
                EventFields {
                    occurred_at: Some("2013-10-05T00:00:00.000000Z"),
                    ..base
                },
            ),
        ];
        let original = event_hash(&previous, &base);
        for (field, fields) in changed {
            assert_ne!(event_hash(&previous, &fields), original, "changing {field}");
        }
        assert_ne!(
            event_hash(&Hash::ZERO, &base),
            original,
            "changing the previous hash"
        );
    }

    #[test]
    fn moving_bytes_between_neighbouring_fields_changes_the_hash() {
        let base = EventFields {
            aggregate_type: "ab",
            aggregate_id: "c",
            ..sample()
        };
        let moved = EventFields {
            aggregate_type: "a",
            aggregate_id: "bc",
            ..sample()
        };
        assert_ne!(
            event_hash(&Hash::ZERO, &base),
            event_hash(&Hash::ZERO, &moved)
        );
    }
}
