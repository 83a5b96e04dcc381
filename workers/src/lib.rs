//! Moving events out of the log: the relay that publishes them to RabbitMQ (or the in-process
//! bus in embedded mode), the consumers that feed the projections, and the live feed behind
//! GraphQL subscriptions.

pub mod feed;

pub use feed::{LiveFeed, Nudge};
