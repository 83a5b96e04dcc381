//! REST endpoints under `/v1`, one module per resource. Each handler's doc comment is its
//! OpenAPI summary and description; the standard error responses are added to every operation
//! from the error table (see [`crate::openapi`]).

pub mod content;
pub mod events;
pub mod health;
pub mod keys;
pub mod members;
pub mod spaces;
pub mod tiers;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(spaces::create_space)
        .service(spaces::get_space)
        .service(spaces::update_space)
        .service(keys::create_key)
        .service(tiers::create_tier)
        .service(tiers::list_tiers)
        .service(members::create_member)
        .service(members::list_members)
        .service(members::get_member)
        .service(members::remove_member)
        .service(members::join_tier)
        .service(members::erase_personal_data)
        .service(content::create_content)
        .service(content::list_content)
        .service(content::get_content)
        .service(content::edit_content)
        .service(content::publish_content)
        .service(content::unpublish_content)
        .service(events::list_events)
        .service(events::get_stream)
        .service(health::healthz)
        .service(health::readyz);
}
