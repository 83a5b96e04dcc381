//! A strict reader of the Prometheus text format for the metrics tests: every line must be a
//! `# HELP`, a `# TYPE` with a known type, or a sample `name{label="value",…} value`.

use std::collections::BTreeMap;

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Parses a whole exposition; panics naming the first line that is not valid.
pub fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            check_comment(comment.trim_start(), line);
            continue;
        }
        samples.push(sample(line).unwrap_or_else(|| panic!("not a sample line: {line:?}")));
    }
    samples
}

fn check_comment(comment: &str, line: &str) {
    let mut words = comment.splitn(3, ' ');
    match (words.next(), words.next(), words.next()) {
        (Some("HELP"), Some(name), _) => assert!(is_name(name), "{line:?}"),
        (Some("TYPE"), Some(name), Some(kind)) => {
            assert!(is_name(name), "{line:?}");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "{line:?}"
            );
        }
        _ => {}
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn sample(line: &str) -> Option<Sample> {
    let end = line.find(['{', ' '])?;
    let name = &line[..end];
    if !is_name(name) {
        return None;
    }
    let mut rest = &line[end..];
    let mut labels = BTreeMap::new();
    if let Some(inner) = rest.strip_prefix('{') {
        rest = inner;
        loop {
            rest = rest.trim_start_matches(',');
            if let Some(after) = rest.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after) = rest.split_once("=\"")?;
            if !is_name(key) {
                return None;
            }
            let (value, after) = quoted(after)?;
            labels.insert(key.to_owned(), value);
            rest = after;
        }
    }
    let mut fields = rest.split_whitespace();
    let value = fields.next()?.parse().ok()?;
    if let Some(timestamp) = fields.next() {
        timestamp.parse::<i64>().ok()?;
    }
    fields.next().is_none().then(|| Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// A label value up to its closing quote, unescaped, and what follows the quote.
fn quoted(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[at + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                escaped @ ('\\' | '"') => value.push(escaped),
                _ => return None,
            },
            c => value.push(c),
        }
    }
    None
}

/// The samples named `name` whose labels include every pair of `labels`.
pub fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples
        .iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .collect()
}

/// The value of the one sample named `name` with `labels`; panics if there is not exactly one.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    match find(samples, name, labels).as_slice() {
        [one] => one.value,
        found => panic!("{} samples of {name} {labels:?}: {found:?}", found.len()),
    }
}

#[test]
fn reads_labels_with_braces_and_escapes_and_refuses_garbage() {
    let text = "# HELP a_total Some help.\n# TYPE a_total counter\n\
                a_total{route=\"/v1/spaces/{space}\",note=\"say \\\"hi\\\"\"} 3\nb 1.5e0 1700\n";
    let samples = parse(text);
    assert_eq!(samples.len(), 2);
    assert_eq!(
        value(&samples, "a_total", &[("route", "/v1/spaces/{space}")]),
        3.0
    );
    assert_eq!(samples[0].labels["note"], "say \"hi\"");
    assert_eq!(value(&samples, "b", &[]), 1.5);
    for bad in ["a{x=\"1} 2", "a 1 2 3", "9a 1", "a{x=1} 2", "a two"] {
        assert!(sample(bad).is_none(), "{bad}");
    }
}
