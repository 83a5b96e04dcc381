//! One aggregate's state as of a point of the log, for admin and auditor keys: the GraphQL
//! face of `service::history`, which REST's `/v1/streams/…/state` serves too.

use super::error::{OrGql, caller};
use crate::dto::history::StreamState;
use crate::error::ApiError;
use crate::service::history::{self, Cut};
use crate::state::AppState;
use async_graphql::{Context, ID, Object};
use lyceum_domain::Code;

#[derive(Default)]
pub struct HistoryQuery;

#[Object]
impl HistoryQuery {
    /// One aggregate's state as of a point of the log: its events up to `asOfPosition` (a
    /// global position) or `asOf` (an RFC 3339 time), or all of them, folded through the
    /// domain's own rules. Give at most one of `asOfPosition` and `asOf`: both at once is
    /// refused with `validation_failed`. The aggregate types are those of REST's
    /// `/v1/streams/{aggregate_type}/{aggregate_id}`. Admin or auditor keys; an auditor reads
    /// only its space's aggregates. Null if the aggregate had no event by then, or is in a
    /// space the key may not see.
    async fn stream_state(
        &self,
        ctx: &Context<'_>,
        aggregate_type: String,
        aggregate_id: ID,
        as_of_position: Option<i64>,
        as_of: Option<String>,
    ) -> async_graphql::Result<Option<StreamState>> {
        let (auth, state) = (caller(ctx)?, ctx.data::<AppState>()?);
        let cut = Cut::parse(as_of_position, as_of.as_deref()).or_gql()?;
        not_found_as_none(
            history::state_as_of(state, auth, &aggregate_type, &aggregate_id, cut).await,
        )
    }
}

fn not_found_as_none<T>(result: Result<T, ApiError>) -> async_graphql::Result<Option<T>> {
    match result {
        Ok(found) => Ok(Some(found)),
        Err(e) if e.code == Code::NotFound => Ok(None),
        Err(e) => Err(e).or_gql(),
    }
}
