//! Stripe webhook signatures. The `Stripe-Signature` header is `t=<unix seconds>,v1=<hex>`,
//! possibly with several `v1` entries (while a secret rotates) and other schemes we ignore
//! (`v0`). Each `v1` is HMAC-SHA256, keyed with an endpoint secret, over `"{t}.{raw body}"`.
//!
//! A request is accepted when any `v1` matches under any configured secret, so an old and a new
//! secret can both be live during rotation. The signature is checked before the timestamp, so
//! [`SignatureError::Stale`] only ever reports an authentic but old (or future) delivery, which
//! is what a replay looks like. Lyceum's outgoing webhooks use the same scheme, so [`sign`]
//! serves both them and test fixtures.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far (in seconds, either way) a signature's timestamp may be from now: Stripe's default.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// What every Stripe webhook signing secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";
/// How long a signing secret may be, in characters (visible ASCII, prefix included) once trimmed.
pub const SECRET_LEN: std::ops::RangeInclusive<usize> = 10..=200;

/// The length in bytes of an HMAC-SHA256 tag.
const TAG_LEN: usize = 32;

/// Why a webhook's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not `t=…,v1=…`: no timestamp, several timestamps, no `v1`, or a `v1` that
    /// is not 64 hex digits.
    #[error("the signature header is malformed")]
    Malformed,
    /// No `v1` matches the body under any configured secret.
    #[error("no signature matches the payload")]
    Mismatch,
    /// The signature is authentic but its timestamp is too far from now: a replay, or a badly
    /// wrong clock on one side.
    #[error("the signature timestamp {timestamp} is more than {tolerance_secs} s from now ({now})")]
    Stale {
        timestamp: i64,
        now: i64,
        tolerance_secs: i64,
    },
}

/// The parts of a `Stripe-Signature` header we use.
struct Header<'a> {
    /// The timestamp exactly as sent: the signed payload uses these bytes.
    raw_timestamp: &'a str,
    timestamp: i64,
    signatures: Vec<[u8; TAG_LEN]>,
}

fn parse_header(header: &str) -> Result<Header<'_>, SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        let (key, value) = item
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                if timestamp.is_some()
                    || value.is_empty()
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(SignatureError::Malformed);
                }
                let parsed: i64 = value.parse().map_err(|_| SignatureError::Malformed)?;
                timestamp = Some((value, parsed));
            }
            "v1" => {
                let mut tag = [0u8; TAG_LEN];
                hex::decode_to_slice(value, &mut tag).map_err(|_| SignatureError::Malformed)?;
                signatures.push(tag);
            }
            // Other schemes (v0 is Stripe's test-mode scheme) are not trusted.
            _ => {}
        }
    }
    match timestamp {
        Some((raw_timestamp, timestamp)) if !signatures.is_empty() => Ok(Header {
            raw_timestamp,
            timestamp,
            signatures,
        }),
        _ => Err(SignatureError::Malformed),
    }
}

/// A MAC over `"{timestamp}.{body}"` keyed with `secret`, ready to finalize or verify.
fn signed_payload_mac(secret: &str, raw_timestamp: &str, body: &[u8]) -> Option<HmacSha256> {
    // HMAC takes keys of any length, so this never fails in practice.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(raw_timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// Checks a `Stripe-Signature` header value against the raw request body and returns the
/// signed timestamp. Empty secrets are ignored, so an unset secret never verifies anything.
/// `tolerance_secs` below zero counts as zero.
pub fn verify_signature(
    header: &str,
    body: &[u8],
    secrets: &[&str],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<i64, SignatureError> {
    let header = parse_header(header)?;
    let matched = secrets
        .iter()
        .filter(|secret| !secret.is_empty())
        .filter_map(|secret| signed_payload_mac(secret, header.raw_timestamp, body))
        .any(|mac| {
            header
                .signatures
                .iter()
                // `verify_slice` compares in constant time.
                .any(|tag| mac.clone().verify_slice(tag).is_ok())
        });
    if !matched {
        return Err(SignatureError::Mismatch);
    }
    let tolerance = tolerance_secs.max(0);
    if now_unix.abs_diff(header.timestamp) > tolerance.unsigned_abs() {
        return Err(SignatureError::Stale {
            timestamp: header.timestamp,
            now: now_unix,
            tolerance_secs: tolerance,
        });
    }
    Ok(header.timestamp)
}

/// Builds a `Stripe-Signature` header value (`t=…,v1=…`) for `body` signed at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let raw_timestamp = timestamp.to_string();
    let tag = signed_payload_mac(secret, &raw_timestamp, body)
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default();
    format!("t={raw_timestamp},v1={tag}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"id":"evt_1","type":"invoice.paid"}"#;
    const NOW: i64 = 1_700_000_000;
    const SECRET: &str = "whsec_test_current";
    const OLD_SECRET: &str = "whsec_test_previous";

    fn verify(header: &str, body: &[u8], secrets: &[&str]) -> Result<i64, SignatureError> {
        verify_signature(header, body, secrets, NOW, DEFAULT_TOLERANCE_SECS)
    }

    #[test]
    fn a_valid_signature_returns_its_timestamp() {
        let header = sign(SECRET, NOW - 10, BODY);
        assert_eq!(verify(&header, BODY, &[SECRET]), Ok(NOW - 10));
    }

    #[test]
    fn signing_matches_a_known_hmac_vector() {
        // HMAC-SHA256("key", "1.{}"), computed independently with openssl.
        assert_eq!(
            sign("key", 1, b"{}"),
            "t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
        );
    }

    #[test]
    fn any_secret_may_match_during_rotation() {
        let signed_with_old = sign(OLD_SECRET, NOW, BODY);
        assert_eq!(
            verify(&signed_with_old, BODY, &[SECRET, OLD_SECRET]),
            Ok(NOW)
        );
        assert_eq!(
            verify(&signed_with_old, BODY, &[SECRET]),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn any_v1_may_match() {
        let good = sign(SECRET, NOW, BODY);
        let good_tag = good
            .split_once(",v1=")
            .map(|(_, tag)| tag)
            .unwrap_or_default();
        let bad_tag = "0".repeat(64);
        let header = format!("t={NOW},v1={bad_tag},v1={good_tag},v0={bad_tag}");
        assert_eq!(verify(&header, BODY, &[SECRET]), Ok(NOW));
    }

    #[test]
    fn stale_and_future_timestamps_are_refused() {
        let stale = sign(SECRET, NOW - DEFAULT_TOLERANCE_SECS - 1, BODY);
        assert_eq!(
            verify(&stale, BODY, &[SECRET]),
            Err(SignatureError::Stale {
                timestamp: NOW - DEFAULT_TOLERANCE_SECS - 1,
                now: NOW,
                tolerance_secs: DEFAULT_TOLERANCE_SECS,
            })
        );
        let future = sign(SECRET, NOW + DEFAULT_TOLERANCE_SECS + 1, BODY);
        assert!(matches!(
            verify(&future, BODY, &[SECRET]),
            Err(SignatureError::Stale { .. })
        ));
        let edge = sign(SECRET, NOW - DEFAULT_TOLERANCE_SECS, BODY);
        assert_eq!(
            verify(&edge, BODY, &[SECRET]),
            Ok(NOW - DEFAULT_TOLERANCE_SECS)
        );
    }

    #[test]
    fn a_tampered_body_or_timestamp_is_a_mismatch() {
        let header = sign(SECRET, NOW, BODY);
        let tampered = br#"{"id":"evt_1","type":"invoice.paid","x":1}"#;
        assert_eq!(
            verify(&header, tampered, &[SECRET]),
            Err(SignatureError::Mismatch)
        );
        let moved = header.replacen(&format!("t={NOW}"), &format!("t={}", NOW + 1), 1);
        assert_eq!(
            verify(&moved, BODY, &[SECRET]),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn no_or_empty_secrets_never_verify() {
        let header = sign("", NOW, BODY);
        assert_eq!(verify(&header, BODY, &[]), Err(SignatureError::Mismatch));
        assert_eq!(verify(&header, BODY, &[""]), Err(SignatureError::Mismatch));
    }

    #[test]
    fn malformed_headers_are_refused() {
        let tag = "a".repeat(64);
        for header in [
            String::new(),
            "garbage".to_owned(),
            format!("v1={tag}"),
            format!("t={NOW}"),
            format!("t={NOW},v0={tag}"),
            format!("t=abc,v1={tag}"),
            format!("t=-5,v1={tag}"),
            format!("t={NOW},t={NOW},v1={tag}"),
            format!("t={NOW},v1=zz"),
            format!("t={NOW},v1={}", "a".repeat(62)),
            format!("t={NOW},v1"),
        ] {
            assert_eq!(
                verify(&header, BODY, &[SECRET]),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
    }

    #[test]
    fn spaces_after_commas_are_tolerated() {
        let header = sign(SECRET, NOW, BODY).replace(',', ", ");
        assert_eq!(verify(&header, BODY, &[SECRET]), Ok(NOW));
    }
}
