//! The stop signal of a process: every task and the supervisor's restart loop wait on it, so a
//! shutdown ends waits and backoffs at once while work in progress finishes.

use std::future::Future;
use tokio::sync::watch;

/// A stop signal every task can wait on. Clones share it.
#[derive(Clone, Debug)]
pub struct Stop(watch::Sender<bool>);

impl Stop {
    pub fn new() -> Self {
        Self(watch::channel(false).0)
    }

    /// Completes once [`Stop::stop`] was called.
    pub fn stopped(&self) -> impl Future<Output = ()> + Send + use<> {
        let mut receiver = self.0.subscribe();
        async move {
            let _ = receiver.wait_for(|stopped| *stopped).await;
        }
    }

    /// Whether [`Stop::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Runs `work` unless stop is called first (then `None`). Only for work that is safe to
    /// abandon halfway, such as connecting or declaring.
    pub async fn unless_stopped<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        tokio::select! {
            biased;
            _ = self.stopped() => None,
            done = work => Some(done),
        }
    }

    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl Default for Stop {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stopping_ends_unfinished_work() {
        let stop = Stop::new();
        assert_eq!(stop.unless_stopped(async { 7 }).await, Some(7));
        stop.stop();
        assert!(stop.is_stopped());
        let pending = std::future::pending::<()>();
        assert_eq!(stop.unless_stopped(pending).await, None);
    }
}
