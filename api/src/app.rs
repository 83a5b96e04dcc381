//! The HTTP server: built once from shared state, bound to a listener the caller provides.

use crate::error::{ApiError, detail};
use crate::fallback::{Routes, fallback};
use crate::state::AppState;
use crate::{graphql, json_body, metrics, openapi, request_id, rest};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::middleware::from_fn;
use actix_web::web::{self, Data};
use actix_web::{App, HttpRequest, HttpServer};
use lyceum_domain::Code;
use std::net::TcpListener;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

pub use crate::body::MAX_BODY;

/// A running server.
pub type Server = actix_web::dev::Server;

fn json_error(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let api = match &error {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::new(Code::PayloadTooLarge, "the body is larger than 1 MiB")
        }
        JsonPayloadError::ContentType => ApiError::new(
            Code::UnsupportedMediaType,
            "send the body as application/json",
        ),
        JsonPayloadError::Deserialize(e) => ApiError::bad_request(detail::from_json(e)),
        other => {
            tracing::info!(error = %other, "request body could not be read");
            ApiError::bad_request("the body could not be read")
        }
    };
    api.into()
}

fn query_error(error: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    tracing::info!(error = %error, "query string refused");
    let message = match &error {
        QueryPayloadError::Deserialize(e) => detail::from_serde(&e.to_string()),
        other => detail::bounded(&other.to_string()),
    };
    ApiError::bad_request(format!("the query string is not valid: {message}")).into()
}

fn path_error(error: PathError, _: &HttpRequest) -> actix_web::Error {
    tracing::info!(error = %error, "path refused");
    let PathError::Deserialize(e) = &error else {
        return ApiError::bad_request("the path is not valid").into();
    };
    let message = detail::from_serde(&e.to_string());
    ApiError::bad_request(format!("the path is not valid: {message}")).into()
}

/// Starts serving on `listener` with `workers` threads. The returned server runs until it is
/// stopped.
pub fn serve(listener: TcpListener, state: AppState, workers: usize) -> std::io::Result<Server> {
    metrics::install();
    let document = openapi::document();
    let routes = Data::new(Routes::from_document(&document));
    let schema = graphql::schema(state.clone());
    let state = Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(Data::new(schema.clone()))
            .app_data(routes.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(MAX_BODY)
                    .error_handler(json_error),
            )
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .wrap(from_fn(crate::business_time::middleware))
            .wrap(from_fn(json_body::middleware))
            .wrap(from_fn(crate::limits::middleware))
            .wrap(TracingLogger::default())
            .wrap(from_fn(request_id::middleware))
            .wrap(from_fn(metrics::http::middleware))
            .into_utoipa_app()
            .configure(rest::configure)
            .into_app()
            .configure(graphql::routes)
            .route("/metrics", web::get().to(metrics::endpoint::scrape))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", document.clone()))
            .service(web::redirect("/docs", "/docs/"))
            .default_service(web::to(fallback))
    })
    .workers(workers.max(1))
    .listen(listener)?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}
