//! ECMA-262 regular expressions (the dialect of JSON Schema's `pattern`) that accept exactly the
//! strings the domain's parsers accept. Each is built from the parser's own constants, and each
//! character class from the parser itself or the predicate it uses (`char::is_whitespace` for
//! what `trim` strips, `char::is_alphanumeric` for search words), so the contract cannot drift
//! from the code. Classes are written as `\uXXXX` escapes, which ECMA-262 and Python's `re` read
//! alike, and cover the Basic Multilingual Plane.

use lyceum_domain::external_id::{EXTERNAL_ID_LEN, ExternalId};
use lyceum_domain::membership::offer::{CODE_LEN, OfferCode};
use lyceum_domain::membership::referral::{LENGTH as REFERRAL_LEN, ReferralCode};
use lyceum_domain::payment::method::{MAX_LEN as MAX_METHOD_LEN, STRIPE_PREFIX};
use lyceum_domain::payment::stripe::{SECRET_LEN, SECRET_PREFIX};
use lyceum_domain::values::{CURRENCY_LEN, Currency, SLUG_LEN, Slug};
use std::sync::LazyLock;

/// The BMP characters for which `member` holds, as a class body: ASCII letters and digits as
/// they are, anything else as `\uXXXX`, runs as ranges.
fn members(member: impl Fn(char) -> bool) -> String {
    let chars = (0..=0xFFFF_u32).filter_map(char::from_u32);
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for code in chars.filter(|c| member(*c)).map(u32::from) {
        match runs.last_mut() {
            Some((_, to)) if *to + 1 == code => *to = code,
            _ => runs.push((code, code)),
        }
    }
    runs.into_iter()
        .map(|(from, to)| match to - from {
            0 => escaped(from),
            1 => format!("{}{}", escaped(from), escaped(to)),
            _ => format!("{}-{}", escaped(from), escaped(to)),
        })
        .collect()
}

/// A character as a pattern writes it inside a class.
fn escaped(code: u32) -> String {
    match char::from_u32(code) {
        Some(c) if c.is_ascii_alphanumeric() => c.to_string(),
        _ => format!("\\u{code:04X}"),
    }
}

/// `[…]`: one of the characters for which `member` holds.
pub fn class(member: impl Fn(char) -> bool) -> String {
    format!("[{}]", members(member))
}

/// `[^…]`: one character for which `member` does not hold.
pub fn class_except(member: impl Fn(char) -> bool) -> String {
    format!("[^{}]", members(member))
}

/// What `str::trim` strips.
static SPACE: LazyLock<String> = LazyLock::new(|| class(char::is_whitespace));
/// Anything `str::trim` keeps.
static INK: LazyLock<String> = LazyLock::new(|| class_except(char::is_whitespace));

/// The whole string is `body`, maybe with whitespace around it (which the parser trims).
fn trimmed(body: &str) -> String {
    format!("^{}$", padded(body))
}

/// `body` with any whitespace around it.
fn padded(body: &str) -> String {
    let space = &*SPACE;
    format!("{space}*{body}{space}*")
}

/// One to `max` characters, the first and last not whitespace.
fn word(max: usize) -> String {
    let ink = &*INK;
    match max {
        0 | 1 => ink.clone(),
        _ => format!("{ink}(?:[\\s\\S]{{0,{}}}{ink})?", max - 2),
    }
}

/// Text of at most `max` characters once trimmed (`values::bounded_text` and its kin); blank
/// only if `blank` allows it.
pub fn text(max: usize, blank: bool) -> String {
    let word = word(max);
    trimmed(&if blank { format!("(?:{word})?") } else { word })
}

/// A space's slug ([`Slug::parse`]): never a UUID, in either of the forms `uuid` parses that a
/// slug's characters allow (hyphenated, or 32 hex digits).
pub fn slug() -> String {
    let (handle, [simple, hyphenated]) = slug_parts();
    format!("^(?!{simple}$)(?!{hyphenated}$){handle}$")
}

/// A slug's handle, and the two UUID forms it must not be.
fn slug_parts() -> (String, [String; 2]) {
    let edge = class(|c| Slug::parse(&c.to_string().repeat(*SLUG_LEN.start())).is_ok());
    let middle = class(|c| Slug::parse(&format!("a{c}a")).is_ok());
    let (min, max) = (SLUG_LEN.start() - 2, SLUG_LEN.end() - 2);
    let hex = "[0-9a-f]";
    (
        format!("{edge}{middle}{{{min},{max}}}{edge}"),
        [
            format!("{hex}{{32}}"),
            format!("{hex}{{8}}-{hex}{{4}}-{hex}{{4}}-{hex}{{4}}-{hex}{{12}}"),
        ],
    )
}

/// An ISO 4217 code as [`Currency::parse`] takes it.
pub fn currency() -> String {
    let letter = class(|c| Currency::parse(&c.to_string().repeat(CURRENCY_LEN)).is_ok());
    format!("^{letter}{{{CURRENCY_LEN}}}$")
}

/// An email address as `Email::parse` takes it: a non-empty local part, one `@`, and a domain
/// with a dot that neither starts nor ends with one; no whitespace inside.
pub fn email() -> String {
    let part = class_except(|c| c.is_whitespace() || c == '@');
    let edge = class_except(|c| c.is_whitespace() || c == '@' || c == '.');
    trimmed(&format!("{part}+@{edge}{part}*\\.{part}*{edge}"))
}

/// An offer code ([`OfferCode::parse`]): case does not matter.
pub fn offer_code() -> String {
    let char = class(|c| OfferCode::parse(&c.to_string().repeat(*CODE_LEN.start())).is_ok());
    trimmed(&format!(
        "{char}{{{},{}}}",
        CODE_LEN.start(),
        CODE_LEN.end()
    ))
}

/// An external id ([`ExternalId::parse`]): taken as sent, with nothing trimmed.
pub fn external_id() -> String {
    let char = class(|c| ExternalId::parse(&c.to_string()).is_ok());
    format!(
        "^{char}{{{},{}}}$",
        EXTERNAL_ID_LEN.start(),
        EXTERNAL_ID_LEN.end()
    )
}

/// A referral code ([`ReferralCode::parse`]): case does not matter, and O, I and L read as
/// digits.
pub fn referral_code() -> String {
    let char = class(|c| ReferralCode::parse(&c.to_string().repeat(REFERRAL_LEN)).is_ok());
    trimmed(&format!("{char}{{{REFERRAL_LEN}}}"))
}

/// A Stripe webhook signing secret: its prefix, then visible ASCII.
pub fn stripe_secret() -> String {
    let visible = class(|c| c.is_ascii_graphic());
    let (min, max) = (
        SECRET_LEN.start() - SECRET_PREFIX.len(),
        SECRET_LEN.end() - SECRET_PREFIX.len(),
    );
    trimmed(&format!(
        "{}{visible}{{{min},{max}}}",
        literal(SECRET_PREFIX)
    ))
}

/// A payment method (`PaymentMethod::parse`): non-blank, at most its maximum length once trimmed,
/// and not the bare Stripe prefix (in any case). The maximum counts bytes, the pattern
/// characters: the same for the ASCII tokens providers issue.
pub fn payment_method() -> String {
    let (method, bare) = payment_method_parts();
    format!("^(?!{bare}$){method}$")
}

/// A non-blank method, and the bare prefix it must not be (each to be matched whole).
fn payment_method_parts() -> (String, String) {
    (
        padded(&word(MAX_METHOD_LEN)),
        padded(&caseless(STRIPE_PREFIX)),
    )
}

/// What the webhook guard checks before it looks the host up: an `http` or `https` URL (the
/// scheme in any case) with a host. Whether the host is public needs DNS.
pub fn http_url() -> String {
    let (http, s) = (caseless("http"), caseless("s"));
    format!("^{}*{http}{s}?://{}", *SPACE, *INK)
}

/// An event position as the feed's `after` takes it (an `i64` of at least 0, or nothing): up to
/// 18 digits after any leading zeros, which every `i64` parse accepts.
pub fn position() -> String {
    "^(?:\\+?0*[0-9]{1,18}|-0+)?$".to_owned()
}

/// A search query: at least one letter or digit somewhere.
pub fn search_words() -> String {
    class(char::is_alphanumeric)
}

/// `text` in any ASCII case.
fn caseless(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else {
                literal(&c.to_string())
            }
        })
        .collect()
}

/// `text` with the characters that mean something in a pattern escaped.
fn literal(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

#[cfg(test)]
mod tests;
