//! The event log and its companions on Postgres and SQLite: appending with optimistic
//! concurrency and idempotency in one transaction, gap-safe reading, checkpoints, API keys and
//! the personal-data vault. One SQL dialect serves both backends through `sqlx::Any`; the few
//! places that differ (DDL, the Postgres high-water mark) say so.

mod announce;
pub mod append;
pub mod billing;
pub mod catalog;
pub mod chain;
pub mod checkpoints;
pub mod clock;
pub mod command;
pub mod copy;
pub mod db;
pub mod error;
pub mod event;
pub mod external_ids;
pub mod idempotency;
pub mod identity;
pub mod keys;
pub mod migrate;
pub mod occurring;
pub mod offers;
pub mod purchases;
pub mod rate_limits;
pub mod read;
pub mod referrals;
mod schema;
pub mod side_write;
pub mod slugs;
pub mod standing;
pub mod stripe;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
pub mod vault;
pub mod webhooks;

pub use append::{Append, Metadata};
pub use db::{Backend, Db};
pub use error::StoreError;
pub use event::StoredEvent;
pub use side_write::SideWrite;
