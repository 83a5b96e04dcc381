//! The rules the server enforces on request fields, as JSON Schema keywords built from the
//! constants and parsers that enforce them. Each wire module lists the rules of its own request
//! types (its `rules()`), next to the types; `openapi` writes them into the contract, and its
//! test fails if a rule names a field that is gone.

use super::patterns;
use std::borrow::Cow;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat, SchemaType};
use utoipa::openapi::{RefOr, Type};

/// One rule of a field (or of each item of an array field).
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Non-blank text of at most this many characters once trimmed (`values::bounded_text`).
    Text(usize),
    /// Text of at most this many characters once trimmed; blank means none.
    BlankOr(usize),
    /// Matches this ECMA-262 pattern.
    Pattern(String),
    /// From `min` (0: no minimum) to `max` characters, as sent.
    Length(usize, usize),
    /// An integer from `min` to `max`, both included.
    Range(i64, i64),
    /// An integer of at least this.
    AtLeast(i64),
    /// Any integer but this one.
    Except(i64),
    /// At least `min` and at most `max` items; `unique` when no item may repeat.
    Items {
        min: usize,
        max: Option<usize>,
        unique: bool,
    },
    /// Every item meets the rule.
    Each(Box<Rule>),
    /// A string in this format.
    Format(Format),
    /// One of these strings.
    OneOf(Vec<String>),
}

impl Rule {
    /// At most `max` items.
    pub fn at_most(max: usize) -> Self {
        Rule::Items {
            min: 0,
            max: Some(max),
            unique: false,
        }
    }

    /// Every item meets `rule`.
    pub fn each(rule: Rule) -> Self {
        Rule::Each(Box::new(rule))
    }

    /// Writes the rule into `schema`; false when the schema is not one the rule can describe.
    pub fn apply(&self, schema: &mut RefOr<Schema>) -> bool {
        match (self, schema) {
            (Rule::Items { min, max, unique }, RefOr::T(Schema::Array(array))) => {
                array.min_items = (*min > 0).then_some(*min);
                array.max_items = *max;
                array.unique_items = *unique;
                true
            }
            (Rule::Each(rule), RefOr::T(Schema::Array(array))) => match &mut array.items {
                ArrayItems::RefOrSchema(items) => rule.apply(items),
                ArrayItems::False => false,
            },
            (_, RefOr::T(Schema::Object(object))) => {
                let string = is(&object.schema_type, Type::String);
                let integer = is(&object.schema_type, Type::Integer);
                match self {
                    Rule::Text(max) | Rule::BlankOr(max) if string => {
                        let blank = matches!(self, Rule::BlankOr(_));
                        object.pattern = Some(patterns::text(*max, blank));
                    }
                    Rule::Pattern(pattern) if string => object.pattern = Some(pattern.clone()),
                    Rule::Length(min, max) if string => {
                        object.min_length = (*min > 0).then_some(*min);
                        object.max_length = Some(*max);
                    }
                    Rule::Format(format) if string => {
                        object.format = Some(SchemaFormat::KnownFormat((*format).into()));
                    }
                    Rule::OneOf(values) if string => {
                        object.enum_values =
                            Some(values.iter().map(|v| v.as_str().into()).collect());
                    }
                    Rule::Range(min, max) if integer => {
                        object.minimum = Some((*min).into());
                        object.maximum = Some((*max).into());
                    }
                    Rule::AtLeast(min) if integer => object.minimum = Some((*min).into()),
                    Rule::Except(value) if integer => {
                        // utoipa has no `not`; its extensions are written into the schema as is.
                        let not = serde_json::json!({"const": value});
                        object
                            .extensions
                            .get_or_insert_default()
                            .insert("not".into(), not);
                    }
                    _ => return false,
                }
                true
            }
            _ => false,
        }
    }
}

/// The formats the server parses strings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339.
    DateTime,
    Uuid,
}

impl From<Format> for KnownFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Date => KnownFormat::Date,
            Format::DateTime => KnownFormat::DateTime,
            Format::Uuid => KnownFormat::Uuid,
        }
    }
}

/// Whether a value of `kind` may be of type `wanted`.
fn is(kind: &SchemaType, wanted: Type) -> bool {
    match kind {
        SchemaType::Type(one) => *one == wanted,
        SchemaType::Array(many) => many.contains(&wanted),
        SchemaType::AnyValue => false,
    }
}

/// A rule of one field of a request type's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRule {
    /// The schema's name in the contract.
    pub schema: Cow<'static, str>,
    pub field: &'static str,
    pub rule: Rule,
    /// Whether the rule holds for requests only: the type is also an answer that may break it
    /// (the empty list of levels a space without levels answers with), so requests get a copy
    /// of the schema of their own.
    pub request_only: bool,
}

/// `rule` on `field` of `T`.
pub fn on<T: ToSchema>(field: &'static str, rule: Rule) -> FieldRule {
    FieldRule {
        schema: T::name(),
        field,
        rule,
        request_only: false,
    }
}

/// `rule` on `field` of `T` in requests only.
pub fn on_request<T: ToSchema>(field: &'static str, rule: Rule) -> FieldRule {
    FieldRule {
        request_only: true,
        ..on::<T>(field, rule)
    }
}
