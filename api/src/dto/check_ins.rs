//! Bodies for check-in projects, check-ins and members' streaks.

use super::rules::{FieldRule, Rule, on};
use async_graphql::{InputObject, SimpleObject};
use lyceum_domain::gamification::streak::Streak;
use lyceum_projections::check_ins::queries::{CheckInRow, StreakRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A new check-in project.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, InputObject)]
#[serde(deny_unknown_fields)]
#[graphql(name = "CreateCheckInProjectInput")]
#[schema(example = json!({"title": "30 days of reading", "description": "Read, then say what stuck.",
    "starts_on": "2031-03-03", "ends_on": "2031-04-01", "utc_offset_minutes": 480,
    "min_text_chars": 20}))]
pub struct CreateCheckInProject {
    /// 1 to 200 characters.
    pub title: String,
    /// At most 2000 characters.
    pub description: Option<String>,
    /// The first day members may check in (`YYYY-MM-DD`); today in the project's time zone if
    /// left out.
    #[schema(format = Date)]
    pub starts_on: Option<String>,
    /// The last day, inclusive; no end if left out.
    #[schema(format = Date)]
    pub ends_on: Option<String>,
    /// The time zone whose calendar days count, as minutes east of UTC (-720 to 840; 480 is
    /// UTC+08:00). Default 0 (UTC). A fixed offset: it does not follow daylight saving time.
    pub utc_offset_minutes: Option<i32>,
    /// The fewest characters a check-in's text may have (0 to 2000). Default 0.
    pub min_text_chars: Option<u32>,
}

/// A member's record in one project, as seen today in the project's time zone.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "CheckInStreak", complex)]
#[schema(example = json!({"project_id": "0192f0c4-9b7c-7d88-a364-b01c2d3e4f50",
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "display_name": "Ada",
    "checked_in_today": true, "current_streak": 5, "longest_streak": 9, "total_check_ins": 21,
    "last_day": "2031-03-21"}))]
pub struct MemberStreak {
    #[graphql(skip)]
    pub project_id: Uuid,
    #[graphql(skip)]
    pub member_id: Uuid,
    /// Null once the member's personal data is erased.
    pub display_name: Option<String>,
    pub checked_in_today: bool,
    /// Consecutive days up to today, or up to yesterday while today is still open; 0 once a day
    /// was missed.
    pub current_streak: u32,
    pub longest_streak: u32,
    pub total_check_ins: u32,
    /// Null before the first check-in.
    pub last_day: Option<String>,
}

impl MemberStreak {
    /// The record of `row` as seen on `today`.
    pub fn on(row: StreakRow, today: chrono::NaiveDate) -> Self {
        Self::of(
            row.project_id,
            row.member_id,
            row.display_name,
            &row.streak,
            today,
        )
    }

    pub fn of(
        project_id: Uuid,
        member_id: Uuid,
        display_name: Option<String>,
        streak: &Streak,
        today: chrono::NaiveDate,
    ) -> Self {
        Self {
            project_id,
            member_id,
            display_name,
            checked_in_today: streak.checked_in_on(today),
            current_streak: streak.current_on(today),
            longest_streak: streak.longest,
            total_check_ins: streak.total,
            last_day: streak.last_day.map(|d| d.to_string()),
        }
    }
}

/// A check-in project.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "CheckInProject", complex)]
#[schema(example = json!({"id": "0192f0c4-9b7c-7d88-a364-b01c2d3e4f50",
    "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f", "title": "30 days of reading",
    "description": "Read, then say what stuck.", "starts_on": "2031-03-03",
    "ends_on": "2031-04-01", "utc_offset_minutes": 480, "min_text_chars": 20,
    "created_at": "2031-03-01T08:00:00.000000Z", "today": "2031-03-21", "open_today": true,
    "members_checked_in": 42, "members_checked_in_today": 17, "viewer": null}))]
pub struct CheckInProject {
    #[graphql(skip)]
    pub id: Uuid,
    #[graphql(skip)]
    pub space_id: Uuid,
    pub title: String,
    pub description: String,
    pub starts_on: String,
    /// Null for a project without an end.
    pub ends_on: Option<String>,
    pub utc_offset_minutes: i32,
    pub min_text_chars: u32,
    pub created_at: String,
    /// Today in the project's time zone.
    pub today: String,
    /// Whether members may check in today.
    pub open_today: bool,
    /// Members who ever checked in.
    pub members_checked_in: i64,
    /// Members who checked in today.
    pub members_checked_in_today: i64,
    /// The signed-in member's own record, for a member session; null for API keys.
    pub viewer: Option<MemberStreak>,
}

/// A check-in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, InputObject)]
#[serde(deny_unknown_fields)]
#[graphql(name = "CheckInInput")]
#[schema(example = json!({"text": "Read chapter 3: deliberate practice beats talent."}))]
pub struct CheckInBody {
    /// What the member did today; at least the project's `min_text_chars` and at most 5000
    /// characters (after trimming). Sealed with the member's key: erasing the member's personal
    /// data erases it.
    pub text: String,
}

/// A member's check-in on one day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "CheckIn", complex)]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
    "display_name": "Ada", "day": "2031-03-21",
    "text": "Read chapter 3: deliberate practice beats talent.", "streak": 5,
    "recorded_at": "2031-03-21T07:30:00.000000Z"}))]
pub struct CheckInEntry {
    #[graphql(skip)]
    pub member_id: Uuid,
    /// Null once the member's personal data is erased.
    pub display_name: Option<String>,
    pub day: String,
    /// Null once the member's personal data is erased.
    pub text: Option<String>,
    /// The run of consecutive days this check-in reached.
    pub streak: i64,
    pub recorded_at: String,
}

impl From<CheckInRow> for CheckInEntry {
    fn from(row: CheckInRow) -> Self {
        Self {
            member_id: row.member_id,
            display_name: row.display_name,
            day: row.day,
            text: row.text,
            streak: row.streak,
            recorded_at: row.recorded_at,
        }
    }
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::gamification::check_in::MAX_TEXT_CHARS;
    use lyceum_domain::gamification::project::{
        MAX_DESCRIPTION, MAX_MIN_TEXT_CHARS, MAX_TITLE, MAX_UTC_OFFSET_MINUTES,
        MIN_UTC_OFFSET_MINUTES,
    };
    let offsets = (MIN_UTC_OFFSET_MINUTES, MAX_UTC_OFFSET_MINUTES);
    vec![
        on::<CreateCheckInProject>("title", Rule::Text(MAX_TITLE)),
        on::<CreateCheckInProject>("description", Rule::BlankOr(MAX_DESCRIPTION)),
        on::<CreateCheckInProject>(
            "utc_offset_minutes",
            Rule::Range(offsets.0.into(), offsets.1.into()),
        ),
        on::<CreateCheckInProject>("min_text_chars", Rule::Range(0, MAX_MIN_TEXT_CHARS.into())),
        // The project's `min_text_chars` is the lower bound, so blank text is fine where it is 0.
        on::<CheckInBody>("text", Rule::BlankOr(MAX_TEXT_CHARS)),
    ]
}
