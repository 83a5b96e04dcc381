//! The Comment aggregate: a member's comment on an item, or a reply to another comment on the
//! same item. The body is personal data: the caller seals it with the author's key, so erasing
//! the author makes every version unreadable. Only the author edits or deletes; moderators hide
//! or remove. A muted or banned author may not post or edit.

use super::{Standing, optional_reason};
use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::{CommentId, ContentId, MemberId, SpaceId};
use crate::values::{Sealed, bounded_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The most characters a comment may have.
pub const MAX_COMMENT: usize = 5000;

/// A comment's text, checked before the caller seals it: trimmed, not blank, at most
/// [`MAX_COMMENT`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentText(String);

impl CommentText {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        bounded_text("body", raw, MAX_COMMENT).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the caller looked up about the comment replied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParentRef {
    pub id: CommentId,
    pub content_id: ContentId,
    /// Whether it still takes replies: not deleted or removed.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CommentCommand {
    Post {
        /// A new id, chosen by the caller: the id of the stream it appends to.
        comment_id: CommentId,
        space_id: SpaceId,
        content_id: ContentId,
        parent: Option<ParentRef>,
        member_id: MemberId,
        /// A [`CommentText`], sealed with the author's key.
        body: Sealed,
        author: Standing,
        now: DateTime<Utc>,
    },
    Edit {
        by: MemberId,
        body: Sealed,
        author: Standing,
        now: DateTime<Utc>,
    },
    Delete {
        by: MemberId,
    },
    Hide {
        reason: Option<String>,
    },
    Remove {
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum CommentEvent {
    CommentPosted {
        comment_id: CommentId,
        space_id: SpaceId,
        content_id: ContentId,
        parent_id: Option<CommentId>,
        member_id: MemberId,
        body: Sealed,
    },
    CommentEdited {
        comment_id: CommentId,
        member_id: MemberId,
        body: Sealed,
    },
    CommentDeleted {
        comment_id: CommentId,
        content_id: ContentId,
        member_id: MemberId,
    },
    CommentHidden {
        comment_id: CommentId,
        content_id: ContentId,
        member_id: MemberId,
        reason: Option<String>,
    },
    CommentRemoved {
        comment_id: CommentId,
        content_id: ContentId,
        member_id: MemberId,
        reason: Option<String>,
    },
}

impl DomainEvent for CommentEvent {
    fn event_type(&self) -> &'static str {
        match self {
            CommentEvent::CommentPosted { .. } => "CommentPosted",
            CommentEvent::CommentEdited { .. } => "CommentEdited",
            CommentEvent::CommentDeleted { .. } => "CommentDeleted",
            CommentEvent::CommentHidden { .. } => "CommentHidden",
            CommentEvent::CommentRemoved { .. } => "CommentRemoved",
        }
    }
}

/// Where a comment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    Visible,
    /// Hidden by a moderator: only its author and the creator see it.
    Hidden,
    /// Removed by a moderator: its body is shown to nobody.
    Removed,
    /// Deleted by its author.
    Deleted,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Visible => "visible",
            CommentStatus::Hidden => "hidden",
            CommentStatus::Removed => "removed",
            CommentStatus::Deleted => "deleted",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Comment {
    pub state: Option<CommentState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CommentState {
    pub id: CommentId,
    pub space_id: SpaceId,
    pub content_id: ContentId,
    pub member_id: MemberId,
    pub status: CommentStatus,
}

fn post(command: CommentCommand) -> Result<Vec<CommentEvent>, DomainError> {
    let CommentCommand::Post {
        comment_id,
        space_id,
        content_id,
        parent,
        member_id,
        body,
        author,
        now,
    } = command
    else {
        return Err(DomainError::not_found("comment"));
    };
    author.check_may_post(now)?;
    if let Some(parent) = parent {
        if parent.content_id != content_id {
            return Err(DomainError::validation(
                "parent_id names a comment on another item",
            ));
        }
        if !parent.open {
            return Err(DomainError::transition(
                "the comment replied to was deleted or removed",
            ));
        }
    }
    Ok(vec![CommentEvent::CommentPosted {
        comment_id,
        space_id,
        content_id,
        parent_id: parent.map(|p| p.id),
        member_id,
        body,
    }])
}

fn only_author(state: &CommentState, by: MemberId, verb: &str) -> Result<(), DomainError> {
    if state.member_id == by {
        Ok(())
    } else {
        Err(DomainError::new(
            Code::Forbidden,
            format!("only the comment's author may {verb} it"),
        ))
    }
}

impl Aggregate for Comment {
    const TYPE: &'static str = "comment";
    type Command = CommentCommand;
    type Event = CommentEvent;

    fn decide(&self, command: CommentCommand) -> Result<Vec<CommentEvent>, DomainError> {
        let Some(state) = &self.state else {
            return post(command);
        };
        let (id, content_id, member_id) = (state.id, state.content_id, state.member_id);
        match command {
            CommentCommand::Post { .. } => {
                Err(DomainError::new(Code::Conflict, "comment already exists"))
            }
            CommentCommand::Edit {
                by,
                body,
                author,
                now,
            } => {
                only_author(state, by, "edit")?;
                if state.status != CommentStatus::Visible {
                    return Err(DomainError::transition(format!(
                        "a {} comment cannot be edited",
                        state.status.as_str()
                    )));
                }
                author.check_may_post(now)?;
                Ok(vec![CommentEvent::CommentEdited {
                    comment_id: id,
                    member_id,
                    body,
                }])
            }
            CommentCommand::Delete { by } => {
                only_author(state, by, "delete")?;
                match state.status {
                    CommentStatus::Deleted => Ok(vec![]),
                    CommentStatus::Removed => Err(DomainError::transition(
                        "a moderator already removed this comment",
                    )),
                    CommentStatus::Visible | CommentStatus::Hidden => {
                        Ok(vec![CommentEvent::CommentDeleted {
                            comment_id: id,
                            content_id,
                            member_id,
                        }])
                    }
                }
            }
            CommentCommand::Hide { reason } => match state.status {
                CommentStatus::Hidden => Ok(vec![]),
                CommentStatus::Visible => Ok(vec![CommentEvent::CommentHidden {
                    comment_id: id,
                    content_id,
                    member_id,
                    reason: optional_reason("reason", reason)?,
                }]),
                other => Err(DomainError::transition(format!(
                    "a {} comment cannot be hidden",
                    other.as_str()
                ))),
            },
            CommentCommand::Remove { reason } => match state.status {
                CommentStatus::Removed => Ok(vec![]),
                CommentStatus::Deleted => Err(DomainError::transition(
                    "its author already deleted this comment",
                )),
                CommentStatus::Visible | CommentStatus::Hidden => {
                    Ok(vec![CommentEvent::CommentRemoved {
                        comment_id: id,
                        content_id,
                        member_id,
                        reason: optional_reason("reason", reason)?,
                    }])
                }
            },
        }
    }

    fn apply(&mut self, event: &CommentEvent) {
        let status = match event {
            CommentEvent::CommentPosted {
                comment_id,
                space_id,
                content_id,
                member_id,
                ..
            } => {
                self.state = Some(CommentState {
                    id: *comment_id,
                    space_id: *space_id,
                    content_id: *content_id,
                    member_id: *member_id,
                    status: CommentStatus::Visible,
                });
                return;
            }
            CommentEvent::CommentEdited { .. } => return,
            CommentEvent::CommentDeleted { .. } => CommentStatus::Deleted,
            CommentEvent::CommentHidden { .. } => CommentStatus::Hidden,
            CommentEvent::CommentRemoved { .. } => CommentStatus::Removed,
        };
        if let Some(state) = &mut self.state {
            state.status = status;
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Comment {
    const NOUN: &'static str = "comment";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|c| c.space_id)
    }
    fn owner(&self) -> Option<crate::ids::MemberId> {
        self.state.as_ref().map(|c| c.member_id)
    }
}

#[cfg(test)]
#[path = "comment_tests.rs"]
mod tests;
