//! Questions and answers: a member session asks; the creator (an API key) or a member holding
//! the guest role answers; the asker or the creator accepts an answer. The guest role is
//! granted and revoked by the creator on the member.

use super::{decide_in_space, decide_loaded, load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{Answer, AnswerQuestion, AskQuestion, GuestRole, Guests, QuestionDto};
use crate::error::ApiError;
use crate::pagination::Slice;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::content::Content;
use lyceum_domain::content::question::{
    Acceptor, Answerer, Question, QuestionCommand, QuestionEvent,
};
use lyceum_domain::ids::{AnswerId, ContentId, MemberId, QuestionId};
use lyceum_domain::membership::member::{Member, MemberCommand};
use lyceum_domain::{Aggregate, DomainError};
use lyceum_projections::page::Page;
use lyceum_projections::questions::queries as questions;
use uuid::Uuid;

/// The member a member session acts for, if they are an active member of the space.
async fn active_member(
    state: &AppState,
    space: &SpaceRef,
    member: Uuid,
) -> Result<lyceum_domain::membership::member::MemberState, ApiError> {
    load_in_space::<Member>(&state.db, space.id, member)
        .await?
        .state
        .state
        .filter(|m| !m.removed)
        .ok_or_else(|| ApiError::forbidden("this member was removed from the space"))
}

/// Plans `POST /v1/spaces/{space}/questions`.
pub async fn ask(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: AskQuestion,
) -> Result<Planned<QuestionDto>, ApiError> {
    let (member, _) = auth.require_member()?;
    active_member(state, space, member).await?;
    if let Some(content) = input.content_id {
        let published = load_in_space::<Content>(&state.db, space.id, content)
            .await
            .ok()
            .and_then(|c| c.state.state)
            .is_some_and(|c| c.status == lyceum_domain::content::ContentStatus::Published);
        if !published {
            return Err(DomainError::validation(format!(
                "content_id: no published item {content} in this space"
            ))
            .into());
        }
    }
    let id = QuestionId::new();
    let events = Question::default().decide(QuestionCommand::Ask {
        space_id: space.id,
        member_id: MemberId(member),
        title: input.title,
        body: input.body,
        content_id: input.content_id.map(ContentId),
    })?;
    let append = super::append_in::<Question>(auth, space, id.0, 0, &events)?;
    let Some(QuestionEvent::QuestionAsked { title, body, .. }) = events.first().cloned() else {
        return Err(ApiError::internal(anyhow::anyhow!("no question was asked")));
    };
    let output = QuestionDto {
        id: id.0,
        space_id: space.id.0,
        member_id: member,
        title,
        body,
        content_id: input.content_id,
        accepted_answer_id: None,
        answer_count: 0,
        created_at: append.occurred().to_owned(),
        updated_at: append.occurred().to_owned(),
        answers: Vec::new(),
    };
    Ok(Planned::new(Outcome::Created, output, append))
}

/// Plans `POST /v1/spaces/{space}/questions/{id}/answers`.
pub async fn answer(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    question_id: &str,
    input: AnswerQuestion,
) -> Result<Planned<Answer>, ApiError> {
    let id = parse_id(question_id, "question")?;
    let loaded = load_in_space::<Question>(&state.db, space.id, id).await?;
    let answerer = match auth.member_id() {
        None => Answerer::Creator,
        Some(member) => Answerer::Member {
            member_id: MemberId(member),
            guest: active_member(state, space, member).await?.guest,
        },
    };
    let answer_id = AnswerId::new();
    let decision = decide_loaded(
        auth,
        space,
        id,
        loaded,
        QuestionCommand::Answer {
            answer_id,
            answerer,
            body: input.body,
        },
    )?;
    let output = answer_view(id, answer_id, &decision.history)?;
    Ok(decision.planned(output))
}

/// Plans `POST /v1/spaces/{space}/questions/{id}/answers/{answer_id}/accept`.
pub async fn accept(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    question_id: &str,
    answer_id: &str,
) -> Result<Planned<Answer>, ApiError> {
    let id = parse_id(question_id, "question")?;
    let answer_id = AnswerId(parse_id(answer_id, "answer")?);
    let loaded = load_in_space::<Question>(&state.db, space.id, id).await?;
    let by = match auth.member_id() {
        None => Acceptor::Creator,
        Some(member) => Acceptor::Member(MemberId(member)),
    };
    let decision = decide_loaded(
        auth,
        space,
        id,
        loaded,
        QuestionCommand::Accept { answer_id, by },
    )?;
    let output = answer_view(id, answer_id, &decision.history)?;
    Ok(decision.planned(output))
}

/// One answer as the question's history tells it.
fn answer_view(
    question_id: Uuid,
    answer_id: AnswerId,
    history: &[(QuestionEvent, String)],
) -> Result<Answer, ApiError> {
    let mut answer = None;
    for (event, at) in history {
        match event {
            QuestionEvent::QuestionAnswered {
                answer_id: id,
                answerer_id,
                body,
            } if *id == answer_id => {
                answer = Some(Answer {
                    id: id.0,
                    question_id,
                    answerer_id: answerer_id.map(|m| m.0),
                    body: body.clone(),
                    accepted: false,
                    created_at: at.clone(),
                });
            }
            QuestionEvent::AnswerAccepted { answer_id: id, .. } if *id == answer_id => {
                if let Some(answer) = &mut answer {
                    answer.accepted = true;
                }
            }
            _ => {}
        }
    }
    answer.ok_or_else(|| ApiError::not_found("answer"))
}

/// The space's questions, newest first, without their answers.
pub async fn list(
    state: &AppState,
    space: &SpaceRef,
    page: Slice,
) -> Result<Page<QuestionDto>, ApiError> {
    let page =
        questions::questions(&state.db, &space.id.to_string(), page.after(), page.limit).await?;
    Ok(super::reads::map(page, QuestionDto::from))
}

/// The members of the space who hold the guest role.
pub async fn guests(state: &AppState, space: &SpaceRef) -> Result<Guests, ApiError> {
    let member_ids = questions::guests(&state.db, &space.id.to_string()).await?;
    Ok(Guests { member_ids })
}

/// One question of the space, with its answers.
pub async fn get(state: &AppState, space: &SpaceRef, id: &str) -> Result<QuestionDto, ApiError> {
    let id = parse_id(id, "question")?.to_string();
    let row = questions::question(&state.db, &space.id.to_string(), &id)
        .await?
        .ok_or_else(|| ApiError::not_found("question"))?;
    let mut question = QuestionDto::from(row);
    question.answers = questions::answers(&state.db, &id)
        .await?
        .into_iter()
        .map(Answer::from)
        .collect();
    Ok(question)
}

/// Plans granting (`grant`) or revoking the guest role of a member.
pub async fn set_guest(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    grant: bool,
) -> Result<Planned<GuestRole>, ApiError> {
    let id = parse_id(member_id, "member")?;
    let command = if grant {
        MemberCommand::GrantGuestRole
    } else {
        MemberCommand::RevokeGuestRole
    };
    let decision = decide_in_space::<Member>(state, auth, space, id, command).await?;
    let guest = decision.state.state.as_ref().is_some_and(|m| m.guest);
    Ok(decision.planned(GuestRole {
        member_id: id,
        guest,
    }))
}
