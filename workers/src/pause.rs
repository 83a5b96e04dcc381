//! Waiting between steps: exponential back-off after errors, and stopping early on shutdown.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

const FIRST: Duration = Duration::from_millis(100);
const LONGEST: Duration = Duration::from_secs(10);

/// Doubling delays from 100 ms to 10 s, reset after a success.
#[derive(Debug)]
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Self { next: FIRST }
    }

    pub(crate) fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (delay * 2).min(LONGEST);
        delay
    }

    pub(crate) fn reset(&mut self) {
        self.next = FIRST;
    }
}

/// Waits for `pause` unless `shutdown` completes first; returns whether it did.
pub(crate) async fn or_shutdown<S: Future + ?Sized>(
    pause: impl Future,
    shutdown: &mut Pin<&mut S>,
) -> bool {
    tokio::select! {
        biased;
        _ = shutdown.as_mut() => true,
        _ = pause => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_ceiling_and_resets() {
        let mut backoff = Backoff::new();
        assert_eq!(backoff.next_delay(), Duration::from_millis(100));
        assert_eq!(backoff.next_delay(), Duration::from_millis(200));
        for _ in 0..20 {
            backoff.next_delay();
        }
        assert_eq!(backoff.next_delay(), LONGEST);
        backoff.reset();
        assert_eq!(backoff.next_delay(), FIRST);
    }
}
