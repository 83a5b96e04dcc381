//! Runs the long-lived tasks of a process (API, relay, consumers, live feed) and says which one
//! stopped and why, so the process can shut down instead of limping on without it.

use crate::error::WorkerError;
use std::collections::HashMap;
use std::future::Future;
use tokio::task::{Id, JoinError, JoinSet};

/// Any task error: the workers' own, or `anyhow` from glue code.
pub type TaskError = Box<dyn std::error::Error + Send + Sync>;

/// Named tasks. Dropping the supervisor aborts whatever still runs.
#[derive(Debug, Default)]
pub struct Supervisor {
    tasks: JoinSet<Result<(), TaskError>>,
    names: HashMap<Id, String>,
}

impl Supervisor {
    /// A supervisor with no tasks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `task` under `name`. A task should return `Ok` only once shutdown was asked for.
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

    /// Waits until every task has finished, or until the first one fails: then it logs which
    /// task and why, and returns that as an error (the other tasks keep running until the
    /// supervisor is dropped).
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

/// The error and its causes, outermost first.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn join_failure(error: JoinError) -> String {
    if !error.is_panic() {
        return "cancelled".to_owned();
    }
    let panic = error.into_panic();
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("panicked: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reports_the_task_that_failed() {
        let mut supervisor = Supervisor::new();
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
        let mut supervisor = Supervisor::new();
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
        let mut supervisor = Supervisor::new();
        supervisor.spawn("a", async { Ok::<(), WorkerError>(()) });
        supervisor.spawn("b", async { Ok::<(), WorkerError>(()) });
        assert!(supervisor.wait().await.is_ok());
    }
}
