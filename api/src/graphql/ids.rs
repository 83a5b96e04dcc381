//! How the wire types' UUIDs show in GraphQL: as `ID`s. The derived fields of the shared DTOs
//! name these converters (`#[graphql(skip, derived(.., with = "..."))]`).

use async_graphql::ID;
use uuid::Uuid;

/// An optional UUID as an optional `ID`.
pub fn optional(id: Option<Uuid>) -> Option<ID> {
    id.map(ID::from)
}

/// A list of UUIDs as a list of `ID`s.
pub fn list(ids: Vec<Uuid>) -> Vec<ID> {
    ids.into_iter().map(ID::from).collect()
}
