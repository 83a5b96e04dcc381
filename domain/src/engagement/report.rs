//! The Report aggregate: a member reports an item or a comment to the space's moderators, and
//! a moderator resolves it once. The reporter's details are personal data, sealed with the
//! reporter's key by the caller.

use super::optional_reason;
use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::{CommentId, ContentId, MemberId, ReportId, SpaceId};
use crate::values::Sealed;
use serde::{Deserialize, Serialize};

/// The most characters a reporter's details may have (before sealing).
pub const MAX_DETAILS: usize = 1000;

/// Why a member reports something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Harassment,
    Inappropriate,
    Misinformation,
    Other,
}

/// How a moderator resolved a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportOutcome {
    /// Nothing needed doing.
    Dismissed,
    /// The moderator acted on it (hid or removed a comment, muted or banned a member, …).
    Actioned,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReportCommand {
    File {
        /// A new id, chosen by the caller: the id of the stream it appends to.
        report_id: ReportId,
        space_id: SpaceId,
        reporter_id: MemberId,
        content_id: ContentId,
        /// The comment reported, if it is a comment (on `content_id`) and not the item.
        comment_id: Option<CommentId>,
        reason: ReportReason,
        /// Checked to be at most [`MAX_DETAILS`] characters, then sealed with the reporter's key.
        details: Option<Sealed>,
    },
    Resolve {
        outcome: ReportOutcome,
        note: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ReportEvent {
    ContentReported {
        report_id: ReportId,
        space_id: SpaceId,
        reporter_id: MemberId,
        content_id: ContentId,
        comment_id: Option<CommentId>,
        reason: ReportReason,
        details: Option<Sealed>,
    },
    ReportResolved {
        report_id: ReportId,
        outcome: ReportOutcome,
        note: Option<String>,
    },
}

impl DomainEvent for ReportEvent {
    fn event_type(&self) -> &'static str {
        match self {
            ReportEvent::ContentReported { .. } => "ContentReported",
            ReportEvent::ReportResolved { .. } => "ReportResolved",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Report {
    pub state: Option<ReportState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportState {
    pub id: ReportId,
    pub space_id: SpaceId,
    pub reporter_id: MemberId,
    pub resolved: Option<ReportOutcome>,
}

impl Aggregate for Report {
    const TYPE: &'static str = "report";
    type Command = ReportCommand;
    type Event = ReportEvent;

    fn decide(&self, command: ReportCommand) -> Result<Vec<ReportEvent>, DomainError> {
        match (&self.state, command) {
            (
                None,
                ReportCommand::File {
                    report_id,
                    space_id,
                    reporter_id,
                    content_id,
                    comment_id,
                    reason,
                    details,
                },
            ) => Ok(vec![ReportEvent::ContentReported {
                report_id,
                space_id,
                reporter_id,
                content_id,
                comment_id,
                reason,
                details,
            }]),
            (Some(_), ReportCommand::File { .. }) => {
                Err(DomainError::new(Code::Conflict, "report already exists"))
            }
            (None, ReportCommand::Resolve { .. }) => Err(DomainError::not_found("report")),
            (Some(state), ReportCommand::Resolve { .. }) if state.resolved.is_some() => {
                Err(DomainError::transition("the report was already resolved"))
            }
            (Some(state), ReportCommand::Resolve { outcome, note }) => {
                Ok(vec![ReportEvent::ReportResolved {
                    report_id: state.id,
                    outcome,
                    note: optional_reason("note", note)?,
                }])
            }
        }
    }

    fn apply(&mut self, event: &ReportEvent) {
        match event {
            ReportEvent::ContentReported {
                report_id,
                space_id,
                reporter_id,
                ..
            } => {
                self.state = Some(ReportState {
                    id: *report_id,
                    space_id: *space_id,
                    reporter_id: *reporter_id,
                    resolved: None,
                })
            }
            ReportEvent::ReportResolved { outcome, .. } => {
                if let Some(state) = &mut self.state {
                    state.resolved = Some(*outcome);
                }
            }
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Report {
    const NOUN: &'static str = "report";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|r| r.space_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};
    use uuid::Uuid;

    const ID: ReportId = ReportId(Uuid::from_u128(1));

    fn file() -> ReportCommand {
        ReportCommand::File {
            report_id: ID,
            space_id: SpaceId(Uuid::from_u128(2)),
            reporter_id: MemberId(Uuid::from_u128(3)),
            content_id: ContentId(Uuid::from_u128(4)),
            comment_id: Some(CommentId(Uuid::from_u128(5))),
            reason: ReportReason::Spam,
            details: Some(Sealed("sealed".into())),
        }
    }

    fn filed() -> ReportEvent {
        ReportEvent::ContentReported {
            report_id: ID,
            space_id: SpaceId(Uuid::from_u128(2)),
            reporter_id: MemberId(Uuid::from_u128(3)),
            content_id: ContentId(Uuid::from_u128(4)),
            comment_id: Some(CommentId(Uuid::from_u128(5))),
            reason: ReportReason::Spam,
            details: Some(Sealed("sealed".into())),
        }
    }

    fn resolve(note: Option<&str>) -> ReportCommand {
        ReportCommand::Resolve {
            outcome: ReportOutcome::Actioned,
            note: note.map(str::to_owned),
        }
    }

    #[test]
    fn a_report_is_filed_then_resolved_once() {
        given_no_history::<Report>()
            .when(file())
            .then_expect_events(vec![filed()]);
        let resolved = ReportEvent::ReportResolved {
            report_id: ID,
            outcome: ReportOutcome::Actioned,
            note: Some("Comment removed".into()),
        };
        given::<Report>(vec![filed()])
            .when(resolve(Some(" Comment removed ")))
            .then_expect_events(vec![resolved.clone()]);
        given::<Report>(vec![filed(), resolved])
            .when(resolve(None))
            .then_expect_error(Code::InvalidTransition);
    }

    #[test]
    fn unknown_reports_are_not_found_and_notes_are_bounded() {
        given_no_history::<Report>()
            .when(resolve(None))
            .then_expect_error(Code::NotFound);
        given::<Report>(vec![filed()])
            .when(resolve(Some(&"x".repeat(super::super::MAX_REASON + 1))))
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn events_survive_the_log() -> Result<(), serde_json::Error> {
        let event = filed();
        let stored = crate::event::encode(&event)?;
        assert!(crate::webhook::EVENT_TYPES.contains(&stored.event_type.as_str()));
        assert!(crate::webhook::EVENT_TYPES.contains(&"ReportResolved"));
        let back: ReportEvent =
            crate::event::decode(&stored.event_type, stored.event_version, stored.payload)?;
        assert_eq!(back, event);
        Ok(())
    }
}
