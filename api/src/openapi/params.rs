//! What the server enforces on query parameters, written into the operations that take them:
//! `min_position` and a page's `limit` wherever they appear, the other filters route by route,
//! each from the constant or parser that checks it. A rule that finds no parameter is reported,
//! and the contract test fails on it.

use crate::dto::patterns;
use crate::dto::rules::{Format, Rule};
use crate::pagination::MAX_LIMIT;
use crate::service::{catalog, reports};
use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi as Document, RefOr};

const STREAM: &str = "/v1/streams/{aggregate_type}/{aggregate_id}";
const STREAM_STATE: &str = "/v1/streams/{aggregate_type}/{aggregate_id}/state";

/// `(path, parameter, rule)` of the filters that are checked.
fn rules() -> Vec<(&'static str, &'static str, Rule)> {
    let one_of = |values: &[&str]| Rule::OneOf(values.iter().map(|v| (*v).to_owned()).collect());
    let uuid = || Rule::Format(Format::Uuid);
    let date = || Rule::Format(Format::Date);
    let time = || Rule::Format(Format::DateTime);
    vec![
        ("/v1/events", "after", Rule::Pattern(patterns::position())),
        ("/v1/events", "since", time()),
        ("/v1/events", "until", time()),
        (STREAM, "as_of_position", Rule::AtLeast(0)),
        (STREAM, "as_of", time()),
        (STREAM_STATE, "as_of_position", Rule::AtLeast(0)),
        (STREAM_STATE, "as_of", time()),
        (
            "/v1/spaces/{space}/content",
            "status",
            one_of(&catalog::STATUSES),
        ),
        (
            "/v1/spaces/{space}/content",
            "kind",
            one_of(&catalog::KINDS),
        ),
        ("/v1/spaces/{space}/content", "topic", uuid()),
        (
            "/v1/spaces/{space}/content/{course}/progress",
            "member_id",
            uuid(),
        ),
        (
            "/v1/spaces/{space}/content/{id}/comments",
            "parent_id",
            uuid(),
        ),
        ("/v1/spaces/{space}/interactions", "member_id", uuid()),
        (
            "/v1/spaces/{space}/reports",
            "status",
            one_of(&reports::STATUSES),
        ),
        (
            "/v1/spaces/{space}/check-in-projects/{project}/check-ins",
            "day",
            date(),
        ),
        ("/v1/spaces/{space}/leaderboard", "week", date()),
        (
            "/v1/spaces/{space}/search",
            "q",
            Rule::Pattern(patterns::search_words()),
        ),
    ]
}

/// Writes the parameter rules into `doc`; answers the rules that found no parameter.
pub fn constrain(doc: &mut Document) -> Vec<String> {
    let mut missed = Vec::new();
    for (path, name, rule) in rules() {
        let operation = doc.paths.paths.get_mut(path).and_then(|i| i.get.as_mut());
        if !operation.is_some_and(|op| apply(op, name, &rule)) {
            missed.push(format!("GET {path} ?{name}: {rule:?}"));
        }
    }
    // The parameters every list or read shares, wherever they appear.
    let shared = [
        ("min_position", Rule::AtLeast(0)),
        ("limit", Rule::Range(1, MAX_LIMIT)),
    ];
    for operation in doc.paths.paths.values_mut().filter_map(|i| i.get.as_mut()) {
        for (name, rule) in &shared {
            apply(operation, name, rule);
        }
    }
    missed
}

/// Applies `rule` to the parameter `name` of `operation`, if it takes one.
fn apply(operation: &mut Operation, name: &str, rule: &Rule) -> bool {
    let parameters = operation.parameters.iter_mut().flatten();
    let mut applied = false;
    for parameter in parameters {
        if let RefOr::T(parameter) = parameter
            && parameter.name == name
            && let Some(schema) = &mut parameter.schema
        {
            applied |= rule.apply(schema);
        }
    }
    applied
}

/// Whether `operation` takes `min_position`, so may wait for the read models (503) or find the
/// position beyond the log (422).
pub fn takes_min_position(operation: &Operation) -> bool {
    operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p, RefOr::T(p) if p.name == "min_position"))
}
