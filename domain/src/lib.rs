//! Lyceum's domain: aggregates, commands, events and value types. Pure: no IO, no clock, no
//! async runtime. Anything external (a tier's kind, a space's currency, sealed personal data)
//! is looked up by the caller and put into the command.

pub mod aggregate;
pub mod content;
pub mod engagement;
pub mod error;
pub mod event;
pub mod external_id;
pub mod gamification;
pub mod ids;
pub mod ledger;
pub mod membership;
pub mod money;
pub mod payment;
pub mod redaction;
pub mod space;
pub mod values;
pub mod webhook;

pub use aggregate::{Aggregate, InSpace};
pub use error::{Code, DomainError};
pub use event::{DomainEvent, EventEnvelope};
