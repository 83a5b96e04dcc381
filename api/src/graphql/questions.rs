//! GraphQL mutations on questions, which a member session makes too: a member asks, the
//! creator (a key) or a guest answers, the asker or the creator accepts an answer.

use super::call::payload;
use super::error::{OrGql, any_caller};
use super::types::Payload;
use crate::auth::Auth;
use crate::dto::{self, Answer, QuestionDto};
use crate::service;
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
use async_graphql::{Context, ID, InputObject, Object};

#[derive(Default)]
pub struct QuestionMutation;

/// A question to ask.
#[derive(InputObject)]
pub struct AskQuestionInput {
    pub title: String,
    pub body: String,
    /// The published item of the space the question is about, if any.
    pub content_id: Option<ID>,
}

async fn member_context<'a>(
    ctx: &Context<'a>,
    space: &str,
) -> async_graphql::Result<(&'a AppState, &'a Auth, SpaceRef)> {
    let auth = any_caller(ctx)?;
    let state = ctx.data::<AppState>()?;
    let space = resolve(state, auth, space, Intent::MemberWrite)
        .await
        .or_gql()?;
    Ok((state, auth, space))
}

#[Object]
impl QuestionMutation {
    /// Asks the space a question (member sessions only).
    async fn ask_question(
        &self,
        ctx: &Context<'_>,
        space: String,
        input: AskQuestionInput,
    ) -> async_graphql::Result<Payload<QuestionDto>> {
        let (state, auth, space) = member_context(ctx, &space).await?;
        let input = dto::AskQuestion {
            title: input.title,
            body: input.body,
            content_id: input
                .content_id
                .map(|c| service::parse_id(&c, "content"))
                .transpose()
                .or_gql()?,
        };
        let planned = service::questions::ask(state, auth, &space, input).await;
        payload(state, planned).await
    }

    /// Answers a question: the creator, or a member holding the guest role.
    async fn answer_question(
        &self,
        ctx: &Context<'_>,
        space: String,
        question_id: ID,
        body: String,
    ) -> async_graphql::Result<Payload<Answer>> {
        let (state, auth, space) = member_context(ctx, &space).await?;
        let input = dto::AnswerQuestion { body };
        let planned = service::questions::answer(state, auth, &space, &question_id, input).await;
        payload(state, planned).await
    }

    /// Accepts an answer: the member who asked, or the creator.
    async fn accept_answer(
        &self,
        ctx: &Context<'_>,
        space: String,
        question_id: ID,
        answer_id: ID,
    ) -> async_graphql::Result<Payload<Answer>> {
        let (state, auth, space) = member_context(ctx, &space).await?;
        let planned =
            service::questions::accept(state, auth, &space, &question_id, &answer_id).await;
        payload(state, planned).await
    }
}
