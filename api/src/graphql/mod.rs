//! GraphQL at `/graphql`: queries over the read models, mutations through the same service
//! layer as REST, and an `events` subscription over `graphql-transport-ws`, fed by the bus.
//! Errors carry the REST error code in `extensions.code`.

mod analytics;
mod call;
mod catalog;
mod content_fields;
mod content_mutation;
mod engagement;
mod engagement_query;
mod error;
mod gamification;
mod gamification_fields;
mod live;
mod loaders;
mod members;
mod moderation;
mod mutation;
mod orders;
mod query;
mod questions;
mod spaces;
mod subscriptions;
mod tiers;
mod types;

use crate::auth::{Auth, authenticate, bearer};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::web::{self, Data};
use actix_web::{HttpRequest, HttpResponse, guard};
use async_graphql::dataloader::DataLoader;
use async_graphql::{MergedObject, Schema};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse, GraphQLSubscription};
pub use error::{caller, gql};
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
);

/// The schema type.
pub type LyceumSchema = Schema<Query, Mutation, Subscription>;

/// How deep a query may nest.
pub const MAX_DEPTH: usize = 10;
/// How complex a query may be (each field counts 1; connections count `first` times).
pub const MAX_COMPLEXITY: usize = 2_000;

/// The schema with its shared state, built once.
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
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
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

async fn execute(
    schema: Data<LyceumSchema>,
    state: Data<AppState>,
    req: HttpRequest,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let caller = caller_from(&state, header).await;
    schema
        .execute(request.into_inner().data(caller))
        .await
        .into()
}

async fn subscribe(
    schema: Data<LyceumSchema>,
    state: Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    let state = state.get_ref().clone();
    GraphQLSubscription::new(Schema::clone(&*schema))
        .on_connection_init(move |init| async move {
            let header = ["Authorization", "authorization"]
                .iter()
                .find_map(|k| init.get(k).and_then(|v| v.as_str()).map(str::to_owned));
            let mut data = async_graphql::Data::default();
            data.insert(caller_from(&state, header.as_deref()).await);
            Ok(data)
        })
        .start(&req, payload)
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
                    .to(subscribe),
            ),
    );
}
