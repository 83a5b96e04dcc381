//! Check-in projects: creating one, a member checking in (at most once per day of the
//! project's calendar, on the injected clock), and the reads both surfaces serve: projects with
//! today's numbers, members' streaks, who has not checked in today and a day's check-ins.

use super::reads::{self, map};
use super::{load_in_space, parse_id};
use crate::auth::{Auth, Role};
use crate::dto::{
    CheckInBody, CheckInEntry, CheckInProject as ProjectDto, CreateCheckInProject, MemberStreak,
};
use crate::error::ApiError;
use crate::pagination::{MAX_LIMIT, Slice};
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::NaiveDate;
use lyceum_domain::Aggregate;
use lyceum_domain::gamification::check_in::{CheckInCommand, CheckInLog, ProjectRef, log_id};
use lyceum_domain::gamification::project::{
    CheckInProject, CheckInProjectCommand, Schedule, local_day,
};
use lyceum_domain::ids::{CheckInProjectId, MemberId};
use lyceum_projections::check_ins::queries::{self, ProjectRow};
use lyceum_projections::page::Page;
use lyceum_store::command::load;
use lyceum_store::vault;
use uuid::Uuid;

/// Parses a `YYYY-MM-DD` date given in `field`.
fn date(field: &str, raw: &str) -> Result<NaiveDate, ApiError> {
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
    let append = super::append_in::<CheckInProject>(auth, space, id.0, 0, &events)?;
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
        created_at: append.occurred().to_owned(),
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
    let append = super::append_in::<CheckInLog>(auth, space, id, loaded.version, &events)?;
    let display_name = reads::find_member(state, Some(space.id.0), member).await?;
    let display_name = display_name.and_then(|m| m.display_name);
    let output = MemberStreak::of(
        project_id,
        member,
        display_name,
        &loaded.state.streak.after(day),
        day,
    );
    Ok(Planned::new(Outcome::Created, output, append))
}

/// A project's row of the space; 404 otherwise.
async fn row(state: &AppState, space: Uuid, project: Uuid) -> Result<ProjectRow, ApiError> {
    queries::project(&state.db, &space.to_string(), &project.to_string())
        .await?
        .ok_or_else(|| ApiError::not_found("check-in project"))
}

/// A member's record in each project of the space they checked in to (at most 100), as of
/// today in each project's time zone.
pub async fn member_streaks(
    state: &AppState,
    space: Uuid,
    member: Uuid,
) -> Result<Vec<MemberStreak>, ApiError> {
    let rows = queries::member_streaks(&state.db, &member.to_string(), MAX_LIMIT).await?;
    let (space, mut streaks) = (space.to_string(), Vec::with_capacity(rows.len()));
    for row in rows {
        let project_id = row.project_id.to_string();
        if let Some(project) = queries::project(&state.db, &space, &project_id).await? {
            streaks.push(MemberStreak::on(row, today(state, &project)?.0));
        }
    }
    Ok(streaks)
}

/// Today in the project's time zone, and whether it is open today.
fn today(state: &AppState, row: &ProjectRow) -> Result<(NaiveDate, bool), ApiError> {
    let schedule = schedule(row)?;
    let today = schedule.day_at(state.clock.now());
    Ok((today, schedule.is_open_on(today)))
}

/// The project as `auth` sees it today: with the member's own record for a member session.
async fn view(state: &AppState, auth: &Auth, row: ProjectRow) -> Result<ProjectDto, ApiError> {
    let (today, open_today) = today(state, &row)?;
    let id = row.id.to_string();
    let (members, checked_in) = queries::participation(&state.db, &id, &today.to_string()).await?;
    let viewer = match auth.member_id() {
        Some(member) => Some(
            match queries::streak(&state.db, &id, &member.to_string()).await? {
                Some(record) => MemberStreak::on(record, today),
                None => MemberStreak::of(row.id, member, None, &Default::default(), today),
            },
        ),
        None => None,
    };
    Ok(ProjectDto {
        id: row.id,
        space_id: row.space_id,
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

/// A space's check-in projects, oldest first, as `auth` sees them.
pub async fn projects(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    page: Slice,
) -> Result<Page<ProjectDto>, ApiError> {
    let page = queries::projects(&state.db, &space.to_string(), page.after(), page.limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for row in page.items {
        items.push(view(state, auth, row).await?);
    }
    Ok(Page {
        items,
        next: page.next,
    })
}

/// One check-in project of the space as `auth` sees it; 404 otherwise.
pub async fn project(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    id: Uuid,
) -> Result<ProjectDto, ApiError> {
    view(state, auth, row(state, space, id).await?).await
}

/// The project whose members' records a caller reads, with today in its time zone and whether
/// it is open today. Those records are the creator's: a member session is refused.
async fn records(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    project: Uuid,
) -> Result<(ProjectRow, NaiveDate, bool), ApiError> {
    if auth.0.role == Role::Member {
        return Err(ApiError::forbidden(
            "members' check-in records are read with an API key",
        ));
    }
    let row = row(state, space, project).await?;
    let (today, open) = today(state, &row)?;
    Ok((row, today, open))
}

/// Every member who checked in to the project, in member order, with their streaks today.
pub async fn streaks(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    project: Uuid,
    page: Slice,
) -> Result<Page<MemberStreak>, ApiError> {
    let (row, today, _) = records(state, auth, space, project).await?;
    let page = queries::streaks(&state.db, &row.id.to_string(), page.after(), page.limit).await?;
    Ok(map(page, |s| MemberStreak::on(s, today)))
}

/// The space's active members without a check-in to the project today, in member order, each
/// with their record so far; none on days the project is not open.
pub async fn not_checked_in(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    project: Uuid,
    page: Slice,
) -> Result<Page<MemberStreak>, ApiError> {
    let (row, today, open) = records(state, auth, space, project).await?;
    if !open {
        return Ok(Page {
            items: vec![],
            next: None,
        });
    }
    let (space, project, day) = (space.to_string(), row.id.to_string(), today.to_string());
    let page = queries::not_checked_in(&state.db, &space, &project, &day, page.after(), page.limit)
        .await?;
    Ok(map(page, |s| MemberStreak::on(s, today)))
}

/// The project's check-ins on `day` (`YYYY-MM-DD`; today in its time zone if `None`), in member
/// order, with their text.
pub async fn check_ins(
    state: &AppState,
    auth: &Auth,
    space: Uuid,
    project: Uuid,
    day: Option<&str>,
    page: Slice,
) -> Result<Page<CheckInEntry>, ApiError> {
    let (row, today, _) = records(state, auth, space, project).await?;
    let day = match day {
        Some(raw) => date("day", raw)?,
        None => today,
    };
    let (project, day) = (row.id.to_string(), day.to_string());
    let page = queries::check_ins(&state.db, &project, &day, page.after(), page.limit).await?;
    Ok(map(page, CheckInEntry::from))
}
