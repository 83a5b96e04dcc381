//! Runs the long-lived tasks of a process (API, relay, consumers, live feed, schedulers). A
//! task that fails or panics is restarted with backoff, logged and counted in [`Health`]; the
//! process ends only for a failure a restart cannot fix (a bad configuration), and then says
//! which task it was and why.

use crate::error::WorkerError;
use crate::health::{Health, Probe};
use crate::pause::Backoff;
use crate::stop::Stop;
use futures::FutureExt;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};
use tokio::task::{Id, JoinError, JoinSet};

/// Any task error: the workers' own, or `anyhow` from glue code.
pub type TaskError = Box<dyn std::error::Error + Send + Sync>;

/// A run this long counts as healthy: the next failure restarts without the built-up delay.
const HEALTHY_RUN: Duration = Duration::from_secs(30);

/// Named tasks. Dropping the supervisor aborts whatever still runs.
#[derive(Debug)]
pub struct Supervisor {
    tasks: JoinSet<Result<(), TaskError>>,
    names: HashMap<Id, String>,
    health: Health,
    stop: Stop,
}

impl Supervisor {
    /// A supervisor with no tasks yet; restart delays end early once `stop` is called.
    pub fn new(stop: Stop) -> Self {
        Self {
            tasks: JoinSet::new(),
            names: HashMap::new(),
            health: Health::new(),
            stop,
        }
    }

    /// The readiness of the restartable tasks.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Starts `task` under `name`, once: if it fails, the process should end. A task should
    /// return `Ok` only once shutdown was asked for.
    pub fn spawn<F, E>(&mut self, name: impl Into<String>, task: F)
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<TaskError> + 'static,
    {
        let handle = self
            .tasks
            .spawn(async move { task.await.map_err(Into::into) });
        self.names.insert(handle.id(), name.into());
    }

    /// Starts the task `start` makes, and makes and starts it again whenever it fails or
    /// panics, after a delay that doubles from 100 ms to 10 s. The task gets its [`Probe`] and
    /// says when it is ready. Only a permanent error ([`WorkerError::is_permanent`]) ends it.
    pub fn spawn_restarting<S, F, E>(&mut self, name: impl Into<String>, mut start: S)
    where
        S: FnMut(Probe) -> F + Send + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<TaskError> + 'static,
    {
        let name = name.into();
        let probe = self.health.register(name.clone());
        let stop = self.stop.clone();
        let restarting = async move {
            let mut backoff = Backoff::new();
            loop {
                let started = Instant::now();
                let run = AssertUnwindSafe(start(probe.clone())).catch_unwind().await;
                let reason = match failure(run.map(|result| result.map_err(Into::into))) {
                    Ok(None) => return Ok(()),
                    Ok(Some(reason)) => reason,
                    Err(permanent) => return Err(permanent),
                };
                if stop.is_stopped() {
                    tracing::info!(task = probe.name(), reason, "task ended while stopping");
                    return Ok(());
                }
                if started.elapsed() >= HEALTHY_RUN {
                    backoff.reset();
                }
                let delay = backoff.next_delay();
                let restarts = probe.restarting(reason.clone());
                tracing::warn!(
                    task = probe.name(),
                    reason,
                    restarts,
                    delay_ms = delay.as_millis(),
                    "task failed: restarting"
                );
                if stop
                    .unless_stopped(tokio::time::sleep(delay))
                    .await
                    .is_none()
                {
                    return Ok(());
                }
            }
        };
        self.spawn(name, restarting);
    }

    /// Waits until every task has finished, or until the first one fails for good: then it
    /// logs which task and why, and returns that as an error (the other tasks keep running
    /// until the supervisor is dropped).
    pub async fn wait(&mut self) -> Result<(), WorkerError> {
        while let Some(joined) = self.tasks.join_next_with_id().await {
            let (id, outcome) = match joined {
                Ok((id, result)) => (id, result.map_err(|error| chain(&*error))),
                Err(error) => (error.id(), Err(join_failure(error))),
            };
            let task = self.names.remove(&id).unwrap_or_default();
            match outcome {
                Ok(()) => tracing::info!(task, "task finished"),
                Err(reason) => {
                    tracing::error!(task, reason, "task failed");
                    return Err(WorkerError::TaskFailed { task, reason });
                }
            }
        }
        Ok(())
    }
}

/// Why a run ended: `None` if it finished, the reason if it failed and may be restarted, and
/// the error itself if no restart can fix it.
fn failure(
    run: Result<Result<(), TaskError>, Box<dyn Any + Send>>,
) -> Result<Option<String>, TaskError> {
    match run {
        Ok(Ok(())) => Ok(None),
        Ok(Err(error)) if is_permanent(&*error) => Err(error),
        Ok(Err(error)) => Ok(Some(chain(&*error))),
        Err(panic) => Ok(Some(format!("panicked: {}", panic_message(&*panic)))),
    }
}

/// Whether `error` is one no restart can fix.
fn is_permanent(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<WorkerError>()
        .is_some_and(WorkerError::is_permanent)
}

/// The error and its causes, outermost first.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        // Many errors already print their cause; say each only once.
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn join_failure(error: JoinError) -> String {
    if !error.is_panic() {
        return "cancelled".to_owned();
    }
    format!("panicked: {}", panic_message(&*error.into_panic()))
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn reports_the_task_that_failed() {
        let mut supervisor = Supervisor::new(Stop::new());
        supervisor.spawn("quiet", std::future::pending::<Result<(), WorkerError>>());
        supervisor.spawn("broken", async {
            Err::<(), _>(WorkerError::Malformed("bad".into()))
        });
        match supervisor.wait().await {
            Err(WorkerError::TaskFailed { task, reason }) => {
                assert_eq!(task, "broken");
                assert_eq!(reason, "malformed message: bad");
            }
            other => panic!("expected a task failure, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn reports_a_panic_by_name() {
        let mut supervisor = Supervisor::new(Stop::new());
        supervisor.spawn("panicky", async {
            if true {
                panic!("boom");
            }
            Ok::<(), WorkerError>(())
        });
        match supervisor.wait().await {
            Err(WorkerError::TaskFailed { task, reason }) => {
                assert_eq!(task, "panicky");
                assert_eq!(reason, "panicked: boom");
            }
            other => panic!("expected a task failure, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn finishes_when_every_task_has_finished() {
        let mut supervisor = Supervisor::new(Stop::new());
        supervisor.spawn("a", async { Ok::<(), WorkerError>(()) });
        supervisor.spawn("b", async { Ok::<(), WorkerError>(()) });
        assert!(supervisor.wait().await.is_ok());
    }

    /// A task that fails its first `failures` runs (the last of them by panicking), then
    /// becomes ready and finishes.
    fn flaky(
        runs: Arc<AtomicU32>,
        failures: u32,
    ) -> impl FnMut(Probe) -> futures::future::BoxFuture<'static, Result<(), WorkerError>> {
        move |probe| {
            let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                if run < failures {
                    return Err(WorkerError::Disconnected("broker gone".into()));
                }
                if run == failures {
                    panic!("boom");
                }
                probe.up();
                Ok(())
            }
            .boxed()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn restarts_a_failed_or_panicked_task_with_backoff_and_counts_it() {
        let stop = Stop::new();
        let mut supervisor = Supervisor::new(stop.clone());
        let runs = Arc::new(AtomicU32::new(0));
        supervisor.spawn_restarting("consumer", flaky(runs.clone(), 3));
        let started = tokio::time::Instant::now();
        assert!(supervisor.wait().await.is_ok());
        assert_eq!(runs.load(Ordering::SeqCst), 4);
        // 100 + 200 + 400 ms between the four runs.
        assert!(started.elapsed() >= Duration::from_millis(700));
        let health = supervisor.health().components();
        assert_eq!(health["consumer"].restarts, 3);
        assert!(health["consumer"].ready);
    }

    #[tokio::test]
    async fn a_permanent_error_ends_a_restarting_task() {
        let mut supervisor = Supervisor::new(Stop::new());
        supervisor.spawn_restarting("relay", |_probe| async {
            Err::<(), _>(WorkerError::InvalidName("x".repeat(300)))
        });
        match supervisor.wait().await {
            Err(WorkerError::TaskFailed { task, .. }) => assert_eq!(task, "relay"),
            other => panic!("expected a task failure, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn stop_ends_the_wait_before_a_restart() {
        let stop = Stop::new();
        let mut supervisor = Supervisor::new(stop.clone());
        let runs = Arc::new(AtomicU32::new(0));
        let counted = runs.clone();
        supervisor.spawn_restarting("feed", move |_probe| {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Err::<(), _>(WorkerError::Disconnected("gone".into())) }
        });
        tokio::time::sleep(Duration::from_millis(150)).await;
        stop.stop();
        assert!(supervisor.wait().await.is_ok());
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
