//! How the wire types show ids to GraphQL: a `Uuid` on the wire is an `ID` there.

use async_graphql::ID;
use uuid::Uuid;

/// An optional id as an optional `ID`.
pub fn opt(id: Option<Uuid>) -> Option<ID> {
    id.map(ID::from)
}

/// A list of ids as a list of `ID`s.
pub fn list(ids: Vec<Uuid>) -> Vec<ID> {
    ids.into_iter().map(ID::from).collect()
}
