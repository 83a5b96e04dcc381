//! Turning API errors into GraphQL errors with the same stable `code` in `extensions`.

use super::Caller;
use crate::auth::{Auth, Role};
use crate::error::ApiError;
use async_graphql::{Context, ErrorExtensions};

/// A GraphQL error carrying the error code.
pub fn gql(error: ApiError) -> async_graphql::Error {
    error.log();
    let problem = error.problem();
    let retry_after = error.retry_after;
    async_graphql::Error::new(problem.detail).extend_with(|_, extensions| {
        extensions.set("code", problem.code.clone());
        extensions.set("status", problem.status);
        extensions.set("request_id", problem.request_id.clone());
        // What REST sends as `Retry-After` (rate limits, read models behind).
        if let Some(seconds) = retry_after {
            extensions.set("retry_after", seconds);
        }
    })
}

/// The authenticated caller of this request, holding an API key. A member session may only
/// read `viewer` and make the mutations on its own membership (see [`any_caller`]).
pub fn caller<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Auth> {
    let auth = any_caller(ctx)?;
    if auth.0.role == Role::Member {
        return Err(gql(ApiError::forbidden(
            "a member session may only read `viewer`, engage with items and change its own membership",
        )));
    }
    Ok(auth)
}

/// The authenticated caller of this request: an API key or a member session.
pub fn any_caller<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Auth> {
    match ctx.data_opt::<Caller>() {
        Some(Ok(auth)) => Ok(auth),
        Some(Err((code, detail))) => Err(gql(ApiError::new(*code, detail.clone()))),
        None => Err(gql(ApiError::unauthorized(
            "send an API key as `Authorization: Bearer <key>`",
        ))),
    }
}

/// Lets resolvers use `?` on API errors without losing the code.
pub trait OrGql<T> {
    fn or_gql(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<ApiError>> OrGql<T> for Result<T, E> {
    fn or_gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| gql(e.into()))
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        gql(ApiError::new(self.code, self.detail.clone()))
    }
}
