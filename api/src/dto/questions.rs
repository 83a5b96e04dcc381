//! Request and response bodies for questions, answers and guests.

use super::ids;
use super::rules::{FieldRule, Rule, on};
use async_graphql::{ID, SimpleObject};
use lyceum_projections::questions::queries::{AnswerRow, QuestionRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "How long should a deep work block be?",
    "body": "I can do 40 minutes before I drift.", "content_id": null}))]
pub struct AskQuestion {
    /// At most 200 characters.
    pub title: String,
    /// At most 10 000 characters.
    pub body: String,
    /// The item of this space the question is about, if any.
    pub content_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Start with 60 minutes and add 15 each week."}))]
pub struct AnswerQuestion {
    /// At most 10 000 characters.
    pub body: String,
}

/// An answer to a question.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[schema(example = json!({"id": "0192f0c4-ab8c-7d99-8475-2b3c4d5e6f70",
    "question_id": "0192f0c4-ab8c-7c88-8475-2b3c4d5e6f70",
    "answerer_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
    "body": "Start with 60 minutes and add 15 each week.", "accepted": true,
    "created_at": "2026-11-21T09:00:00.000000Z"}))]
pub struct Answer {
    #[graphql(skip, derived(owned, name = "id", into = "ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "question_id", into = "ID"))]
    pub question_id: Uuid,
    /// The guest who answered; null when the creator did.
    #[graphql(
        skip,
        derived(owned, name = "answerer_id", into = "Option<ID>", with = "ids::opt")
    )]
    pub answerer_id: Option<Uuid>,
    pub body: String,
    pub accepted: bool,
    pub created_at: String,
}

/// A member's question, with its answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[graphql(name = "Question")]
#[schema(example = json!({"id": "0192f0c4-ab8c-7c88-8475-2b3c4d5e6f70",
    "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f", "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3d",
    "title": "How long should a deep work block be?", "body": "I can do 40 minutes before I drift.",
    "content_id": null, "accepted_answer_id": null, "answer_count": 0,
    "created_at": "2026-11-21T08:30:00.000000Z", "updated_at": "2026-11-21T08:30:00.000000Z",
    "answers": []}))]
pub struct QuestionDto {
    #[graphql(skip, derived(owned, name = "id", into = "ID"))]
    pub id: Uuid,
    #[graphql(skip, derived(owned, name = "space_id", into = "ID"))]
    pub space_id: Uuid,
    /// The member who asked.
    #[graphql(skip, derived(owned, name = "member_id", into = "ID"))]
    pub member_id: Uuid,
    pub title: String,
    pub body: String,
    #[graphql(
        skip,
        derived(owned, name = "content_id", into = "Option<ID>", with = "ids::opt")
    )]
    pub content_id: Option<Uuid>,
    #[graphql(
        skip,
        derived(
            owned,
            name = "accepted_answer_id",
            into = "Option<ID>",
            with = "ids::opt"
        )
    )]
    pub accepted_answer_id: Option<Uuid>,
    pub answer_count: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Oldest first. Left empty in lists: read one question for its answers.
    pub answers: Vec<Answer>,
}

impl From<AnswerRow> for Answer {
    fn from(row: AnswerRow) -> Self {
        Self {
            id: row.id,
            question_id: row.question_id,
            answerer_id: row.answerer_id,
            body: row.body,
            accepted: row.accepted,
            created_at: row.created_at,
        }
    }
}

impl From<QuestionRow> for QuestionDto {
    fn from(row: QuestionRow) -> Self {
        Self {
            id: row.id,
            space_id: row.space_id,
            member_id: row.member_id,
            title: row.title,
            body: row.body,
            content_id: row.content_id,
            accepted_answer_id: row.accepted_answer_id,
            answer_count: row.answer_count,
            created_at: row.created_at,
            updated_at: row.updated_at,
            answers: Vec::new(),
        }
    }
}

/// The members of a space who hold the guest role.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(example = json!({"member_ids": ["0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c"]}))]
pub struct Guests {
    pub member_ids: Vec<Uuid>,
}

/// A member's guest role after a change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, SimpleObject, PartialEq)]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "guest": true}))]
pub struct GuestRole {
    #[graphql(skip, derived(owned, name = "member_id", into = "ID"))]
    pub member_id: Uuid,
    /// Whether the member may answer questions.
    pub guest: bool,
}

/// What the server enforces on the request types above.
pub(super) fn rules() -> Vec<FieldRule> {
    use lyceum_domain::content::question::{MAX_QUESTION_BODY, MAX_QUESTION_TITLE};
    vec![
        on::<AskQuestion>("title", Rule::Text(MAX_QUESTION_TITLE)),
        on::<AskQuestion>("body", Rule::Text(MAX_QUESTION_BODY)),
        on::<AnswerQuestion>("body", Rule::Text(MAX_QUESTION_BODY)),
    ]
}
