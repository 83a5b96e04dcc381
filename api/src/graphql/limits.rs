//! What one GraphQL document may ask for, so that no request costs much before it is refused.
//! Two steps, both pure: [`scan`] reads the text before it is parsed (how many tokens, how deep
//! the brackets nest), so that neither a huge nor a deeply nested document reaches the parser;
//! [`check`] reads the parsed document before it is validated or run: the fields it selects
//! (every alias and `__typename`, through fragments), how deep they nest, how many `__schema`
//! and `__type` it reads, and no fragment that spreads itself or is never used.
//!
//! Introspection is open to everyone but bounded: a `__schema` or `__type` subtree may nest
//! deeper than data ([`MAX_INTROSPECTION_DEPTH`]) so that the standard introspection query of
//! graphql-js and graphql-core (nine `ofType` levels) passes, and a request reads at most one
//! `__schema`.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use lyceum_domain::Code;
use std::collections::HashMap;

/// The most tokens (names, values, punctuation) a document may have: the standard
/// introspection query has under 200, a query of a thousand fields with arguments about ten
/// thousand.
pub const MAX_TOKENS: usize = 15_000;
/// How deep brackets may nest in the text, and selection sets and fragment spreads in the
/// parsed document (async-graphql's own recursion limit is set to the same).
pub const MAX_NESTING: usize = 32;
/// The most fields a document may select, counted with every fragment spread expanded.
pub const MAX_FIELDS: usize = 1_000;
/// How deep data fields may nest.
pub const MAX_DEPTH: usize = 10;
/// How deep a `__schema` or `__type` subtree may nest, counting the `__schema` field.
pub const MAX_INTROSPECTION_DEPTH: usize = 15;
/// How many `__schema` fields a request may read.
pub const MAX_SCHEMAS: usize = 1;
/// How many `__type` fields a request may read.
pub const MAX_TYPES: usize = 10;
/// How complex a query may be (each field counts 1; a connection counts `first` times its
/// selection), as async-graphql computes it during validation.
pub const MAX_COMPLEXITY: usize = 2_000;

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the document has more than {MAX_TOKENS} tokens")]
    TooManyTokens,
    #[error(
        "the query is nested too deep: brackets, selections and fragment spreads may nest {MAX_NESTING} levels"
    )]
    TooNested,
    #[error(
        "the query selects more than {MAX_FIELDS} fields (every alias and `__typename` counts, a fragment each time it is spread)"
    )]
    TooManyFields,
    #[error(
        "the query is nested too deep: fields may nest {MAX_DEPTH} levels (`__schema` and `__type` {MAX_INTROSPECTION_DEPTH})"
    )]
    TooDeep,
    #[error("a request may read `__schema` at most {MAX_SCHEMAS} time")]
    TooManySchemas,
    #[error("a request may read `__type` at most {MAX_TYPES} times")]
    TooManyTypes,
    #[error(
        "the query is too complex: it costs more than {MAX_COMPLEXITY} (a connection costs `first` times its fields)"
    )]
    TooComplex,
    #[error("fragment `{0}` spreads itself")]
    FragmentCycle(String),
    #[error("fragment `{0}` is never used")]
    UnusedFragment(String),
}

impl Refusal {
    /// The stable code the client is told.
    pub fn code(&self) -> Code {
        match self {
            Refusal::FragmentCycle(_) | Refusal::UnusedFragment(_) => Code::ValidationFailed,
            _ => Code::QueryTooComplex,
        }
    }
}

/// Refuses a document whose text has too many tokens or nests brackets too deep, reading it
/// once without allocating. Strings and comments are skipped; what is not valid GraphQL is left
/// for the parser to refuse.
pub fn scan(query: &str) -> Result<(), Refusal> {
    let bytes = query.as_bytes();
    let (mut at, mut tokens, mut nesting) = (0, 0usize, 0usize);
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => continue,
            b'#' => {
                while bytes.get(at).is_some_and(|b| !matches!(b, b'\n' | b'\r')) {
                    at += 1;
                }
                continue;
            }
            b'"' => at = skip_string(bytes, at),
            b'{' | b'[' | b'(' => {
                nesting += 1;
                if nesting > MAX_NESTING {
                    return Err(Refusal::TooNested);
                }
            }
            b'}' | b']' | b')' => nesting = nesting.saturating_sub(1),
            b'!' | b'$' | b'&' | b':' | b'=' | b'@' | b'|' => {}
            _ => {
                while bytes.get(at).is_some_and(|b| word(*b)) {
                    at += 1;
                }
            }
        }
        tokens += 1;
        if tokens > MAX_TOKENS {
            return Err(Refusal::TooManyTokens);
        }
    }
    Ok(())
}

/// Whether `byte` continues a name, a number or a `...` spread.
fn word(byte: u8) -> bool {
    !matches!(
        byte,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | b','
            | b'#'
            | b'"'
            | b'{'
            | b'['
            | b'('
            | b'}'
            | b']'
            | b')'
            | b'!'
            | b'$'
            | b'&'
            | b':'
            | b'='
            | b'@'
            | b'|'
    )
}

/// Where the string opened just before `at` ends (a `"""` block string or a `"` string).
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    if bytes.get(at..at + 2) == Some(b"\"\"") {
        at += 2;
        while at < bytes.len() {
            match bytes.get(at..at + 3) {
                Some(b"\"\"\"") => return at + 3,
                Some([b'\\', b'"', b'"']) if bytes.get(at + 3) == Some(&b'"') => at += 4,
                _ => at += 1,
            }
        }
        return at;
    }
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        match byte {
            b'\\' => at += 1,
            b'"' | b'\n' | b'\r' => return at,
            _ => {}
        }
    }
    at
}

/// What a selection set asks for, with every fragment spread expanded. Sums saturate: a
/// fragment spread twice in each of thirty fragments does not overflow.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    fields: usize,
    /// How deep data fields nest (a `__schema` or `__type` field counts one).
    depth: usize,
    /// How deep the deepest `__schema` or `__type` subtree nests, counting its root.
    introspection: usize,
    schemas: usize,
    types: usize,
}

impl Tally {
    /// `self` and `other` selected side by side.
    fn beside(self, other: Tally) -> Tally {
        Tally {
            fields: self.fields.saturating_add(other.fields),
            depth: self.depth.max(other.depth),
            introspection: self.introspection.max(other.introspection),
            schemas: self.schemas.saturating_add(other.schemas),
            types: self.types.saturating_add(other.types),
        }
    }

    /// A field named `name` selecting `self`.
    fn under(self, name: &str) -> Tally {
        let root = matches!(name, "__schema" | "__type");
        Tally {
            fields: self.fields.saturating_add(1),
            depth: if root { 1 } else { self.depth + 1 },
            introspection: if root {
                self.depth.max(self.introspection) + 1
            } else {
                self.introspection
            },
            schemas: self.schemas.saturating_add(usize::from(name == "__schema")),
            types: self.types.saturating_add(usize::from(name == "__type")),
        }
    }
}

/// Walks a document, each fragment once: its tally is kept for every other spread of it.
struct Walk<'a> {
    document: &'a ExecutableDocument,
    tallied: HashMap<&'a str, Tally>,
    /// The fragments being tallied, innermost last, to find one that spreads itself.
    open: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    /// `set`, entered at `nesting` selection sets and spreads below its operation.
    fn set(&mut self, set: &'a SelectionSet, nesting: usize) -> Result<Tally, Refusal> {
        // Counted as async-graphql counts it: a leaf field's empty set is no level.
        if nesting > MAX_NESTING && !set.items.is_empty() {
            return Err(Refusal::TooNested);
        }
        let mut tally = Tally::default();
        for selection in &set.items {
            let inner = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    self.set(&field.selection_set.node, nesting + 1)?
                        .under(field.name.node.as_str())
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str(), nesting + 1)?
                }
                Selection::InlineFragment(inline) => {
                    self.set(&inline.node.selection_set.node, nesting + 1)?
                }
            };
            tally = tally.beside(inner);
            // With every fragment tallied once, this only saves the rest of a large set.
            if tally.fields > MAX_FIELDS {
                return Err(Refusal::TooManyFields);
            }
        }
        Ok(tally)
    }

    fn fragment(&mut self, name: &'a str, nesting: usize) -> Result<Tally, Refusal> {
        if let Some(tally) = self.tallied.get(name) {
            return Ok(*tally);
        }
        if self.open.contains(&name) {
            return Err(Refusal::FragmentCycle(name.to_owned()));
        }
        // An unknown fragment is left to validation, which names it.
        let Some((key, definition)) = self.document.fragments.get_key_value(name) else {
            return Ok(Tally::default());
        };
        self.open.push(name);
        let tally = self.set(&definition.node.selection_set.node, nesting)?;
        self.open.pop();
        self.tallied.insert(key.as_str(), tally);
        Ok(tally)
    }
}

/// Refuses a parsed document that selects too much or nests too deep (see the module doc).
/// Every operation in the document counts, as validation reads them all.
pub fn check(document: &ExecutableDocument) -> Result<(), Refusal> {
    let mut walk = Walk {
        document,
        tallied: HashMap::new(),
        open: Vec::new(),
    };
    let mut total = Tally::default();
    for (_, operation) in document.operations.iter() {
        total = total.beside(walk.set(&operation.node.selection_set.node, 0)?);
    }
    if let Some(name) = document
        .fragments
        .keys()
        .find(|name| !walk.tallied.contains_key(name.as_str()))
    {
        return Err(Refusal::UnusedFragment(name.to_string()));
    }
    if total.fields > MAX_FIELDS {
        return Err(Refusal::TooManyFields);
    }
    if total.depth > MAX_DEPTH || total.introspection > MAX_INTROSPECTION_DEPTH {
        return Err(Refusal::TooDeep);
    }
    if total.schemas > MAX_SCHEMAS {
        return Err(Refusal::TooManySchemas);
    }
    if total.types > MAX_TYPES {
        return Err(Refusal::TooManyTypes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn checked(query: &str) -> Result<(), Refusal> {
        scan(query)?;
        check(&parse_query(query).expect("the query parses"))
    }

    fn nested(levels: usize, field: &str) -> String {
        format!(
            "{{ {}x{} }}",
            format!("{field} {{ ").repeat(levels - 1),
            " }".repeat(levels - 1)
        )
    }

    #[test]
    fn counts_every_alias_and_typename() {
        let ok = format!("{{ {} }}", "a: __typename ".repeat(MAX_FIELDS));
        assert_eq!(checked(&ok), Ok(()));
        let over = format!("{{ {} }}", "__typename ".repeat(MAX_FIELDS + 1));
        assert_eq!(checked(&over), Err(Refusal::TooManyFields));
    }

    #[test]
    fn counts_fragments_where_they_are_spread_without_walking_them_again() {
        // F0 spreads F1 twice, ... : 2^29 fields from a few hundred bytes.
        let mut query = String::from("{ ...F0 }\n");
        for i in 0..29 {
            query.push_str(&format!(
                "fragment F{i} on Query {{ ...F{next} ...F{next} }}\n",
                next = i + 1
            ));
        }
        query.push_str("fragment F29 on Query { __typename }");
        assert_eq!(checked(&query), Err(Refusal::TooManyFields));
    }

    #[test]
    fn refuses_fragments_that_spread_themselves_or_are_unused() {
        let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert!(matches!(checked(cycle), Err(Refusal::FragmentCycle(_))));
        let unused = "{ __typename } fragment A on Query { __typename }";
        assert_eq!(checked(unused), Err(Refusal::UnusedFragment("A".into())));
    }

    #[test]
    fn data_nests_ten_levels_and_introspection_fifteen() {
        assert_eq!(checked(&nested(MAX_DEPTH, "a")), Ok(()));
        assert_eq!(checked(&nested(MAX_DEPTH + 1, "a")), Err(Refusal::TooDeep));
        let introspection = |levels: usize| {
            format!(
                "{{ __schema {{ types {{ fields {{ args {{ type {{ {}name{} }} }} }} }} }} }}",
                "ofType { ".repeat(levels - 6),
                " }".repeat(levels - 6)
            )
        };
        assert_eq!(checked(&introspection(MAX_INTROSPECTION_DEPTH)), Ok(()));
        assert_eq!(
            checked(&introspection(MAX_INTROSPECTION_DEPTH + 1)),
            Err(Refusal::TooDeep)
        );
        // Depth through a fragment counts where it is spread.
        let deep = format!(
            "{{ a {{ a {{ ...F }} }} }} fragment F on T {}",
            &nested(MAX_DEPTH - 1, "a")
        );
        assert_eq!(checked(&deep), Err(Refusal::TooDeep));
    }

    #[test]
    fn introspection_roots_are_counted() {
        assert_eq!(
            checked("{ a: __schema { queryType { name } } b: __schema { queryType { name } } }"),
            Err(Refusal::TooManySchemas)
        );
        let types = format!(
            "{{ {} }}",
            "t: __type(name: \"Query\") { name } ".repeat(MAX_TYPES + 1)
        );
        assert_eq!(checked(&types), Err(Refusal::TooManyTypes));
    }

    #[test]
    fn the_text_is_bounded_before_it_is_parsed() {
        let deep = format!("{}{}", "{a".repeat(5_000), "}".repeat(5_000));
        assert_eq!(scan(&deep), Err(Refusal::TooNested));
        let values = format!("{{ a(x: {}1{}) }}", "[".repeat(40), "]".repeat(40));
        assert_eq!(scan(&values), Err(Refusal::TooNested));
        let long = format!("{{ {} }}", "a ".repeat(MAX_TOKENS));
        assert_eq!(scan(&long), Err(Refusal::TooManyTokens));
        // Brackets in strings and comments do not count, nor does a string's length.
        let quoted = format!(
            "{{ a(x: \"{}\", y: \"\"\"{}\\\"\"\"\"\"\") # {}\n }}",
            "{".repeat(100),
            "[".repeat(100),
            "(".repeat(100)
        );
        assert_eq!(scan(&quoted), Ok(()));
    }
}
