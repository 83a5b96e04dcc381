//! REST endpoints under `/v1`, one module per resource. Each handler's doc comment is its
//! OpenAPI summary and description; the standard error responses are added to every operation
//! from the error table (see [`crate::openapi`]).

pub mod activity;
pub mod analytics;
pub mod audit;
pub mod call;
pub mod check_ins;
pub mod comments;
pub mod comps;
pub mod content;
pub mod content_lifecycle;
pub mod content_parts;
pub mod engagement;
pub mod events;
pub mod feed;
pub mod health;
pub mod identity;
pub mod keys;
pub mod ledger;
pub mod members;
pub mod moderation;
pub mod offers;
pub mod orders;
pub mod plan_changes;
pub mod points;
pub mod progress;
pub mod questions;
pub mod referrals;
pub mod reports;
pub mod search;
pub mod spaces;
pub mod streams;
pub mod stripe;
pub mod subscriptions;
pub mod terms;
pub mod tiers;
pub mod topics;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(spaces::create_space)
        .service(spaces::get_space)
        .service(spaces::update_space)
        .service(terms::get_billing_terms)
        .service(terms::set_billing_terms)
        .service(terms::get_levels)
        .service(terms::set_levels)
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
        .service(plan_changes::change_subscription_tier)
        .service(plan_changes::apply_subscription_offer)
        .service(comps::comp_membership)
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
        .service(referrals::adjust_points)
        .service(referrals::list_referrals)
        .service(identity::sign_up)
        .service(identity::sign_in)
        .service(identity::create_member_session)
        .service(identity::sign_out)
        .service(identity::me)
        .service(content::create_content)
        .service(content::list_content)
        .service(feed::get_feed)
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
        .service(audit::get_public_key)
        .service(audit::list_checkpoints)
        .service(audit::get_inclusion_proof)
        .service(audit::get_consistency_proof)
        .service(audit::export)
        .service(events::list_events)
        .service(streams::get_stream)
        .service(streams::get_stream_state)
        .service(health::healthz)
        .service(health::readyz)
        .service(check_ins::create_check_in_project)
        .service(check_ins::list_check_in_projects)
        .service(check_ins::get_check_in_project)
        .service(check_ins::check_in)
        .service(check_ins::list_check_ins)
        .service(check_ins::list_check_in_streaks)
        .service(check_ins::list_not_checked_in)
        .service(points::get_points_rules)
        .service(points::set_points_rules)
        .service(points::get_member_points)
        .service(points::list_points_ledger)
        .service(points::list_badges)
        .service(points::get_leaderboard)
        .service(content_lifecycle::schedule_content)
        .service(content_lifecycle::unschedule_content)
        .service(content_lifecycle::archive_content)
        .service(content_lifecycle::feature_content)
        .service(content_lifecycle::unfeature_content)
        .service(content_lifecycle::list_revisions)
        .service(content_parts::list_parts)
        .service(content_parts::add_part)
        .service(content_parts::reorder_parts)
        .service(content_parts::remove_part)
        .service(topics::define_topic)
        .service(topics::relate_topics)
        .service(topics::get_topic_graph)
        .service(topics::tag_content)
        .service(search::search_content)
        .service(questions::ask_question)
        .service(questions::list_questions)
        .service(questions::get_question)
        .service(questions::answer_question)
        .service(questions::accept_answer)
        .service(questions::grant_guest_role)
        .service(questions::revoke_guest_role)
        .service(questions::list_guests)
        .service(engagement::record_view)
        .service(engagement::like_item)
        .service(engagement::unlike_item)
        .service(engagement::share_item)
        .service(engagement::get_engagement)
        .service(comments::post_comment)
        .service(comments::list_comments)
        .service(comments::edit_comment)
        .service(comments::delete_comment)
        .service(comments::hide_comment)
        .service(comments::remove_comment)
        .service(moderation::mute_member)
        .service(moderation::unmute_member)
        .service(moderation::ban_member)
        .service(reports::create_report)
        .service(reports::list_reports)
        .service(reports::resolve_report)
        .service(progress::complete_lesson)
        .service(progress::get_course_progress)
        .service(activity::list_member_activity)
        .service(activity::get_member_features)
        .service(activity::list_interactions);
}
