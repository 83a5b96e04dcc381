//! The aggregate contract: a pure decision from state and command to events, and a pure fold
//! of events into state. Also the given/when/then harness every aggregate's tests use.

use crate::error::DomainError;
use crate::event::DomainEvent;

/// A consistency boundary whose history is one stream in the log.
pub trait Aggregate: Default {
    /// The stream's aggregate type, stored in the log and used in routing keys. Never renamed.
    const TYPE: &'static str;
    type Command;
    type Event: DomainEvent;

    /// Decides which events the command causes, or why it is refused. Must not change `self`.
    fn decide(&self, command: Self::Command) -> Result<Vec<Self::Event>, DomainError>;

    /// Folds one event into the state. Never fails: events are facts.
    fn apply(&mut self, event: &Self::Event);

    /// Rebuilds state from a history.
    fn from_history<'a>(events: impl IntoIterator<Item = &'a Self::Event>) -> Self
    where
        Self::Event: 'a,
    {
        let mut state = Self::default();
        for event in events {
            state.apply(event);
        }
        state
    }
}

/// An aggregate that belongs to one space, and maybe to one member of it: what lets a command
/// or a read load it only from within its own space, and lets a member session act only on
/// what is theirs. Implemented beside each aggregate.
pub trait InSpace: Aggregate {
    /// The name used in "not found" messages.
    const NOUN: &'static str;
    /// The space it belongs to; `None` before it exists (and for a space itself).
    fn space_id(&self) -> Option<crate::ids::SpaceId>;
    /// The member it belongs to, if it belongs to one.
    fn owner(&self) -> Option<crate::ids::MemberId> {
        None
    }
}

/// given/when/then tests for aggregates.
pub mod testing {
    use super::*;
    use crate::error::Code;

    /// Starts a scenario from a history.
    pub fn given<A: Aggregate>(history: Vec<A::Event>) -> Given<A> {
        Given {
            state: A::from_history(&history),
        }
    }

    /// Starts a scenario from an aggregate with no history.
    pub fn given_no_history<A: Aggregate>() -> Given<A> {
        given(Vec::new())
    }

    pub struct Given<A: Aggregate> {
        state: A,
    }

    impl<A: Aggregate> Given<A> {
        pub fn when(self, command: A::Command) -> Then<A> {
            Then {
                result: self.state.decide(command),
            }
        }
    }

    pub struct Then<A: Aggregate> {
        result: Result<Vec<A::Event>, DomainError>,
    }

    impl<A: Aggregate> Then<A> {
        #[track_caller]
        pub fn then_expect_events(self, expected: Vec<A::Event>) {
            match self.result {
                Ok(events) => assert_eq!(events, expected),
                Err(error) => panic!("expected events {expected:?}, got error {error}"),
            }
        }

        #[track_caller]
        pub fn then_expect_error(self, code: Code) {
            match self.result {
                Ok(events) => panic!("expected error {code}, got events {events:?}"),
                Err(error) => assert_eq!(error.code, code, "{error}"),
            }
        }
    }
}
