//! The schema extension that holds every GraphQL request, over HTTP or the websocket, to
//! [`super::limits`] before async-graphql validates or runs it, refuses one that validation
//! finds too complex, and gives every error it answers with a stable code and a bounded
//! message (see [`super::coded`]).

use super::coded::{self, with_code};
use super::limits::{self, MAX_COMPLEXITY, Refusal};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextRequest, NextSubscribe,
    NextValidation,
};
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult};
use futures::StreamExt;
use futures::stream::BoxStream;
use lyceum_domain::Code;
use std::sync::Arc;

/// Installs [`Limits`] on a schema.
pub struct LimitsFactory;

impl ExtensionFactory for LimitsFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Limits)
    }
}

/// See the module documentation.
pub struct Limits;

fn refused(refusal: Refusal) -> ServerError {
    tracing::info!(code = %refusal.code(), reason = %refusal, "GraphQL request refused");
    coded::error(refusal.code(), &refusal.to_string())
}

/// Every error of `response` with a code: one that has none came from async-graphql itself
/// (an unknown operation name, an argument it could not read), so it is the request's fault.
fn coded(mut response: Response) -> Response {
    response.errors = std::mem::take(&mut response.errors)
        .into_iter()
        .map(|error| with_code(error, Code::BadRequest))
        .collect();
    response
}

#[async_graphql::async_trait::async_trait]
impl Extension for Limits {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        coded(next.run(ctx).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(coded).boxed()
    }

    /// Scans the text, parses it (async-graphql keeps the parsed document) and checks it,
    /// before async-graphql's own checks walk it.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        limits::scan(&request.query).map_err(refused)?;
        let document = request
            .parsed_query()
            .map_err(|error| with_code(error, Code::BadRequest))?;
        limits::check(document).map_err(refused)?;
        next.run(ctx, request).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| with_code(error, Code::ValidationFailed))
                .collect::<Vec<_>>()
        })?;
        if result.complexity > MAX_COMPLEXITY {
            return Err(vec![refused(Refusal::TooComplex)]);
        }
        Ok(result)
    }
}
