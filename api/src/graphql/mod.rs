//! GraphQL at `/graphql`: queries over the read models, mutations through the same service
//! layer as REST, and an `events` subscription over `graphql-transport-ws`, fed by the bus.
//! Errors carry the REST error code in `extensions.code`. Every request is bounded before it
//! runs: its body (`body.rs`), its document (`limits.rs`, applied by `extension.rs`), its
//! socket (`socket.rs`).

mod analytics;
mod body;
mod call;
mod catalog;
mod coded;
mod content_fields;
mod content_mutation;
mod engagement;
mod engagement_query;
mod error;
mod extension;
mod gamification;
mod gamification_fields;
mod history;
mod limits;
mod live;
mod loaders;
mod members;
mod moderation;
mod mutation;
mod orders;
mod query;
mod questions;
mod socket;
mod spaces;
mod subscriptions;
mod tiers;
mod types;

use crate::auth::{Auth, authenticate, bearer};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::web::{self, Data};
use actix_web::{Either, HttpRequest, HttpResponse, guard};
use async_graphql::dataloader::DataLoader;
use async_graphql::{MergedObject, Schema};
use async_graphql_actix_web::GraphQLResponse;
pub use error::{caller, gql};
pub use limits::{MAX_COMPLEXITY, MAX_DEPTH, MAX_FIELDS, MAX_INTROSPECTION_DEPTH};
use live::Subscription;

/// Every mutation: those that take a key, and those a member session may make too.
#[derive(MergedObject, Default)]
pub struct Mutation(
    spaces::SpaceMutation,
    tiers::TierMutation,
    subscriptions::SubscriptionMutation,
    orders::OrderMutation,
    members::MemberMutation,
    mutation::CreatorMutation,
    gamification::GamificationMutation,
    content_mutation::ContentMutation,
    questions::QuestionMutation,
    engagement::EngagementMutation,
    moderation::ModerationMutation,
);

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    query::Query,
    spaces::SpaceQuery,
    members::MemberQuery,
    subscriptions::SubscriptionQuery,
    analytics::AnalyticsQuery,
    gamification::GamificationQuery,
    catalog::CatalogQuery,
    engagement_query::EngagementQuery,
    history::HistoryQuery,
);

/// The schema type.
pub type LyceumSchema = Schema<Query, Mutation, Subscription>;

/// The schema with its shared state, built once. Its depth and complexity limits are
/// `limits.rs`'s, applied by `extension.rs` (async-graphql's own depth limit would count the
/// standard introspection query too deep, and its errors carry no code).
pub fn schema(state: AppState) -> LyceumSchema {
    let loaders = DataLoader::new(
        loaders::Loaders {
            db: state.db.clone(),
        },
        tokio::spawn,
    );
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .data(state)
        .data(loaders)
        .extension(extension::LimitsFactory)
        .limit_recursive_depth(limits::MAX_NESTING)
        .finish()
}

/// The SDL as checked in at `openapi/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .finish()
        .sdl()
}

/// The authentication outcome of a request, for resolvers to check.
pub(crate) type Caller = Result<Auth, (lyceum_domain::Code, String)>;

async fn caller_from(state: &AppState, header: Option<&str>) -> Caller {
    let result: Result<Auth, ApiError> = async {
        let secret = bearer(header)?;
        Ok(Auth(authenticate(state, secret).await?))
    }
    .await;
    result.map_err(|e| {
        e.log();
        (e.code, e.detail)
    })
}

/// Runs the one request in the body, as the caller its `Authorization` header names.
async fn execute(
    schema: Data<LyceumSchema>,
    state: Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Either<HttpResponse, GraphQLResponse> {
    let request = match body::read(&req, payload).await {
        Ok(request) => request,
        Err(refusal) => return Either::Left(refusal.response()),
    };
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let caller = caller_from(&state, header).await;
    Either::Right(schema.execute(request.data(caller)).await.into())
}

/// Registers `/graphql` (POST for queries and mutations, GET with a WebSocket upgrade for
/// subscriptions).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(execute))
            .route(
                web::get()
                    .guard(guard::Header("upgrade", "websocket"))
                    .to(socket::subscribe),
            ),
    );
}
