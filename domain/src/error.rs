//! Domain errors and their stable codes. The codes are part of the public contract: REST puts
//! them in problem+json bodies and GraphQL in `extensions.code`. The HTTP status for each code
//! lives in one table in the API crate.

use std::fmt;

/// A stable, machine-readable error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    SlugTaken,
    EmailTaken,
    AlreadyMember,
    InvalidTransition,
    IdempotencyKeyReused,
    IdempotencyRequestInProgress,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    TierRequiresPayment,
    PaymentDeclined,
    NotReady,
    Internal,
    /// Too many requests of one kind in a short time: retry after `Retry-After`.
    RateLimited,
    /// The member was muted by a moderator and may not post until the mute ends.
    MemberMuted,
    /// A service Lyceum depends on (the database) cannot be reached: retry after `Retry-After`.
    Unavailable,
    /// A `min_position` beyond the log's last position: no write has been given it.
    PositionNotReached,
    /// A GraphQL document selects too many fields, nests too deep or is too complex to run.
    QueryTooComplex,
}

impl Code {
    /// Every code, for documentation and exhaustive tests.
    pub const ALL: [Code; 24] = [
        Code::BadRequest,
        Code::Unauthorized,
        Code::Forbidden,
        Code::NotFound,
        Code::MethodNotAllowed,
        Code::Conflict,
        Code::SlugTaken,
        Code::EmailTaken,
        Code::AlreadyMember,
        Code::InvalidTransition,
        Code::IdempotencyKeyReused,
        Code::IdempotencyRequestInProgress,
        Code::PayloadTooLarge,
        Code::UnsupportedMediaType,
        Code::ValidationFailed,
        Code::TierRequiresPayment,
        Code::PaymentDeclined,
        Code::NotReady,
        Code::Internal,
        Code::RateLimited,
        Code::MemberMuted,
        Code::Unavailable,
        Code::PositionNotReached,
        Code::QueryTooComplex,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadRequest => "bad_request",
            Code::Unauthorized => "unauthorized",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::Conflict => "conflict",
            Code::SlugTaken => "slug_taken",
            Code::EmailTaken => "email_taken",
            Code::AlreadyMember => "already_member",
            Code::InvalidTransition => "invalid_transition",
            Code::IdempotencyKeyReused => "idempotency_key_reused",
            Code::IdempotencyRequestInProgress => "idempotency_request_in_progress",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::ValidationFailed => "validation_failed",
            Code::TierRequiresPayment => "tier_requires_payment",
            Code::PaymentDeclined => "payment_declined",
            Code::NotReady => "not_ready",
            Code::Internal => "internal",
            Code::RateLimited => "rate_limited",
            Code::MemberMuted => "member_muted",
            Code::Unavailable => "unavailable",
            Code::PositionNotReached => "position_not_reached",
            Code::QueryTooComplex => "query_too_complex",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule the command broke, with a message that is safe to show to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct DomainError {
    pub code: Code,
    pub detail: String,
}

impl DomainError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }

    pub fn validation(detail: impl Into<String>) -> Self {
        Self::new(Code::ValidationFailed, detail)
    }

    pub fn transition(detail: impl Into<String>) -> Self {
        Self::new(Code::InvalidTransition, detail)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(Code::NotFound, format!("{what} not found"))
    }
}
