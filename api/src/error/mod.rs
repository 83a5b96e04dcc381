//! API errors as RFC 9457 `application/problem+json`. The message sent to the client is kept
//! apart from the internal cause, which is only logged.

pub mod codes;
pub mod detail;

use crate::request_id;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use lyceum_domain::{Code, DomainError};
use lyceum_store::StoreError;
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "type": "https://lyceum.dev/problems/not_found",
    "title": "Not found",
    "status": 404,
    "detail": "space not found",
    "code": "not_found",
    "request_id": "6f1f9a52-2a47-4d2e-9b7e-0b0f3c2a6f0e"
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong with this request, safe to show.
    pub detail: String,
    /// The stable error code.
    pub code: String,
    /// The id of the request, also sent as the `X-Request-Id` header.
    pub request_id: String,
}

/// An error on its way to the client.
pub struct ApiError {
    pub code: Code,
    pub detail: String,
    /// Seconds after which a retry may succeed.
    pub retry_after: Option<u32>,
    /// The internal cause, logged and never sent.
    source: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            retry_after: None,
            source: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(Code::BadRequest, detail)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(Code::NotFound, format!("{what} not found"))
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(Code::Forbidden, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(Code::Unauthorized, detail)
    }

    /// An unexpected failure: the client learns only that it happened. A database out of
    /// reach is told apart: 503 `unavailable` with `Retry-After`, as a retry may succeed.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let cause = cause.into();
        if database_unreachable(&cause) {
            return Self {
                code: Code::Unavailable,
                detail: "the database cannot be reached; retry shortly".into(),
                retry_after: Some(1),
                source: Some(cause),
            };
        }
        Self {
            code: Code::Internal,
            detail: "an unexpected error occurred; it has been logged".into(),
            retry_after: None,
            source: Some(cause),
        }
    }

    /// Whether a retry of the same request could succeed, so its outcome must not be stored
    /// as the idempotent answer.
    pub fn is_retryable(&self) -> bool {
        matches!(codes::status(self.code).as_u16(), 409 | 429 | 500..=599)
    }

    /// Logs the internal cause, if there is one.
    pub fn log(&self) {
        if let Some(source) = &self.source {
            tracing::error!(code = %self.code, error = ?source, "request failed");
        }
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: codes::type_uri(self.code),
            title: codes::title(self.code).to_owned(),
            status: codes::status(self.code).as_u16(),
            detail: self.detail.clone(),
            code: self.code.as_str().to_owned(),
            request_id: request_id::current(),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)?;
        if let Some(source) = &self.source {
            write!(f, " ({source:#})")?;
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        codes::status(self.code)
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if self.code == Code::Unauthorized {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

/// Whether any error in `cause`'s chain says the database was out of reach.
fn database_unreachable(cause: &anyhow::Error) -> bool {
    cause.chain().any(lyceum_store::error::is_unreachable)
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        Self::new(error.code, error.detail)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict => Self::new(
                Code::Conflict,
                "the resource was changed by another request; retry",
            )
            .with_retry_after(1),
            StoreError::SlugTaken => Self::new(Code::SlugTaken, "another space has this slug"),
            StoreError::OfferCodeTaken => {
                Self::new(Code::Conflict, "another offer of this space has this code")
            }
            StoreError::EmailTaken => Self::new(
                Code::EmailTaken,
                "a member of this space already signed up with this email",
            ),
            StoreError::TopicNameTaken => {
                Self::new(Code::Conflict, "another topic of this space has this name")
            }
            StoreError::ExternalIdTaken => Self::new(
                Code::Conflict,
                "another member or item of this space has this external_id",
            ),
            StoreError::PartTaken => Self::new(
                Code::Conflict,
                "the item already belongs to another course or column",
            ),
            StoreError::ClaimLost => Self::new(
                Code::IdempotencyRequestInProgress,
                "another request took over this idempotency key",
            )
            .with_retry_after(1),
            other => Self::internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_out_of_reach_answers_503_with_retry_after() {
        let error = ApiError::internal(StoreError::Database(sqlx_timeout()));
        assert_eq!(error.code, Code::Unavailable);
        assert_eq!(error.retry_after, Some(1));
        assert!(error.is_retryable());
        let error = ApiError::internal(anyhow::anyhow!("something else"));
        assert_eq!(error.code, Code::Internal);
    }

    fn sqlx_timeout() -> lyceum_store::error::DatabaseError {
        lyceum_store::error::DatabaseError::PoolTimedOut
    }
}
