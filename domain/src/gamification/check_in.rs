//! The CheckInLog aggregate: one member's check-ins to one project, a stream of its own (its id
//! is derived from the two, see [`log_id`]) so that members check in without contending and the
//! once-a-day rule holds under concurrent requests. The project's schedule and rules are looked
//! up by the caller and put into the command.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::gamification::project::Schedule;
use crate::gamification::streak::Streak;
use crate::ids::{CheckInProjectId, MemberId};
use crate::values::Sealed;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The longest text a check-in may have, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;

/// The stream id of `member`'s check-ins to `project`: the same pair always gives the same id.
pub fn log_id(project: CheckInProjectId, member: MemberId) -> Uuid {
    let digest = Sha256::new()
        .chain_update(b"lyceum/check-in-log/")
        .chain_update(project.0.as_bytes())
        .chain_update(member.0.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// What the caller looked up about the project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRef {
    pub id: CheckInProjectId,
    pub schedule: Schedule,
    pub min_text_chars: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckInCommand {
    CheckIn {
        project: ProjectRef,
        member_id: MemberId,
        /// The project's calendar day now (see [`Schedule::day_at`]).
        day: NaiveDate,
        /// The length, in characters, of the trimmed text that `text` seals.
        text_chars: usize,
        /// The text, sealed with the member's key.
        text: Sealed,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum CheckInEvent {
    CheckedIn {
        project_id: CheckInProjectId,
        member_id: MemberId,
        day: NaiveDate,
        text: Sealed,
        /// The run of consecutive days this check-in reached.
        streak: u32,
    },
}

impl DomainEvent for CheckInEvent {
    fn event_type(&self) -> &'static str {
        match self {
            CheckInEvent::CheckedIn { .. } => "CheckedIn",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CheckInLog {
    /// Whose log this is, once it has a check-in.
    pub owner: Option<(CheckInProjectId, MemberId)>,
    pub streak: Streak,
}

impl Aggregate for CheckInLog {
    const TYPE: &'static str = "check_in_log";
    type Command = CheckInCommand;
    type Event = CheckInEvent;

    fn decide(&self, command: CheckInCommand) -> Result<Vec<CheckInEvent>, DomainError> {
        let CheckInCommand::CheckIn {
            project,
            member_id,
            day,
            text_chars,
            text,
        } = command;
        if self
            .owner
            .is_some_and(|owner| owner != (project.id, member_id))
        {
            return Err(DomainError::new(
                Code::Conflict,
                "this log belongs to another project or member",
            ));
        }
        if !project.schedule.is_open_on(day) {
            let until = project
                .schedule
                .ends_on()
                .map_or_else(|| "on".to_owned(), |end| format!("to {end}"));
            return Err(DomainError::transition(format!(
                "the project is not open on {day}: it runs from {} {until}",
                project.schedule.starts_on()
            )));
        }
        match self.streak.last_day {
            Some(last) if last == day => {
                return Err(DomainError::transition(format!(
                    "already checked in on {day}; check in again tomorrow"
                )));
            }
            Some(last) if last > day => {
                return Err(DomainError::transition(format!(
                    "the last check-in was on {last}, after {day}"
                )));
            }
            _ => {}
        }
        let min = usize::try_from(project.min_text_chars).unwrap_or(usize::MAX);
        if text_chars < min {
            return Err(DomainError::validation(format!(
                "text must be at least {min} characters (it has {text_chars})"
            )));
        }
        if text_chars > MAX_TEXT_CHARS {
            return Err(DomainError::validation(format!(
                "text must be at most {MAX_TEXT_CHARS} characters"
            )));
        }
        Ok(vec![CheckInEvent::CheckedIn {
            project_id: project.id,
            member_id,
            day,
            text,
            streak: self.streak.after(day).run,
        }])
    }

    fn apply(&mut self, event: &CheckInEvent) {
        match event {
            CheckInEvent::CheckedIn {
                project_id,
                member_id,
                day,
                ..
            } => {
                self.owner = Some((*project_id, *member_id));
                self.streak = self.streak.after(*day);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};

    const PROJECT: CheckInProjectId = CheckInProjectId(Uuid::from_u128(1));
    const MEMBER: MemberId = MemberId(Uuid::from_u128(2));

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2031, 3, d).unwrap_or_default()
    }

    fn project() -> ProjectRef {
        ProjectRef {
            id: PROJECT,
            schedule: Schedule::new(day(1), Some(day(20)), 0).unwrap_or_else(|e| panic!("{e}")),
            min_text_chars: 10,
        }
    }

    fn check_in(d: u32, text_chars: usize) -> CheckInCommand {
        CheckInCommand::CheckIn {
            project: project(),
            member_id: MEMBER,
            day: day(d),
            text_chars,
            text: Sealed("sealed".into()),
        }
    }

    fn checked_in(d: u32, streak: u32) -> CheckInEvent {
        CheckInEvent::CheckedIn {
            project_id: PROJECT,
            member_id: MEMBER,
            day: day(d),
            text: Sealed("sealed".into()),
            streak,
        }
    }

    #[test]
    fn the_first_check_in_starts_a_streak() {
        given_no_history::<CheckInLog>()
            .when(check_in(3, 10))
            .then_expect_events(vec![checked_in(3, 1)]);
    }

    #[test]
    fn the_next_day_grows_the_streak_and_a_gap_starts_it_again() {
        given::<CheckInLog>(vec![checked_in(3, 1), checked_in(4, 2)])
            .when(check_in(5, 10))
            .then_expect_events(vec![checked_in(5, 3)]);
        given::<CheckInLog>(vec![checked_in(3, 1), checked_in(4, 2)])
            .when(check_in(6, 10))
            .then_expect_events(vec![checked_in(6, 1)]);
    }

    #[test]
    fn a_second_check_in_on_the_same_day_is_refused() {
        given::<CheckInLog>(vec![checked_in(3, 1)])
            .when(check_in(3, 50))
            .then_expect_error(Code::InvalidTransition);
        given::<CheckInLog>(vec![checked_in(3, 1)])
            .when(check_in(2, 50))
            .then_expect_error(Code::InvalidTransition);
    }

    #[test]
    fn text_shorter_than_the_projects_minimum_or_too_long_is_refused() {
        given_no_history::<CheckInLog>()
            .when(check_in(3, 9))
            .then_expect_error(Code::ValidationFailed);
        given_no_history::<CheckInLog>()
            .when(check_in(3, MAX_TEXT_CHARS + 1))
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn check_ins_outside_the_projects_dates_are_refused() {
        for d in [
            day(1).pred_opt().unwrap_or_default(),
            day(20).succ_opt().unwrap_or_default(),
        ] {
            given_no_history::<CheckInLog>()
                .when(CheckInCommand::CheckIn {
                    project: project(),
                    member_id: MEMBER,
                    day: d,
                    text_chars: 10,
                    text: Sealed("sealed".into()),
                })
                .then_expect_error(Code::InvalidTransition);
        }
    }

    #[test]
    fn a_log_id_is_stable_per_project_and_member() {
        let other = MemberId(Uuid::from_u128(3));
        assert_eq!(log_id(PROJECT, MEMBER), log_id(PROJECT, MEMBER));
        assert_ne!(log_id(PROJECT, MEMBER), log_id(PROJECT, other));
        assert_ne!(
            log_id(PROJECT, MEMBER),
            log_id(CheckInProjectId(MEMBER.0), MemberId(PROJECT.0))
        );
    }

    #[test]
    fn events_survive_the_log() -> Result<(), serde_json::Error> {
        let event = checked_in(3, 1);
        let stored = crate::event::encode(&event)?;
        assert_eq!(stored.payload["day"], "2031-03-03");
        assert_eq!(stored.payload["member_id"], MEMBER.0.to_string());
        let decoded: CheckInEvent =
            crate::event::decode(&stored.event_type, stored.event_version, stored.payload)?;
        assert_eq!(decoded, event);
        Ok(())
    }
}
