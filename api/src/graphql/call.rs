//! What every resolver starts and ends with: the caller, the space it acts in, and the payload
//! of a committed write.

use super::error::{OrGql, any_caller, caller};
use super::types::{Done, Payload};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::plan::{Planned, commit};
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
use async_graphql::{Context, OutputType};

/// The state and the caller: an API key for `Read` and `Write`, a key or a member session for
/// the `Member…` intents.
pub fn caller_for<'a>(
    ctx: &Context<'a>,
    intent: Intent,
) -> async_graphql::Result<(&'a AppState, &'a Auth)> {
    let auth = match intent {
        Intent::Read | Intent::Write => caller(ctx)?,
        Intent::MemberRead | Intent::MemberWrite => any_caller(ctx)?,
    };
    Ok((ctx.data::<AppState>()?, auth))
}

/// The state, the caller and the space it acts in: the one named, or the caller's own when
/// none is named (an admin key belongs to none, so it must name one).
pub async fn in_space<'a>(
    ctx: &Context<'a>,
    space: Option<&str>,
    intent: Intent,
) -> async_graphql::Result<(&'a AppState, &'a Auth, SpaceRef)> {
    let (state, auth) = caller_for(ctx, intent)?;
    let space = match (space, auth.0.space_id) {
        (Some(space), _) => space.to_owned(),
        (None, Some(own)) => own.to_string(),
        (None, None) => {
            return Err(super::gql(ApiError::bad_request(
                "name the space: an admin key belongs to none",
            )));
        }
    };
    let space = resolve(state, auth, &space, intent).await.or_gql()?;
    Ok((state, auth, space))
}

/// Appends a planned command and answers with what it made and its position.
pub async fn payload<T: OutputType>(
    state: &AppState,
    planned: Result<Planned<T>, ApiError>,
) -> async_graphql::Result<Payload<T>> {
    let (node, position) = commit(state, planned.or_gql()?).await.or_gql()?;
    Ok(Payload { node, position })
}

/// Appends a planned command that makes no object.
pub async fn done(
    state: &AppState,
    planned: Result<Planned<()>, ApiError>,
) -> async_graphql::Result<Done> {
    let ((), position) = commit(state, planned.or_gql()?).await.or_gql()?;
    Ok(Done { position })
}
