//! The business time of the appends a task plans: a request, an import row or a worker's pass
//! runs inside [`at`], and every [`crate::command::append_for`] within it records that time as
//! its events' `occurred_at`. Outside one, events occur when they are recorded. Carried like
//! the request id, so that no command signature has to pass it along.

use std::future::Future;

tokio::task_local! {
    static OCCURRING: String;
}

/// Runs `work` with its appends happening at `time` (RFC 3339, as [`crate::time::format`]
/// writes it); with `None`, they happen when they are recorded.
pub async fn at<F: Future>(time: Option<String>, work: F) -> F::Output {
    match time {
        Some(time) => OCCURRING.scope(time, work).await,
        None => work.await,
    }
}

/// The business time of the current task, if it has one.
pub fn current() -> Option<String> {
    OCCURRING.try_with(Clone::clone).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_sees_its_own_time_and_none_outside() {
        assert_eq!(current(), None);
        let inside = at(Some("2013-10-05T00:00:00.000000Z".into()), async {
            current()
        })
        .await;
        assert_eq!(inside.as_deref(), Some("2013-10-05T00:00:00.000000Z"));
        assert_eq!(at(None, async { current() }).await, None);
    }
}
