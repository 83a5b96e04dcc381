//! Problem details from deserializer messages. serde's messages quote what the client sent
//! (`invalid type: string "…", expected u32`); a detail says which rule the input broke in our
//! words, quotes at most a short, escaped piece of the input, and is bounded in length. The raw
//! message goes to the log.

/// The longest detail sent.
pub const MAX_DETAIL: usize = 300;
/// The longest piece of client input quoted in a detail.
const MAX_QUOTE: usize = 40;

/// A client-safe sentence for a serde message (without serde_json's ` at line L column C`).
pub fn from_serde(message: &str) -> String {
    let sentence = if let Some(rest) = message.strip_prefix("invalid type: ") {
        wrong_type(rest)
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        format!("a value is not allowed: expected {expected}")
    } else if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let field = quote(field.trim_matches('`'));
        match expected {
            "" => format!("unknown field {field}"),
            e => format!("unknown field {field}; expected {e}"),
        }
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        format!("a value is not one of those allowed: expected {expected}")
    } else {
        // Our own messages (value types' `TryFrom`), `missing field`, `duplicate field` and the
        // like name no client input beyond a field name.
        message.to_owned()
    };
    bounded(&sentence)
}

/// A client-safe sentence for a JSON body serde_json refused, with where it went wrong; the raw
/// message is logged.
pub fn from_json(error: &serde_json::Error) -> String {
    tracing::info!(%error, "request body refused");
    let at = format!("line {}, column {}", error.line(), error.column());
    if error.is_syntax() || error.is_eof() {
        return format!("the body is not valid JSON ({at})");
    }
    let raw = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = raw.strip_suffix(&suffix).unwrap_or(&raw);
    format!("{} ({at})", from_serde(message))
}

/// The expected type, saying "an integer" for Rust's integer types. (A whole-number float never
/// gets here: `json_body` passes it on as an integer.)
fn wrong_type(rest: &str) -> String {
    let (found, expected) = rest
        .split_once(", expected ")
        .unwrap_or((rest, "another type"));
    let found_kind = found.split([' ', '`', '"']).next().unwrap_or("value");
    let integer = [
        "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize", "isize",
    ]
    .contains(&expected);
    if integer && found.starts_with("floating point") {
        return "a value has the wrong type: expected an integer, found a number with a fraction"
            .to_owned();
    }
    let expected = if integer { "an integer" } else { expected };
    format!("a value has the wrong type: expected {expected}, found a {found_kind}")
}

/// A piece of client input, shortened and with control characters escaped, in backticks.
fn quote(input: &str) -> String {
    let mut out: String = input.chars().take(MAX_QUOTE).collect();
    if input.chars().count() > MAX_QUOTE {
        out.push('…');
    }
    format!("`{}`", escape(&out))
}

/// Control characters escaped, so a detail is one printable line.
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `text` escaped and cut to [`MAX_DETAIL`] characters.
pub fn bounded(text: &str) -> String {
    let text = escape(text);
    if text.chars().count() <= MAX_DETAIL {
        return text;
    }
    let mut out: String = text.chars().take(MAX_DETAIL - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_input_is_not_echoed_raw() {
        let d = from_serde(r#"invalid type: string "DROP\nTABLE", expected u32"#);
        assert_eq!(
            d,
            "a value has the wrong type: expected an integer, found a string"
        );
        let d = from_serde("invalid type: floating point `5.5`, expected u32");
        assert!(d.ends_with("found a number with a fraction"), "{d}");
        let long = "k".repeat(500);
        let d = from_serde(&format!("unknown field `{long}\n`, expected `name`"));
        assert!(d.len() < 120 && !d.contains('\n'), "{d}");
        let d = from_serde("unknown variant `evil`, expected `free` or `paid`");
        assert_eq!(
            d,
            "a value is not one of those allowed: expected `free` or `paid`"
        );
    }

    #[test]
    fn our_messages_pass_and_everything_is_bounded() {
        assert_eq!(from_serde("missing field `name`"), "missing field `name`");
        assert!(from_serde(&"x".repeat(10_000)).chars().count() <= MAX_DETAIL);
    }
}
