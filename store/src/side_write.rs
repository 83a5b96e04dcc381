//! A row outside the log that must change in the same transaction as a command's events (a slug
//! reservation, a member's key, a handled Stripe event). Each side table's module owns its
//! writes: the values, their SQL and how a refusal reads (a unique violation becomes
//! [`StoreError::SlugTaken`], [`StoreError::EmailTaken`], [`StoreError::Conflict`], …). The
//! append runs them through this trait without knowing any of them.

use crate::error::{StoreError, is_unique_violation};
use sqlx::AnyConnection;
use sqlx::any::AnyQueryResult;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

/// What a [`SideWrite`] returns from `apply`: a future that may move between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A write to a side table, run inside an append's open transaction, before its events. An
/// error rolls the whole append back.
pub trait SideWrite: Debug + Send + Sync {
    /// Writes the row(s) on `conn`, whose transaction the append commits or rolls back.
    fn apply<'a>(&'a self, conn: &'a mut AnyConnection) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// A statement's result with a unique violation told as `taken`, the refusal the caller maps to
/// a stable code; any other failure is a database error.
pub(crate) fn unique_as(
    result: Result<AnyQueryResult, sqlx::Error>,
    taken: StoreError,
) -> Result<(), StoreError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(taken),
        Err(e) => Err(e.into()),
    }
}
