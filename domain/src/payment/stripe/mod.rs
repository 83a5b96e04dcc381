//! The pure half of the Stripe-compatible inbound webhook adapter: checking the
//! `Stripe-Signature` header ([`signature`]) and parsing the event types we act on into typed
//! values ([`event`]). The HTTP endpoint, the secret store and the mapping onto commands live in
//! the API crate; nothing here touches a network or a clock.

pub mod event;
pub mod signature;

pub use event::{ParseError, StripeEvent, StripeEventKind, parse_event};
pub use signature::{
    DEFAULT_TOLERANCE_SECS, SECRET_LEN, SECRET_PREFIX, SignatureError, sign, verify_signature,
};
