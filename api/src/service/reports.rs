//! Reports: a member reports a published item or a comment on it; the creator works through
//! the queue and resolves each report once. The reporter's details are sealed with their key.

use super::engagement::published;
use super::reads::map;
use super::{decide_in_space, load_in_space};
use crate::auth::Auth;
use crate::dto::{CreateReport, Report as ReportDto, ResolveReport};
use crate::error::ApiError;
use crate::limits::Limit;
use crate::pagination::Slice;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::engagement::comment::Comment;
use lyceum_domain::engagement::report::{MAX_DETAILS, Report, ReportCommand, ReportEvent};
use lyceum_domain::ids::{CommentId, MemberId, ReportId};
use lyceum_domain::values::bounded_text;
use lyceum_domain::{Aggregate, Code, DomainError};
use lyceum_projections::engagement::queries::{open_report_by, reports};
use lyceum_projections::page::Page;
use lyceum_store::vault;

fn name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The report from its history; the details are opened with the reporter's key.
async fn view(
    state: &AppState,
    history: &[(ReportEvent, String)],
    resolver: Option<String>,
) -> Result<ReportDto, ApiError> {
    let mut report = None;
    for (event, at) in history {
        match event {
            ReportEvent::ContentReported {
                report_id,
                reporter_id,
                content_id,
                comment_id,
                reason,
                details,
                ..
            } => {
                let details = match details {
                    Some(sealed) => vault::open_for(&state.db, reporter_id.0, sealed).await?,
                    None => None,
                };
                report = Some(ReportDto {
                    id: report_id.0,
                    reporter_id: reporter_id.0,
                    content_id: content_id.0,
                    comment_id: comment_id.map(|c| c.0),
                    reason: name(reason),
                    details,
                    status: "open".into(),
                    outcome: None,
                    note: None,
                    resolved_by: None,
                    created_at: at.clone(),
                    resolved_at: None,
                });
            }
            ReportEvent::ReportResolved { outcome, note, .. } => {
                if let Some(report) = &mut report {
                    report.status = "resolved".into();
                    report.outcome = Some(name(outcome));
                    report.note = note.clone();
                    report.resolved_by = resolver.clone();
                    report.resolved_at = Some(at.clone());
                }
            }
        }
    }
    report.ok_or_else(|| ApiError::not_found("report"))
}

/// Plans `POST /v1/spaces/{space}/reports`, for a member session.
pub async fn file(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: CreateReport,
) -> Result<Planned<ReportDto>, ApiError> {
    let (member, _) = auth.require_member()?;
    state
        .limits
        .check(member, Limit::Report, state.clock.now())
        .await?;
    let (content_id, _) = published(state, space, &input.content_id.to_string()).await?;
    if let Some(comment) = input.comment_id {
        let on = load_in_space::<Comment>(&state.db, space.id, comment)
            .await?
            .state
            .state
            .map(|c| c.content_id);
        if on != Some(content_id) {
            return Err(DomainError::validation(
                "comment_id names a comment on another item than content_id",
            )
            .into());
        }
    }
    let details = match input.details.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let text = bounded_text("details", text, MAX_DETAILS)?;
            Some(
                vault::seal_for(&state.db, member, &text)
                    .await?
                    .ok_or_else(|| ApiError::new(Code::Forbidden, "the member was erased"))?,
            )
        }
    };
    // One open report per member and thing reported: a second one adds nothing to the queue.
    // (Checked on the read model, so two reports sent at the same moment may both pass.)
    let comment = input.comment_id.map(|c| c.to_string());
    if let Some(open) = open_report_by(
        &state.db,
        &member.to_string(),
        &content_id.to_string(),
        comment.as_deref(),
    )
    .await?
    {
        return Err(ApiError::new(
            Code::Conflict,
            format!("you already reported this, and report {open} is still open"),
        ));
    }
    let id = ReportId::new();
    let events = Report::default().decide(ReportCommand::File {
        report_id: id,
        space_id: space.id,
        reporter_id: MemberId(member),
        content_id,
        comment_id: input.comment_id.map(CommentId),
        reason: input.reason.into(),
        details,
    })?;
    let append = super::append_in::<Report>(auth, space, id.0, 0, &events)?;
    let history: Vec<_> = events
        .into_iter()
        .map(|e| (e, append.occurred().to_owned()))
        .collect();
    let output = view(state, &history, None).await?;
    Ok(Planned::new(Outcome::Created, output, append))
}

/// Plans `POST /v1/spaces/{space}/reports/{report}/resolve`.
pub async fn resolve(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    report_id: &str,
    input: ResolveReport,
) -> Result<Planned<ReportDto>, ApiError> {
    let id = super::parse_id(report_id, "report")?;
    let command = ReportCommand::Resolve {
        outcome: input.outcome.into(),
        note: input.note,
    };
    let decision = decide_in_space::<Report>(state, auth, space, id, command).await?;
    let output = view(state, &decision.history, Some(auth.actor())).await?;
    Ok(decision.planned(output))
}

/// The statuses the report queue may be filtered by.
pub const STATUSES: [&str; 2] = ["open", "resolved"];

/// The space's reports, oldest first, optionally of one status.
pub async fn queue(
    state: &AppState,
    space: &SpaceRef,
    status: Option<&str>,
    page: Slice,
) -> Result<Page<ReportDto>, ApiError> {
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(ApiError::bad_request("status must be open or resolved"));
    }
    let page = reports(
        &state.db,
        &space.id.to_string(),
        status,
        page.after(),
        page.limit,
    )
    .await?;
    Ok(map(page, ReportDto::from))
}
