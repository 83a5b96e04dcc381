//! End-to-end tests: the real application over HTTP, against embedded mode (SQLite and the
//! in-process bus) and production mode (Postgres and RabbitMQ). One test binary.

// A panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod analytics;
mod bad_input;
mod cli;
mod contract;
mod dunning;
mod entitlements;
mod erasure;
mod gap;
mod idempotency;
mod identity;
mod isolation;
mod ledger;
mod offers;
mod pagination;
mod purchases;
mod replay;
mod scheduler;
mod stripe;
mod subscription;
mod subscriptions;
mod support;
mod tiers;
mod walkthrough;
mod webhooks;
