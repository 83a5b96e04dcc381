//! What each supervised task says about itself: ready, or not and why, and how often it was
//! restarted. `/readyz` reads it; a task that lost its broker connection is not ready until it
//! consumes again.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The state of one task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Whether the task is doing its job (connected and consuming, for a broker task).
    pub ready: bool,
    /// Why it is not ready: the last error, or "starting".
    pub reason: Option<String>,
    /// How many times the supervisor has restarted it.
    pub restarts: u64,
}

/// The tasks of one process, by name. Clones share the same registry.
#[derive(Clone, Debug, Default)]
pub struct Health {
    components: Arc<Mutex<BTreeMap<String, Component>>>,
}

impl Health {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a task, not ready until it says so, and returns its probe.
    pub fn register(&self, name: impl Into<String>) -> Probe {
        let name = name.into();
        self.lock().insert(
            name.clone(),
            Component {
                ready: false,
                reason: Some("starting".to_owned()),
                restarts: 0,
            },
        );
        Probe {
            health: self.clone(),
            name,
        }
    }

    /// Every task's state, by name.
    pub fn components(&self) -> BTreeMap<String, Component> {
        self.lock().clone()
    }

    /// The tasks that are not ready, with their reasons.
    pub fn not_ready(&self) -> Vec<(String, String)> {
        self.lock()
            .iter()
            .filter(|(_, component)| !component.ready)
            .map(|(name, component)| (name.clone(), component.reason.clone().unwrap_or_default()))
            .collect()
    }

    /// Restarts of all tasks together.
    pub fn restarts(&self) -> u64 {
        self.lock()
            .values()
            .map(|component| component.restarts)
            .sum()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Component>> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.components
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn update(&self, name: &str, change: impl FnOnce(&mut Component)) -> Option<Component> {
        let mut components = self.lock();
        let component = components.get_mut(name)?;
        change(component);
        Some(component.clone())
    }
}

/// One task's handle on its own entry.
#[derive(Clone, Debug)]
pub struct Probe {
    health: Health,
    name: String,
}

impl Probe {
    /// The task is doing its job.
    pub fn up(&self) {
        let mut was_ready = true;
        self.health.update(&self.name, |component| {
            was_ready = std::mem::replace(&mut component.ready, true);
            component.reason = None;
        });
        if !was_ready {
            tracing::info!(task = %self.name, "ready");
        }
    }

    /// The task cannot do its job right now, because of `reason`.
    pub fn down(&self, reason: impl Into<String>) {
        let reason = reason.into();
        self.health.update(&self.name, |component| {
            component.ready = false;
            component.reason = Some(reason);
        });
    }

    /// The task failed with `reason` and is about to be restarted; returns its restart count.
    pub fn restarting(&self, reason: impl Into<String>) -> u64 {
        let reason = reason.into();
        self.health
            .update(&self.name, |component| {
                component.ready = false;
                component.reason = Some(reason);
                component.restarts += 1;
            })
            .map_or(0, |component| component.restarts)
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_is_not_ready_until_it_says_so_and_keeps_its_restart_count() {
        let health = Health::new();
        let probe = health.register("consumer tiers");
        assert_eq!(
            health.not_ready(),
            vec![("consumer tiers".to_owned(), "starting".to_owned())]
        );
        probe.up();
        assert!(health.not_ready().is_empty());
        assert_eq!(probe.restarting("broker: connection refused"), 1);
        assert_eq!(
            health.not_ready(),
            vec![(
                "consumer tiers".to_owned(),
                "broker: connection refused".to_owned()
            )]
        );
        probe.up();
        probe.down("broker: channel closed");
        assert_eq!(health.restarts(), 1);
        assert!(!health.components()["consumer tiers"].ready);
    }
}
