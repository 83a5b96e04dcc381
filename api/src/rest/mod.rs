//! REST endpoints under `/v1`, one module per resource. Each handler's doc comment is its
//! OpenAPI summary and description; the standard error responses are added to every operation
//! from the error table (see [`crate::openapi`]).

pub mod analytics;
pub mod content;
pub mod events;
pub mod health;
pub mod identity;
pub mod keys;
pub mod ledger;
pub mod members;
pub mod offers;
pub mod orders;
pub mod spaces;
pub mod stripe;
pub mod subscriptions;
pub mod tiers;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(spaces::create_space)
        .service(spaces::get_space)
        .service(spaces::update_space)
        .service(keys::create_key)
        .service(tiers::create_tier)
        .service(tiers::list_tiers)
        .service(tiers::get_tier)
        .service(tiers::update_tier)
        .service(tiers::archive_tier)
        .service(subscriptions::start_subscription)
        .service(subscriptions::list_subscriptions)
        .service(subscriptions::get_subscription)
        .service(subscriptions::cancel_subscription)
        .service(subscriptions::resume_subscription)
        .service(subscriptions::set_payment_method)
        .service(orders::create_purchase)
        .service(orders::list_orders)
        .service(orders::get_order)
        .service(orders::refund_order)
        .service(ledger::get_ledger)
        .service(offers::create_offer)
        .service(offers::get_offer)
        .service(offers::archive_offer)
        .service(analytics::get_analytics_summary)
        .service(members::create_member)
        .service(members::list_members)
        .service(members::get_member)
        .service(members::get_entitlements)
        .service(members::remove_member)
        .service(members::join_tier)
        .service(members::erase_personal_data)
        .service(identity::sign_up)
        .service(identity::sign_in)
        .service(identity::create_member_session)
        .service(identity::sign_out)
        .service(identity::me)
        .service(content::create_content)
        .service(content::list_content)
        .service(content::get_content)
        .service(content::edit_content)
        .service(content::publish_content)
        .service(content::unpublish_content)
        .service(webhooks::create_webhook)
        .service(webhooks::list_webhooks)
        .service(webhooks::disable_webhook)
        .service(webhooks::rotate_webhook_secret)
        .service(webhooks::list_deliveries)
        .service(webhooks::replay_webhook)
        .service(stripe::add_stripe_secret)
        .service(stripe::receive_stripe_event)
        .service(events::list_events)
        .service(events::get_stream)
        .service(health::healthz)
        .service(health::readyz);
}
