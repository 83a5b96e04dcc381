//! given/when/then tests of the Question aggregate: who may ask, answer and accept.

use super::*;
use crate::aggregate::testing::{given, given_no_history};
use uuid::Uuid;

const SPACE: SpaceId = SpaceId(Uuid::nil());
const ASKER: MemberId = MemberId(Uuid::from_u128(1));
const GUEST: MemberId = MemberId(Uuid::from_u128(2));
const OTHER: MemberId = MemberId(Uuid::from_u128(3));
const FIRST: AnswerId = AnswerId(Uuid::from_u128(10));
const SECOND: AnswerId = AnswerId(Uuid::from_u128(11));

fn asked() -> QuestionEvent {
    QuestionEvent::QuestionAsked {
        space_id: SPACE,
        member_id: ASKER,
        title: "How do lifetimes work?".into(),
        body: "I keep fighting the borrow checker.".into(),
        content_id: None,
    }
}

fn answered(answer_id: AnswerId, answerer_id: Option<MemberId>) -> QuestionEvent {
    QuestionEvent::QuestionAnswered {
        answer_id,
        answerer_id,
        body: "Think of them as regions.".into(),
    }
}

fn answer_by(answerer: Answerer) -> QuestionCommand {
    QuestionCommand::Answer {
        answer_id: FIRST,
        answerer,
        body: " Think of them as regions. ".into(),
    }
}

#[test]
fn a_member_asks_a_question() {
    given_no_history::<Question>()
        .when(QuestionCommand::Ask {
            space_id: SPACE,
            member_id: ASKER,
            title: " How do lifetimes work? ".into(),
            body: "I keep fighting the borrow checker.".into(),
            content_id: None,
        })
        .then_expect_events(vec![asked()]);
    given_no_history::<Question>()
        .when(QuestionCommand::Ask {
            space_id: SPACE,
            member_id: ASKER,
            title: "Why?".into(),
            body: " ".into(),
            content_id: None,
        })
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn a_guest_or_the_creator_answers() {
    given::<Question>(vec![asked()])
        .when(answer_by(Answerer::Member {
            member_id: GUEST,
            guest: true,
        }))
        .then_expect_events(vec![answered(FIRST, Some(GUEST))]);
    given::<Question>(vec![asked()])
        .when(answer_by(Answerer::Creator))
        .then_expect_events(vec![answered(FIRST, None)]);
}

#[test]
fn a_member_without_the_guest_role_cannot_answer() {
    given::<Question>(vec![asked()])
        .when(answer_by(Answerer::Member {
            member_id: OTHER,
            guest: false,
        }))
        .then_expect_error(Code::Forbidden);
}

#[test]
fn a_guest_does_not_answer_their_own_question() {
    given::<Question>(vec![asked()])
        .when(answer_by(Answerer::Member {
            member_id: ASKER,
            guest: true,
        }))
        .then_expect_error(Code::Forbidden);
}

#[test]
fn answering_an_unknown_question_is_not_found() {
    given_no_history::<Question>()
        .when(answer_by(Answerer::Creator))
        .then_expect_error(Code::NotFound);
}

#[test]
fn the_asker_or_the_creator_accepts_one_answer() {
    let history = vec![
        asked(),
        answered(FIRST, Some(GUEST)),
        answered(SECOND, None),
    ];
    given::<Question>(history.clone())
        .when(QuestionCommand::Accept {
            answer_id: FIRST,
            by: Acceptor::Member(ASKER),
        })
        .then_expect_events(vec![QuestionEvent::AnswerAccepted {
            answer_id: FIRST,
            answerer_id: Some(GUEST),
        }]);
    given::<Question>(history.clone())
        .when(QuestionCommand::Accept {
            answer_id: SECOND,
            by: Acceptor::Creator,
        })
        .then_expect_events(vec![QuestionEvent::AnswerAccepted {
            answer_id: SECOND,
            answerer_id: None,
        }]);
    let mut accepted = history;
    accepted.push(QuestionEvent::AnswerAccepted {
        answer_id: FIRST,
        answerer_id: Some(GUEST),
    });
    given::<Question>(accepted)
        .when(QuestionCommand::Accept {
            answer_id: SECOND,
            by: Acceptor::Member(ASKER),
        })
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn nobody_else_accepts_and_an_unknown_answer_is_not_found() {
    let history = vec![asked(), answered(FIRST, Some(GUEST))];
    for someone_else in [GUEST, OTHER] {
        given::<Question>(history.clone())
            .when(QuestionCommand::Accept {
                answer_id: FIRST,
                by: Acceptor::Member(someone_else),
            })
            .then_expect_error(Code::Forbidden);
    }
    given::<Question>(history)
        .when(QuestionCommand::Accept {
            answer_id: SECOND,
            by: Acceptor::Member(ASKER),
        })
        .then_expect_error(Code::NotFound);
}
