//! The contract says what the server enforces: every rule finds its field, request schemas are
//! closed, and the limits the schema states are the constants the domain checks.

use super::build;
use crate::pagination::MAX_LIMIT;
use lyceum_domain::membership::level::MAX_LEVELS;
use lyceum_domain::membership::member::{MAX_MUTE_MINUTES, MAX_POINTS_ADJUSTMENT};
use lyceum_domain::membership::terms::MAX_GRACE_DAYS;
use lyceum_domain::membership::tier::MAX_TRIAL_DAYS;
use serde_json::{Value, json};

fn contract() -> Value {
    match serde_json::to_value(build().0) {
        Ok(doc) => doc,
        Err(e) => panic!("the contract does not serialize: {e}"),
    }
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

#[test]
fn every_rule_finds_its_field() {
    let (_, unplaced) = build();
    assert!(unplaced.is_empty(), "rules without a field: {unplaced:#?}");
}

#[test]
fn request_schemas_refuse_unknown_fields() {
    let mut doc = build().0;
    let names = super::constraints::request_schemas(&mut doc);
    let doc = serde_json::to_value(doc).unwrap_or_default();
    // Stripe's events carry far more than the fields Lyceum reads.
    let open = ["StripeEventBody"];
    for name in names.iter().filter(|n| !open.contains(&n.as_str())) {
        let schema = schema(&doc, name);
        let objects: Vec<&Value> = match schema["oneOf"].as_array() {
            Some(variants) => variants.iter().collect(),
            None if schema["type"] == "object" => vec![schema],
            None => vec![],
        };
        for object in objects {
            assert_eq!(
                object["additionalProperties"],
                json!(false),
                "{name} takes unknown fields"
            );
        }
    }
    assert!(names.contains("AccessDto") && names.contains("DurationDto"));
}

#[test]
fn limits_are_the_domain_constants() {
    let doc = contract();
    let field =
        |schema_name: &str, field: &str| schema(&doc, schema_name)["properties"][field].clone();
    assert_eq!(
        field("CreateTier", "trial_days")["maximum"],
        json!(MAX_TRIAL_DAYS)
    );
    assert_eq!(
        field("UpdateTier", "trial_days")["maximum"],
        json!(MAX_TRIAL_DAYS)
    );
    assert_eq!(
        field("BillingTermsDto", "past_due_grace_days")["maximum"],
        json!(MAX_GRACE_DAYS)
    );
    let minutes = field("MuteMember", "minutes");
    assert_eq!(
        (&minutes["minimum"], &minutes["maximum"]),
        (&json!(1), &json!(MAX_MUTE_MINUTES))
    );
    assert_eq!(MAX_MUTE_MINUTES, 525_600);
    let delta = field("AdjustPoints", "delta");
    assert_eq!(
        (&delta["minimum"], &delta["maximum"], &delta["not"]),
        (
            &json!(-MAX_POINTS_ADJUSTMENT),
            &json!(MAX_POINTS_ADJUSTMENT),
            &json!({"const": 0})
        )
    );
    let levels = field("LevelRulesInput", "levels");
    assert_eq!(
        (&levels["minItems"], &levels["maxItems"]),
        (&json!(1), &json!(MAX_LEVELS))
    );
    // A space without levels answers with an empty list: only requests need one.
    assert_eq!(field("LevelRulesDto", "levels")["minItems"], Value::Null);
    let put_levels = &doc["paths"]["/v1/spaces/{space}/levels"]["put"];
    assert_eq!(
        put_levels["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        json!("#/components/schemas/LevelRulesInput")
    );
}

#[test]
fn shared_parameters_are_bounded_everywhere() {
    let doc = contract();
    let operations = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values());
    let parameters = operations
        .filter_map(|item| item["get"]["parameters"].as_array())
        .flatten();
    let mut seen = 0;
    for parameter in parameters {
        let schema = &parameter["schema"];
        match parameter["name"].as_str() {
            Some("min_position") => assert_eq!(schema["minimum"], json!(0)),
            Some("limit") => assert_eq!(
                (&schema["minimum"], &schema["maximum"]),
                (&json!(1), &json!(MAX_LIMIT))
            ),
            _ => continue,
        }
        seen += 1;
    }
    assert!(seen > 40, "only {seen} shared parameters");
}

#[test]
fn reads_that_wait_document_409_and_space_reads_403() {
    let doc = contract();
    let read = &doc["paths"]["/v1/spaces/{space}/tiers"]["get"]["responses"];
    for status in ["403", "409", "503"] {
        assert!(read[status].is_object(), "GET tiers lacks {status}");
    }
    let stripe = &doc["paths"]["/v1/spaces/{space}/integrations/stripe/secrets"]["post"];
    assert!(stripe["responses"]["200"].is_object() && stripe["responses"]["201"].is_object());
}
