//! Riding out broker restarts: the real application on Postgres and RabbitMQ while the broker
//! is stopped and started, or closes every connection, under write load. These tests act on the
//! one shared local broker, so they live in a test binary of their own (cargo runs test
//! binaries one after another) and take turns through [`serial`].

// A panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../e2e/live_support.rs"]
mod live_support;
#[allow(dead_code)]
#[path = "../e2e/support.rs"]
mod support;

mod rabbit;
mod restart;

/// Held for the whole of a test that disrupts the broker, so no two overlap.
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    SERIAL.lock().await
}
