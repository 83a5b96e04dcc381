//! Moving events out of the log: the relay that publishes them to RabbitMQ (or the in-process
//! bus in embedded mode), the consumers that feed the projections, and the live feed behind
//! GraphQL subscriptions, all run under one supervisor that restarts what fails.

pub mod amqp;
pub mod checkpoint_listener;
pub mod consumer;
pub mod embedded;
pub mod error;
pub mod feed;
pub mod health;
pub mod leadership;
pub mod leases;
pub mod live;
pub mod message;
mod pause;
pub mod publisher;
pub mod relay;
pub mod scheduler;
pub mod sealer;
pub mod stop;
pub mod supervisor;
pub mod timed;
pub mod topology;
pub mod webhooks;

pub use amqp::Broker;
pub use checkpoint_listener::Listening;
pub use consumer::ProjectionConsumer;
pub use error::WorkerError;
pub use feed::{LiveFeed, Nudge};
pub use health::{Health, Probe};
pub use leadership::{Leadership, acquire_leadership};
pub use live::{BrokerFeed, LogTail};
pub use relay::Relay;
pub use sealer::{Cadence, Sealer};
pub use stop::Stop;
pub use supervisor::Supervisor;
pub use topology::Topology;
