//! Each pattern of the contract accepts exactly what its parser accepts, on every string of up
//! to three characters drawn from ones that tell parsers apart, and on strings at the limits.
//! (Rust's `regex` reads these patterns as ECMA-262 does, lookaheads aside.)

use super::*;
use lyceum_domain::engagement::{MAX_REASON, optional_reason};
use lyceum_domain::payment::method::PaymentMethod;
use lyceum_domain::values::{Email, bounded_text};
use lyceum_projections::content::search::search_terms;
use regex::Regex;

/// ASCII classes, whitespace of every kind, and look-alikes of letters parsers care about.
const PROBES: &[char] = &[
    'a',
    'f',
    'z',
    'A',
    'F',
    'Z',
    '0',
    '9',
    '-',
    '_',
    '@',
    '.',
    ':',
    '!',
    '~',
    '+',
    ' ',
    '\t',
    '\n',
    '\u{0}',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{2028}',
    '\u{3000}',
    '\u{feff}',
    '\u{200b}',
    'é',
    'ı',
    '\u{212a}',
    'O',
    'o',
    'I',
    'l',
    'U',
    's',
    '٣',
    '\u{1d400}',
];

/// Every string of at most three probes.
fn short_strings() -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..3 {
        last = last
            .iter()
            .flat_map(|s| PROBES.iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

/// `body` with every kind of padding the parsers trim, and none.
fn padded(body: &str) -> Vec<String> {
    ["", " ", "\t\n", "\u{3000}", "\u{feff}"]
        .iter()
        .map(|pad| format!("{pad}{body}{pad}"))
        .collect()
}

fn regex(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(re) => re,
        Err(e) => panic!("{pattern} is not a pattern: {e}"),
    }
}

/// `pattern` matches exactly the strings of `corpus` that `accepts`.
fn agrees(pattern: &str, accepts: impl Fn(&str) -> bool, corpus: &[String]) {
    let re = regex(pattern);
    for s in corpus {
        assert_eq!(re.is_match(s), accepts(s), "{pattern} on {s:?}");
    }
}

#[test]
fn space_is_what_trim_strips() {
    let (space, ink) = (
        regex(&format!("^{}$", *SPACE)),
        regex(&format!("^{}$", *INK)),
    );
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let s = c.to_string();
        assert_eq!(space.is_match(&s), c.is_whitespace(), "{c:?}");
        if u32::from(c) <= 0xFFFF {
            assert_eq!(ink.is_match(&s), !c.is_whitespace(), "{c:?}");
        }
    }
}

#[test]
fn text_is_bounded_text() {
    let mut corpus = short_strings();
    for n in [199, 200, 201] {
        corpus.extend(padded(&format!("a{}b", " ".repeat(n - 2))));
    }
    for max in [1, 2, 3, 200] {
        agrees(
            &text(max, false),
            |s| bounded_text("field", s, max).is_ok(),
            &corpus,
        );
        agrees(
            &text(max, true),
            |s| s.trim().chars().count() <= max,
            &corpus,
        );
    }
    let mut reasons = short_strings();
    reasons.extend(padded(&"é".repeat(MAX_REASON)));
    reasons.extend(padded(&"é".repeat(MAX_REASON + 1)));
    agrees(
        &text(MAX_REASON, true),
        |s| optional_reason("reason", Some(s.to_owned())).is_ok(),
        &reasons,
    );
}

#[test]
fn slug_is_a_slug() {
    let (handle, uuids) = slug_parts();
    let handle = regex(&format!("^{handle}$"));
    let uuids = uuids.map(|u| regex(&format!("^{u}$")));
    let mut corpus = short_strings();
    let uuid = "0190a4d6-7c4b-7e1a-9a3c-2f1e4b5d6c7e";
    corpus.extend([
        uuid.to_owned(),
        uuid.replace('-', ""),
        uuid.replace('-', "x"),
        format!("{uuid}a"),
        "a".repeat(63),
        "a".repeat(64),
        format!("a{}a", "-".repeat(61)),
    ]);
    for s in &corpus {
        let matches = handle.is_match(s) && !uuids.iter().any(|u| u.is_match(s));
        assert_eq!(matches, Slug::parse(s).is_ok(), "{s:?}");
    }
}

#[test]
fn codes_are_what_their_parsers_take() {
    let mut corpus = short_strings();
    for body in [
        "EUR",
        "eur",
        "SUMMER-24",
        "summer-24",
        "A".repeat(32).as_str(),
    ] {
        corpus.extend(padded(body));
    }
    corpus.extend(padded(&"A".repeat(33)));
    corpus.extend(padded("8ZK3W1QH7M2D"));
    corpus.extend(padded("8zk3w1qh7m2d"));
    corpus.extend(padded("OIL3W1QH7M2D"));
    corpus.extend(padded("UZK3W1QH7M2D"));
    corpus.extend(padded("8ZK3W1QH7M2"));
    agrees(&currency(), |s| Currency::parse(s).is_ok(), &corpus);
    agrees(&offer_code(), |s| OfferCode::parse(s).is_ok(), &corpus);
    agrees(
        &referral_code(),
        |s| ReferralCode::parse(s).is_ok(),
        &corpus,
    );
}

#[test]
fn email_is_an_email() {
    let mut corpus = short_strings();
    for local in ["a", "é", "a.b", "", "a b", "a@b"] {
        for domain in [
            "x.org", "x..y", ".x", "x.", "xorg", "x y.z", "é.fr", "x.y.z",
        ] {
            corpus.extend(padded(&format!("{local}@{domain}")));
        }
    }
    agrees(&email(), |s| Email::parse(s).is_ok(), &corpus);
}

#[test]
fn stripe_secret_is_what_the_service_takes() {
    let mut corpus = short_strings();
    for rest in ["abcd", "abc", "a b c d", "abcdé"] {
        corpus.extend(padded(&format!("{SECRET_PREFIX}{rest}")));
    }
    corpus.extend(padded(&format!("{SECRET_PREFIX}{}", "x".repeat(194))));
    corpus.extend(padded(&format!("{SECRET_PREFIX}{}", "x".repeat(195))));
    corpus.extend(padded("WHSEC_abcd"));
    // The check `service::stripe::add_secret` makes.
    let accepts = |s: &str| {
        let s = s.trim();
        s.starts_with(SECRET_PREFIX)
            && SECRET_LEN.contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_graphic())
    };
    agrees(&stripe_secret(), accepts, &corpus);
}

#[test]
fn payment_method_is_a_payment_method() {
    let mut corpus = short_strings();
    for body in [
        "tok_success",
        "stripe:",
        "STRIPE:",
        "Stripe:cus_1",
        "stripe: ",
    ] {
        corpus.extend(padded(body));
    }
    corpus.extend(padded(&"x".repeat(MAX_METHOD_LEN)));
    corpus.extend(padded(&"x".repeat(MAX_METHOD_LEN + 1)));
    let (method, bare) = payment_method_parts();
    let (method, bare) = (regex(&format!("^{method}$")), regex(&format!("^{bare}$")));
    for s in &corpus {
        let matches = method.is_match(s) && !bare.is_match(s);
        assert_eq!(matches, PaymentMethod::parse(s).is_ok(), "{s:?}");
    }
}

#[test]
fn position_is_what_the_feed_takes() {
    let mut corpus = short_strings();
    corpus.extend(
        [
            "-0", "-00", "+7", "+", "-", "-1", "0042", "+0042", "1.0", "1e3",
        ]
        .map(String::from),
    );
    corpus.push("9".repeat(18));
    corpus.push(format!("000{}", "9".repeat(18)));
    // The check `rest::events::list_events` makes (values of 19 digits aside: see `position`).
    let accepts = |s: &str| s.is_empty() || s.parse::<i64>().is_ok_and(|p| p >= 0);
    agrees(&position(), accepts, &corpus);
}

#[test]
fn search_words_hold_a_word() {
    // Astral letters aside: the class covers the Basic Multilingual Plane.
    let corpus: Vec<String> = short_strings()
        .into_iter()
        .filter(|s| s.chars().all(|c| u32::from(c) <= 0xFFFF))
        .collect();
    agrees(&search_words(), |s| !search_terms(s).is_empty(), &corpus);
}
