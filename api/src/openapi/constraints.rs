//! Writes what the server enforces on requests into the contract: every request field's rules
//! ([`dto::request_rules`]), and `additionalProperties: false` on every variant of a request's
//! `oneOf` (utoipa closes only structs). A rule that finds no field is reported, and the contract
//! test fails on it.

use crate::dto::{self, rules::FieldRule};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems};
use utoipa::openapi::{OpenApi as Document, RefOr, Schema};

const PREFIX: &str = "#/components/schemas/";

/// Writes the request rules into `doc`; answers the rules that found no field.
pub fn constrain(doc: &mut Document) -> Vec<String> {
    let mut missed = Vec::new();
    for rule in dto::request_rules() {
        let schema = if rule.request_only {
            request_copy(doc, &rule.schema)
        } else {
            rule.schema.to_string()
        };
        if !apply(schemas(doc), &schema, &rule) {
            missed.push(format!("{}.{}: {:?}", rule.schema, rule.field, rule.rule));
        }
    }
    close_request_variants(doc);
    missed
}

fn schemas(doc: &mut Document) -> &mut BTreeMap<String, RefOr<Schema>> {
    &mut doc.components.get_or_insert_with(Default::default).schemas
}

/// Applies `rule` to its field of the schema `name`: a property of the object, or of every
/// variant of the `oneOf` that has it.
fn apply(schemas: &mut BTreeMap<String, RefOr<Schema>>, name: &str, rule: &FieldRule) -> bool {
    let Some(RefOr::T(schema)) = schemas.get_mut(name) else {
        return false;
    };
    let objects: Vec<_> = match schema {
        Schema::Object(object) => vec![object],
        Schema::OneOf(one_of) => one_of
            .items
            .iter_mut()
            .filter_map(|item| match item {
                RefOr::T(Schema::Object(object)) => Some(object),
                _ => None,
            })
            .collect(),
        _ => vec![],
    };
    let mut applied = false;
    for object in objects {
        if let Some(property) = object.properties.get_mut(rule.field) {
            applied |= rule.rule.apply(property);
        }
    }
    applied
}

/// The name of a copy of the schema `name` that the request bodies naming it use instead, for
/// rules that hold for requests only.
fn request_copy(doc: &mut Document, name: &str) -> String {
    let copy = format!("{}Input", name.trim_end_matches("Dto"));
    let schemas = schemas(doc);
    if let (false, Some(schema)) = (schemas.contains_key(&copy), schemas.get(name).cloned()) {
        schemas.insert(copy.clone(), schema);
    }
    let (from, to) = (format!("{PREFIX}{name}"), format!("{PREFIX}{copy}"));
    for_each_request_schema(doc, |schema| {
        if let RefOr::Ref(reference) = schema
            && reference.ref_location == from
        {
            reference.ref_location.clone_from(&to);
        }
    });
    copy
}

fn for_each_request_schema(doc: &mut Document, mut f: impl FnMut(&mut RefOr<Schema>)) {
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            if let Some(RefOr::T(body)) = &mut operation.request_body {
                for content in body.content.values_mut() {
                    if let RefOr::T(content) = content
                        && let Some(schema) = &mut content.schema
                    {
                        f(schema);
                    }
                }
            }
        }
    }
}

/// Every component schema a request body can hold, through any depth of references.
pub fn request_schemas(doc: &mut Document) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = Vec::new();
    for_each_request_schema(doc, |schema| refs(schema, &mut todo));
    let schemas = schemas(doc);
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone())
            && let Some(schema) = schemas.get(&name)
        {
            refs(schema, &mut todo);
        }
    }
    seen
}

/// The names of the component schemas `schema` refers to, directly or inline.
fn refs(schema: &RefOr<Schema>, names: &mut Vec<String>) {
    let schema = match schema {
        RefOr::Ref(reference) => {
            if let Some(name) = reference.ref_location.strip_prefix(PREFIX) {
                names.push(name.to_owned());
            }
            return;
        }
        RefOr::T(schema) => schema,
    };
    match schema {
        Schema::Object(object) => object.properties.values().for_each(|p| refs(p, names)),
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &array.items {
                refs(items, names);
            }
        }
        Schema::OneOf(one_of) => one_of.items.iter().for_each(|i| refs(i, names)),
        Schema::AllOf(all_of) => all_of.items.iter().for_each(|i| refs(i, names)),
        Schema::AnyOf(any_of) => any_of.items.iter().for_each(|i| refs(i, names)),
        _ => {}
    }
}

/// Every variant of a request's `oneOf` refuses unknown fields, as its serde type does.
fn close_request_variants(doc: &mut Document) {
    let names = request_schemas(doc);
    for name in names {
        if let Some(RefOr::T(Schema::OneOf(one_of))) = schemas(doc).get_mut(&name) {
            for item in &mut one_of.items {
                if let RefOr::T(Schema::Object(object)) = item {
                    object.additional_properties =
                        Some(Box::new(AdditionalProperties::FreeForm(false)));
                }
            }
        }
    }
}
