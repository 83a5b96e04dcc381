//! The Question aggregate: a member asks, the creator or a guest answers, and the asker (or the
//! creator) accepts one answer. Questions and answers are community content, like posts: their
//! text is not sealed.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::{AnswerId, ContentId, MemberId, SpaceId};
use crate::values::bounded_text;
use serde::{Deserialize, Serialize};

/// The most characters a question's title may have.
pub const MAX_QUESTION_TITLE: usize = 200;
/// The most characters a question's or an answer's body may have.
pub const MAX_QUESTION_BODY: usize = 10_000;

/// Who answers, as the caller established it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answerer {
    /// The space's creator (an API key).
    Creator,
    /// A member session; `guest` when the member holds the guest role right now.
    Member { member_id: MemberId, guest: bool },
}

/// Who accepts an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptor {
    Creator,
    Member(MemberId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionCommand {
    Ask {
        space_id: SpaceId,
        member_id: MemberId,
        title: String,
        body: String,
        /// The item the question is about, checked by the caller to be in the space.
        content_id: Option<ContentId>,
    },
    Answer {
        answer_id: AnswerId,
        answerer: Answerer,
        body: String,
    },
    Accept {
        answer_id: AnswerId,
        by: Acceptor,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum QuestionEvent {
    QuestionAsked {
        space_id: SpaceId,
        member_id: MemberId,
        title: String,
        body: String,
        content_id: Option<ContentId>,
    },
    QuestionAnswered {
        answer_id: AnswerId,
        /// The guest who answered; null when the creator did.
        answerer_id: Option<MemberId>,
        body: String,
    },
    AnswerAccepted {
        answer_id: AnswerId,
        /// The guest whose answer it is; null for the creator's.
        answerer_id: Option<MemberId>,
    },
}

impl DomainEvent for QuestionEvent {
    fn event_type(&self) -> &'static str {
        match self {
            QuestionEvent::QuestionAsked { .. } => "QuestionAsked",
            QuestionEvent::QuestionAnswered { .. } => "QuestionAnswered",
            QuestionEvent::AnswerAccepted { .. } => "AnswerAccepted",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Question {
    pub state: Option<QuestionState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuestionState {
    pub space_id: SpaceId,
    pub asker: MemberId,
    /// Every answer with who gave it (`None` for the creator), oldest first.
    pub answers: Vec<(AnswerId, Option<MemberId>)>,
    pub accepted: Option<AnswerId>,
}

fn answer(
    state: &QuestionState,
    answer_id: AnswerId,
    answerer: Answerer,
    body: &str,
) -> Result<Vec<QuestionEvent>, DomainError> {
    let answerer_id = match answerer {
        Answerer::Creator => None,
        Answerer::Member { guest: false, .. } => {
            return Err(DomainError::new(
                Code::Forbidden,
                "only the creator or a guest may answer questions",
            ));
        }
        Answerer::Member { member_id, .. } if member_id == state.asker => {
            return Err(DomainError::new(
                Code::Forbidden,
                "the asker cannot answer their own question",
            ));
        }
        Answerer::Member { member_id, .. } => Some(member_id),
    };
    if state.answers.iter().any(|(id, _)| *id == answer_id) {
        return Err(DomainError::new(
            Code::Conflict,
            "this answer already exists",
        ));
    }
    Ok(vec![QuestionEvent::QuestionAnswered {
        answer_id,
        answerer_id,
        body: bounded_text("body", body, MAX_QUESTION_BODY)?,
    }])
}

fn accept(
    state: &QuestionState,
    answer_id: AnswerId,
    by: Acceptor,
) -> Result<Vec<QuestionEvent>, DomainError> {
    if let Acceptor::Member(member) = by
        && member != state.asker
    {
        return Err(DomainError::new(
            Code::Forbidden,
            "only the asker or the creator may accept an answer",
        ));
    }
    let Some((_, answerer_id)) = state.answers.iter().find(|(id, _)| *id == answer_id) else {
        return Err(DomainError::not_found("answer"));
    };
    if state.accepted.is_some() {
        return Err(DomainError::transition(
            "an answer to this question was already accepted",
        ));
    }
    Ok(vec![QuestionEvent::AnswerAccepted {
        answer_id,
        answerer_id: *answerer_id,
    }])
}

impl Aggregate for Question {
    const TYPE: &'static str = "question";
    type Command = QuestionCommand;
    type Event = QuestionEvent;

    fn decide(&self, command: QuestionCommand) -> Result<Vec<QuestionEvent>, DomainError> {
        match (&self.state, command) {
            (
                None,
                QuestionCommand::Ask {
                    space_id,
                    member_id,
                    title,
                    body,
                    content_id,
                },
            ) => Ok(vec![QuestionEvent::QuestionAsked {
                space_id,
                member_id,
                title: bounded_text("title", &title, MAX_QUESTION_TITLE)?,
                body: bounded_text("body", &body, MAX_QUESTION_BODY)?,
                content_id,
            }]),
            (None, _) => Err(DomainError::not_found("question")),
            (Some(_), QuestionCommand::Ask { .. }) => {
                Err(DomainError::new(Code::Conflict, "question already exists"))
            }
            (
                Some(state),
                QuestionCommand::Answer {
                    answer_id,
                    answerer,
                    body,
                },
            ) => answer(state, answer_id, answerer, &body),
            (Some(state), QuestionCommand::Accept { answer_id, by }) => {
                accept(state, answer_id, by)
            }
        }
    }

    fn apply(&mut self, event: &QuestionEvent) {
        match event {
            QuestionEvent::QuestionAsked {
                space_id,
                member_id,
                ..
            } => {
                self.state = Some(QuestionState {
                    space_id: *space_id,
                    asker: *member_id,
                    answers: Vec::new(),
                    accepted: None,
                })
            }
            QuestionEvent::QuestionAnswered {
                answer_id,
                answerer_id,
                ..
            } => {
                if let Some(state) = &mut self.state {
                    state.answers.push((*answer_id, *answerer_id));
                }
            }
            QuestionEvent::AnswerAccepted { answer_id, .. } => {
                if let Some(state) = &mut self.state {
                    state.accepted = Some(*answer_id);
                }
            }
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for Question {
    const NOUN: &'static str = "question";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|q| q.space_id)
    }
}

#[cfg(test)]
mod tests;
