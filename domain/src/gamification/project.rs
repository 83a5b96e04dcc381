//! The CheckInProject aggregate: a creator's daily check-in (打卡) project, with the days it
//! runs, the time zone (a fixed UTC offset) whose calendar days count, and the rules a check-in
//! must meet.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::SpaceId;
use crate::values::bounded_text;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The most characters a project title may have.
pub const MAX_TITLE: usize = 200;
/// The most characters a project description may have.
pub const MAX_DESCRIPTION: usize = 2000;
/// The highest minimum text length a project may ask for.
pub const MAX_MIN_TEXT_CHARS: u32 = 2000;
/// The easternmost offset (UTC+14:00), in minutes.
pub const MAX_UTC_OFFSET_MINUTES: i32 = 14 * 60;
/// The westernmost offset (UTC-12:00), in minutes.
pub const MIN_UTC_OFFSET_MINUTES: i32 = -12 * 60;

/// The calendar day at `now` in the time zone `utc_offset_minutes` east of UTC.
pub fn local_day(now: DateTime<Utc>, utc_offset_minutes: i32) -> NaiveDate {
    (now + Duration::minutes(i64::from(utc_offset_minutes))).date_naive()
}

/// The days a project runs and the calendar they are counted in. Valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Schedule {
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    utc_offset_minutes: i32,
}

impl Schedule {
    /// Checks that the project ends no earlier than it starts and that the offset is a real
    /// one (UTC-12:00 to UTC+14:00).
    pub fn new(
        starts_on: NaiveDate,
        ends_on: Option<NaiveDate>,
        utc_offset_minutes: i32,
    ) -> Result<Self, DomainError> {
        if ends_on.is_some_and(|end| end < starts_on) {
            return Err(DomainError::validation(
                "ends_on must not be before starts_on",
            ));
        }
        if !(MIN_UTC_OFFSET_MINUTES..=MAX_UTC_OFFSET_MINUTES).contains(&utc_offset_minutes) {
            return Err(DomainError::validation(format!(
                "utc_offset_minutes must be between {MIN_UTC_OFFSET_MINUTES} and {MAX_UTC_OFFSET_MINUTES}"
            )));
        }
        Ok(Self {
            starts_on,
            ends_on,
            utc_offset_minutes,
        })
    }

    pub fn starts_on(&self) -> NaiveDate {
        self.starts_on
    }

    /// The last day, inclusive; `None` for a project without an end.
    pub fn ends_on(&self) -> Option<NaiveDate> {
        self.ends_on
    }

    pub fn utc_offset_minutes(&self) -> i32 {
        self.utc_offset_minutes
    }

    /// The project's calendar day at `now`.
    pub fn day_at(&self, now: DateTime<Utc>) -> NaiveDate {
        local_day(now, self.utc_offset_minutes)
    }

    /// Whether members may check in on `day`.
    pub fn is_open_on(&self, day: NaiveDate) -> bool {
        day >= self.starts_on && self.ends_on.is_none_or(|end| day <= end)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckInProjectCommand {
    Create {
        space_id: SpaceId,
        title: String,
        description: Option<String>,
        schedule: Schedule,
        /// The fewest characters a check-in's text may have (0 allows an empty text).
        min_text_chars: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum CheckInProjectEvent {
    CheckInProjectCreated {
        space_id: SpaceId,
        title: String,
        description: String,
        starts_on: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ends_on: Option<NaiveDate>,
        utc_offset_minutes: i32,
        min_text_chars: u32,
    },
}

impl DomainEvent for CheckInProjectEvent {
    fn event_type(&self) -> &'static str {
        match self {
            CheckInProjectEvent::CheckInProjectCreated { .. } => "CheckInProjectCreated",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CheckInProject {
    pub state: Option<ProjectState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProjectState {
    pub space_id: SpaceId,
    pub title: String,
    pub description: String,
    pub schedule: Schedule,
    pub min_text_chars: u32,
}

impl Aggregate for CheckInProject {
    const TYPE: &'static str = "check_in_project";
    type Command = CheckInProjectCommand;
    type Event = CheckInProjectEvent;

    fn decide(
        &self,
        command: CheckInProjectCommand,
    ) -> Result<Vec<CheckInProjectEvent>, DomainError> {
        let CheckInProjectCommand::Create {
            space_id,
            title,
            description,
            schedule,
            min_text_chars,
        } = command;
        if self.state.is_some() {
            return Err(DomainError::new(
                Code::Conflict,
                "check-in project already exists",
            ));
        }
        if min_text_chars > MAX_MIN_TEXT_CHARS {
            return Err(DomainError::validation(format!(
                "min_text_chars must be at most {MAX_MIN_TEXT_CHARS}"
            )));
        }
        let description = description.unwrap_or_default().trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(DomainError::validation(format!(
                "description must be at most {MAX_DESCRIPTION} characters"
            )));
        }
        Ok(vec![CheckInProjectEvent::CheckInProjectCreated {
            space_id,
            title: bounded_text("title", &title, MAX_TITLE)?,
            description,
            starts_on: schedule.starts_on,
            ends_on: schedule.ends_on,
            utc_offset_minutes: schedule.utc_offset_minutes,
            min_text_chars,
        }])
    }

    fn apply(&mut self, event: &CheckInProjectEvent) {
        match event {
            CheckInProjectEvent::CheckInProjectCreated {
                space_id,
                title,
                description,
                starts_on,
                ends_on,
                utc_offset_minutes,
                min_text_chars,
            } => {
                // Stored events were valid when written; keep them as facts.
                let schedule = Schedule {
                    starts_on: *starts_on,
                    ends_on: *ends_on,
                    utc_offset_minutes: *utc_offset_minutes,
                };
                self.state = Some(ProjectState {
                    space_id: *space_id,
                    title: title.clone(),
                    description: description.clone(),
                    schedule,
                    min_text_chars: *min_text_chars,
                });
            }
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for CheckInProject {
    const NOUN: &'static str = "check-in project";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|p| p.space_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};
    use uuid::Uuid;

    const SPACE: SpaceId = SpaceId(Uuid::nil());

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2031, 3, d).unwrap_or_default()
    }

    fn schedule() -> Schedule {
        Schedule::new(day(1), Some(day(31)), 480).unwrap_or_else(|e| panic!("{e}"))
    }

    fn create(title: &str, min_text_chars: u32) -> CheckInProjectCommand {
        CheckInProjectCommand::Create {
            space_id: SPACE,
            title: title.into(),
            description: Some(" Read every day. ".into()),
            schedule: schedule(),
            min_text_chars,
        }
    }

    fn created() -> CheckInProjectEvent {
        CheckInProjectEvent::CheckInProjectCreated {
            space_id: SPACE,
            title: "30 days of reading".into(),
            description: "Read every day.".into(),
            starts_on: day(1),
            ends_on: Some(day(31)),
            utc_offset_minutes: 480,
            min_text_chars: 20,
        }
    }

    #[test]
    fn a_project_is_created_with_its_schedule_and_rules() {
        given_no_history::<CheckInProject>()
            .when(create(" 30 days of reading ", 20))
            .then_expect_events(vec![created()]);
    }

    #[test]
    fn a_project_is_created_once() {
        given::<CheckInProject>(vec![created()])
            .when(create("Again", 0))
            .then_expect_error(Code::Conflict);
    }

    #[test]
    fn blank_titles_and_huge_minimums_are_refused() {
        given_no_history::<CheckInProject>()
            .when(create("  ", 0))
            .then_expect_error(Code::ValidationFailed);
        given_no_history::<CheckInProject>()
            .when(create("Reading", MAX_MIN_TEXT_CHARS + 1))
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn a_schedule_ends_after_it_starts_in_a_real_time_zone() {
        assert!(Schedule::new(day(2), Some(day(1)), 0).is_err());
        assert!(Schedule::new(day(1), Some(day(1)), 0).is_ok());
        assert!(Schedule::new(day(1), None, MAX_UTC_OFFSET_MINUTES + 1).is_err());
        assert!(Schedule::new(day(1), None, MIN_UTC_OFFSET_MINUTES - 1).is_err());
    }

    #[test]
    fn days_are_counted_in_the_projects_time_zone_and_open_between_its_dates() {
        let schedule = schedule();
        let late_evening_utc = day(5).and_hms_opt(17, 0, 0).unwrap_or_default().and_utc();
        assert_eq!(
            schedule.day_at(late_evening_utc),
            day(6),
            "UTC+8 is a day ahead"
        );
        let utc = Schedule::new(day(1), None, 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(utc.day_at(late_evening_utc), day(5));
        assert!(schedule.is_open_on(day(1)) && schedule.is_open_on(day(31)));
        assert!(!schedule.is_open_on(day(1).pred_opt().unwrap_or_default()));
        assert!(!schedule.is_open_on(day(31).succ_opt().unwrap_or_default()));
        assert!(utc.is_open_on(NaiveDate::MAX));
    }
}
