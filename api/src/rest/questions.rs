//! `/v1/spaces/{space}/questions`: members ask, the creator or a guest answers, the asker or the
//! creator accepts an answer; and `/v1/spaces/{space}/members/{id}/guest`, the guest role.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{Answer, AnswerQuestion, AskQuestion, GuestRole, Guests, QuestionDto};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, delete, get, post};

/// Ask a question
///
/// A member session asks the space a question, optionally about a published item. The text is
/// community content, visible to the space's members and creator.
#[utoipa::path(
    tag = "content",
    request_body = AskQuestion,
    responses((status = 201, description = "The question.", body = QuestionDto)),
)]
#[post("/v1/spaces/{space}/questions")]
#[tracing::instrument(skip_all)]
pub async fn ask_question(
    call: Call,
    path: Path<String>,
    body: Json<AskQuestion>,
) -> Result<HttpResponse, ApiError> {
    call.write(
        &path,
        Intent::MemberWrite,
        &body,
        async |state, auth, space| {
            service::questions::ask(state, auth, space, body.0.clone()).await
        },
    )
    .await
}

/// List questions
///
/// The space's questions, newest first, without their answers (read one for those). For
/// member sessions and keys.
#[utoipa::path(
    tag = "content",
    params(PageQuery),
    responses((status = 200, description = "A page of questions.", body = Paged<QuestionDto>)),
)]
#[get("/v1/spaces/{space}/questions")]
#[tracing::instrument(skip_all)]
pub async fn list_questions(
    call: Call,
    path: Path<String>,
    page: Query<PageQuery>,
    _fresh: Fresh<read_model::Questions>,
) -> Result<Json<Paged<QuestionDto>>, ApiError> {
    let space = call.space(&path, Intent::MemberRead).await?;
    let questions = service::questions::list(&call.state, &space, page.slice()?).await?;
    Ok(Json(questions.into()))
}

/// Get a question
///
/// One question with its answers, oldest first, and which one was accepted.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The question's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The question.", body = QuestionDto)),
)]
#[get("/v1/spaces/{space}/questions/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_question(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<read_model::Questions>,
) -> Result<Json<QuestionDto>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    Ok(Json(
        service::questions::get(&call.state, &space, &id).await?,
    ))
}

/// Answer a question
///
/// The creator (an API key) or a member session holding the guest role answers. Any other
/// member is refused with `forbidden`, and so is a guest answering their own question.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The question's id")),
    request_body = AnswerQuestion,
    responses((status = 200, description = "The answer.", body = Answer)),
)]
#[post("/v1/spaces/{space}/questions/{id}/answers")]
#[tracing::instrument(skip_all)]
pub async fn answer_question(
    call: Call,
    path: Path<(String, String)>,
    body: Json<AnswerQuestion>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(
        &space,
        Intent::MemberWrite,
        &body,
        async |state, auth, space| {
            service::questions::answer(state, auth, space, &id, body.0.clone()).await
        },
    )
    .await
}

/// Accept an answer
///
/// The member who asked (or the creator) accepts one answer; a question accepts one answer
/// only (`invalid_transition` after that). Anyone else is refused with `forbidden`.
#[utoipa::path(
    tag = "content",
    params(("id" = uuid::Uuid, Path, description = "The question's id"),
        ("answer_id" = uuid::Uuid, Path, description = "The answer's id")),
    responses((status = 200, description = "The accepted answer.", body = Answer)),
)]
#[post("/v1/spaces/{space}/questions/{id}/answers/{answer_id}/accept")]
#[tracing::instrument(skip_all)]
pub async fn accept_answer(
    call: Call,
    path: Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, id, answer_id) = path.into_inner();
    call.write(
        &space,
        Intent::MemberWrite,
        &(),
        async |state, auth, space| {
            service::questions::accept(state, auth, space, &id, &answer_id).await
        },
    )
    .await
}

/// Make a member a guest
///
/// Grants the guest role: the member may answer questions. Granting it again records nothing.
#[utoipa::path(
    tag = "members",
    params(("id" = uuid::Uuid, Path, description = "The member's id")),
    responses((status = 200, description = "The member's role.", body = GuestRole)),
)]
#[post("/v1/spaces/{space}/members/{id}/guest")]
#[tracing::instrument(skip_all)]
pub async fn grant_guest_role(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    set_guest(call, path, true).await
}

/// Take the guest role back
///
/// The member may no longer answer questions; their answers stay. Revoking a role the member
/// does not hold records nothing.
#[utoipa::path(
    tag = "members",
    params(("id" = uuid::Uuid, Path, description = "The member's id")),
    responses((status = 200, description = "The member's role.", body = GuestRole)),
)]
#[delete("/v1/spaces/{space}/members/{id}/guest")]
#[tracing::instrument(skip_all)]
pub async fn revoke_guest_role(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    set_guest(call, path, false).await
}

async fn set_guest(
    call: Call,
    path: Path<(String, String)>,
    grant: bool,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &(), async |state, auth, space| {
        service::questions::set_guest(state, auth, space, &id, grant).await
    })
    .await
}

/// List guests
///
/// The members of the space who hold the guest role.
#[utoipa::path(
    tag = "members",
    params(("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The guests.", body = Guests)),
)]
#[get("/v1/spaces/{space}/guests")]
#[tracing::instrument(skip_all)]
pub async fn list_guests(
    call: Call,
    path: Path<String>,
    _fresh: Fresh<read_model::Questions>,
) -> Result<Json<Guests>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    Ok(Json(service::questions::guests(&call.state, &space).await?))
}
