//! The one table from error code to HTTP status and title. Every error Lyceum returns, over
//! REST or GraphQL, carries one of these codes.

use actix_web::http::StatusCode;
use lyceum_domain::Code;

/// `(code, status, title)` for every code.
pub const TABLE: [(Code, u16, &str); 24] = [
    (Code::BadRequest, 400, "The request is malformed"),
    (Code::Unauthorized, 401, "Authentication is required"),
    (Code::Forbidden, 403, "This key may not do that"),
    (Code::NotFound, 404, "Not found"),
    (Code::MethodNotAllowed, 405, "Method not allowed"),
    (Code::Conflict, 409, "The resource changed concurrently"),
    (Code::SlugTaken, 409, "The slug is taken"),
    (
        Code::EmailTaken,
        409,
        "The email is already signed up in this space",
    ),
    (Code::AlreadyMember, 409, "Already a member of this tier"),
    (
        Code::InvalidTransition,
        409,
        "Not allowed in the current state",
    ),
    (
        Code::IdempotencyKeyReused,
        422,
        "Idempotency key reused with a different request",
    ),
    (
        Code::IdempotencyRequestInProgress,
        409,
        "A request with this idempotency key is in progress",
    ),
    (Code::PayloadTooLarge, 413, "The request body is too large"),
    (Code::UnsupportedMediaType, 415, "Unsupported media type"),
    (Code::ValidationFailed, 422, "The request is invalid"),
    (Code::TierRequiresPayment, 422, "This tier requires payment"),
    (Code::PaymentDeclined, 402, "The payment was declined"),
    (
        Code::NotReady,
        503,
        "The read models have not caught up yet",
    ),
    (Code::Internal, 500, "Internal error"),
    (Code::RateLimited, 429, "Too many requests"),
    (Code::MemberMuted, 403, "The member is muted"),
    (
        Code::Unavailable,
        503,
        "A service Lyceum depends on is unavailable",
    ),
    (
        Code::PositionNotReached,
        409,
        "No write has reached this position",
    ),
    (
        Code::QueryTooComplex,
        400,
        "The query is too large, too deep or too complex",
    ),
];

fn entry(code: Code) -> (u16, &'static str) {
    TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or((500, "Internal error"), |(_, status, title)| {
            (*status, *title)
        })
}

/// The HTTP status for a code.
pub fn status(code: Code) -> StatusCode {
    StatusCode::from_u16(entry(code).0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The human title for a code.
pub fn title(code: Code) -> &'static str {
    entry(code).1
}

/// The problem `type` URI for a code.
pub fn type_uri(code: Code) -> String {
    format!("https://lyceum.dev/problems/{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_exactly_one_row() {
        for code in Code::ALL {
            assert_eq!(
                TABLE.iter().filter(|(c, _, _)| *c == code).count(),
                1,
                "{code}"
            );
        }
    }
}
