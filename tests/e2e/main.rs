//! End-to-end tests: the real application over HTTP, against embedded mode (SQLite and the
//! in-process bus) and production mode (Postgres and RabbitMQ). One test binary.

// A panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod analytics;
mod bad_input;
mod ban_billing;
mod billing_terms;
mod check_ins;
mod cli;
mod comps;
mod content_bad_input;
mod content_support;
mod contract;
mod courses;
mod dunning;
mod engagement;
mod entitlements;
mod erasure;
mod feed;
mod gamification_bad_input;
mod gap;
mod grace;
mod idempotency;
mod identity;
mod isolation;
mod ledger;
mod levels;
mod live;
mod live_support;
mod offers;
mod pagination;
mod paywall_leaks;
mod plan_bad_input;
mod points;
mod purchase_race;
mod purchases;
mod questions;
mod replay;
mod retention;
mod revisions;
mod scheduled;
mod scheduler;
mod schema_rules;
mod search;
mod side_writes;
mod stripe;
mod stripe_billing;
mod subscriptions;
mod support;
mod tier_changes;
mod tiers;
mod topics;
mod viewer;
mod walkthrough;
mod webhooks;
