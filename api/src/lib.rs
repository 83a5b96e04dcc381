//! Lyceum's HTTP surface: REST under `/v1` with its OpenAPI contract and docs UI, GraphQL at
//! `/graphql`, authentication, problem+json errors, idempotency and read-your-writes.

pub mod app;
pub mod auth;
pub mod body;
pub mod business_time;
pub mod consistency;
pub mod dto;
pub mod error;
pub mod fallback;
pub mod graphql;
pub mod json_body;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod plan;
pub mod request_id;
pub mod rest;
pub mod service;
pub mod space;
pub mod state;
pub mod write;

pub use app::{Server, serve};
pub use error::ApiError;
pub use state::AppState;
