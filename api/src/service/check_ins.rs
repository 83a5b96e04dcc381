//! Check-in projects: creating one, a member checking in (at most once per day of the
//! project's calendar, on the injected clock), and the project's view with today's numbers.

use super::{load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{CheckInBody, CheckInProject as ProjectDto, CreateCheckInProject, MemberStreak};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::NaiveDate;
use lyceum_domain::Aggregate;
use lyceum_domain::gamification::check_in::{CheckInCommand, CheckInLog, ProjectRef, log_id};
use lyceum_domain::gamification::project::{
    CheckInProject, CheckInProjectCommand, Schedule, local_day,
};
use lyceum_domain::ids::{CheckInProjectId, MemberId};
use lyceum_projections::check_ins::queries::ProjectRow;
use lyceum_store::command::{append_for, load};
use lyceum_store::vault;

/// Parses a `YYYY-MM-DD` date given in `field`.
pub fn date(field: &str, raw: &str) -> Result<NaiveDate, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::bad_request(format!("{field} must be a date like 2031-03-01")))
}

/// The schedule a stored project row describes.
fn schedule(row: &ProjectRow) -> Result<Schedule, ApiError> {
    let ends_on = row
        .ends_on
        .as_deref()
        .map(|d| date("ends_on", d))
        .transpose()?;
    let offset = i32::try_from(row.utc_offset_minutes).map_err(ApiError::internal)?;
    Ok(Schedule::new(
        date("starts_on", &row.starts_on)?,
        ends_on,
        offset,
    )?)
}

/// Plans `POST /v1/spaces/{space}/check-in-projects`.
pub async fn create(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: CreateCheckInProject,
) -> Result<Planned<ProjectDto>, ApiError> {
    let offset = input.utc_offset_minutes.unwrap_or(0);
    let ends_on = input
        .ends_on
        .as_deref()
        .map(|d| date("ends_on", d))
        .transpose()?;
    let starts_on = match input.starts_on.as_deref() {
        Some(raw) => date("starts_on", raw)?,
        None => local_day(state.clock.now(), offset),
    };
    let schedule = Schedule::new(starts_on, ends_on, offset)?;
    let id = CheckInProjectId::new();
    let events = CheckInProject::default().decide(CheckInProjectCommand::Create {
        space_id: space.id,
        title: input.title,
        description: input.description,
        schedule,
        min_text_chars: input.min_text_chars.unwrap_or(0),
    })?;
    let append =
        append_for::<CheckInProject>(id.0, 0, &events, metadata(auth, Some(space.id)), vec![])?;
    let project = CheckInProject::from_history(&events)
        .state
        .ok_or_else(|| ApiError::not_found("check-in project"))?;
    let today = schedule.day_at(state.clock.now());
    let output = ProjectDto {
        id: id.0,
        space_id: space.id.0,
        title: project.title,
        description: project.description,
        starts_on: starts_on.to_string(),
        ends_on: ends_on.map(|d| d.to_string()),
        utc_offset_minutes: offset,
        min_text_chars: project.min_text_chars,
        created_at: append.recorded_at.clone(),
        today: today.to_string(),
        open_today: schedule.is_open_on(today),
        members_checked_in: 0,
        members_checked_in_today: 0,
        viewer: None,
    };
    Ok(Planned::new(Outcome::Created, output, append))
}

/// Plans `POST /v1/spaces/{space}/check-in-projects/{project}/check-ins` for the signed-in
/// member: the day is today on the injected clock, in the project's time zone.
pub async fn check_in(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    project_id: &str,
    input: CheckInBody,
) -> Result<Planned<MemberStreak>, ApiError> {
    let (member, _) = auth.require_member()?;
    let project_id = parse_id(project_id, "check-in project")?;
    let project = load_in_space::<CheckInProject>(&state.db, space.id, project_id)
        .await?
        .state
        .state
        .ok_or_else(|| ApiError::not_found("check-in project"))?;
    let day = project.schedule.day_at(state.clock.now());
    let text = input.text.trim();
    let secret = {
        let mut conn = state
            .db
            .reader()
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        vault::secret_for(&mut conn, member).await?
    }
    .ok_or_else(|| ApiError::not_found("member"))?;
    let id = log_id(CheckInProjectId(project_id), MemberId(member));
    let loaded = load::<CheckInLog>(&state.db, id).await?;
    let events = loaded.state.decide(CheckInCommand::CheckIn {
        project: ProjectRef {
            id: CheckInProjectId(project_id),
            schedule: project.schedule,
            min_text_chars: project.min_text_chars,
        },
        member_id: MemberId(member),
        day,
        text_chars: text.chars().count(),
        text: vault::seal(&secret, member, text)?,
    })?;
    let append = append_for::<CheckInLog>(
        id,
        loaded.version,
        &events,
        metadata(auth, Some(space.id)),
        vec![],
    )?;
    let display_name = lyceum_projections::members::queries::member(
        &state.db,
        Some(&space.id.to_string()),
        &member.to_string(),
    )
    .await?
    .and_then(|m| m.display_name);
    let output = MemberStreak::of(
        project_id,
        member,
        display_name,
        &loaded.state.streak.after(day),
        day,
    );
    Ok(Planned::new(Outcome::Created, output, append))
}

/// A project's row of the caller's space; 404 otherwise.
pub async fn row(
    state: &AppState,
    space: &SpaceRef,
    project_id: &str,
) -> Result<ProjectRow, ApiError> {
    let id = parse_id(project_id, "check-in project")?;
    lyceum_projections::check_ins::queries::project(
        &state.db,
        &space.id.to_string(),
        &id.to_string(),
    )
    .await?
    .ok_or_else(|| ApiError::not_found("check-in project"))
}

/// Today in the project's time zone, and whether it is open today.
pub fn today(state: &AppState, row: &ProjectRow) -> Result<(NaiveDate, bool), ApiError> {
    let schedule = schedule(row)?;
    let today = schedule.day_at(state.clock.now());
    Ok((today, schedule.is_open_on(today)))
}

/// The project as `auth` sees it today: with the member's own record for a member session.
pub async fn view(state: &AppState, auth: &Auth, row: ProjectRow) -> Result<ProjectDto, ApiError> {
    let (today, open_today) = today(state, &row)?;
    let (members, checked_in) = lyceum_projections::check_ins::queries::participation(
        &state.db,
        &row.id,
        &today.to_string(),
    )
    .await?;
    let viewer = match auth.member_id() {
        Some(member) => Some(
            match lyceum_projections::check_ins::queries::streak(
                &state.db,
                &row.id,
                &member.to_string(),
            )
            .await?
            {
                Some(streak) => MemberStreak::on(streak, today),
                None => MemberStreak::of(
                    parse_id(&row.id, "check-in project")?,
                    member,
                    None,
                    &Default::default(),
                    today,
                ),
            },
        ),
        None => None,
    };
    let id = |s: &str| uuid::Uuid::parse_str(s).map_err(ApiError::internal);
    Ok(ProjectDto {
        id: id(&row.id)?,
        space_id: id(&row.space_id)?,
        title: row.title,
        description: row.description,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        utc_offset_minutes: i32::try_from(row.utc_offset_minutes).map_err(ApiError::internal)?,
        min_text_chars: u32::try_from(row.min_text_chars).map_err(ApiError::internal)?,
        created_at: row.created_at,
        today: today.to_string(),
        open_today,
        members_checked_in: members,
        members_checked_in_today: checked_in,
        viewer,
    })
}
