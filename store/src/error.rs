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
    /// The idempotency claim was taken over by another request.
    #[error("the idempotency claim was lost")]
    ClaimLost,
    /// A stored row could not be decoded.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
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
