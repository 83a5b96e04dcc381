//! Store errors: the expected refusals (a version conflict, a taken slug, a lost idempotency
//! claim) are separate variants so callers map them to stable codes; the rest is a database
//! failure that is logged, never shown.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another command appended to the same aggregate first.
    #[error("the aggregate changed since it was loaded")]
    Conflict,
    /// The slug is already reserved by another space.
    #[error("slug already taken")]
    SlugTaken,
    /// Another offer of the space has this code.
    #[error("offer code already taken")]
    OfferCodeTaken,
    /// The email is already signed up in the space.
    #[error("email already signed up")]
    EmailTaken,
    /// Another topic of the space has this name.
    #[error("topic name already taken")]
    TopicNameTaken,
    /// The lesson or article already belongs to a course or column.
    #[error("part already belongs to a course or column")]
    PartTaken,
    /// Another member or item of the space already has this external id.
    #[error("external id already taken")]
    ExternalIdTaken,
    /// The idempotency claim was taken over by another request.
    #[error("the idempotency claim was lost")]
    ClaimLost,
    /// A stored row could not be decoded.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The database driver's error, as [`StoreError::Database`] carries it.
pub use sqlx::Error as DatabaseError;

impl StoreError {
    /// Whether the database could not be reached (down, restarting, or no connection free in
    /// time), so that the same request may succeed once it is back.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Database(error) if unreachable(error))
    }
}

/// Whether `error` means the database was out of reach rather than that the statement failed:
/// a broken or refused connection, the pool giving up, or the server shutting down or not yet
/// accepting connections (SQLSTATE classes 08 and 57P).
pub fn unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => error
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// [`unreachable`] for an error of any type: a [`StoreError`] or a `sqlx` error.
pub fn is_unreachable(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<StoreError>()
        .is_some_and(StoreError::is_unavailable)
        || error.downcast_ref::<sqlx::Error>().is_some_and(unreachable)
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Corrupt(error.to_string())
    }
}

impl From<uuid::Error> for StoreError {
    fn from(error: uuid::Error) -> Self {
        StoreError::Corrupt(error.to_string())
    }
}

/// Whether a database error is a unique-constraint violation, on either backend.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.code().as_deref() == Some("23505")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_out_of_reach_is_told_from_a_failed_statement() {
        let unreachable_errors = [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        ];
        for error in unreachable_errors {
            assert!(unreachable(&error), "{error}");
            assert!(StoreError::Database(error).is_unavailable());
        }
        assert!(!unreachable(&sqlx::Error::RowNotFound));
        assert!(!StoreError::Conflict.is_unavailable());
        assert!(is_unreachable(&StoreError::Database(
            sqlx::Error::PoolTimedOut
        )));
        assert!(!is_unreachable(&StoreError::Corrupt("x".into())));
    }
}
