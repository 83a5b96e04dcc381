//! Comment threads: members post, reply, edit and delete their own comments on items they can
//! read; creators hide and remove.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{Comment, CreateComment, EditComment, Moderation, ThreadQuery};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path, Query};
use actix_web::{HttpResponse, delete, get, patch, post};
use lyceum_domain::engagement::comment::CommentCommand;

/// Post a comment
///
/// The signed-in member comments on an item they can read, or replies to a comment on it with
/// `parent_id`. The body is personal data, sealed with the member's key: erasing the member
/// makes it unreadable. A muted member is refused with `member_muted` (saying until when); at
/// most 30 comments and edits a minute (`rate_limited`, with `Retry-After`).
#[utoipa::path(
    tag = "engagement",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    request_body = CreateComment,
    responses((status = 201, description = "The comment was posted.", body = Comment)),
)]
#[post("/v1/spaces/{space}/content/{id}/comments")]
#[tracing::instrument(skip_all)]
pub async fn post_comment(
    call: Call,
    path: Path<(String, String)>,
    body: Json<CreateComment>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(
        &space,
        Intent::MemberWrite,
        &body,
        async |state, auth, space| {
            service::comments::post(state, auth, space, &id, body.0.clone()).await
        },
    )
    .await
}

/// List comments
///
/// One level of an item's thread, oldest first, a page at a time: the top-level comments, or
/// with `parent_id` the replies to that comment. Deleted and removed comments keep their place
/// without a body. A member session needs to be able to read the item and sees hidden comments
/// only if it wrote them; a key sees everything.
#[utoipa::path(
    tag = "engagement",
    params(("id" = uuid::Uuid, Path, description = "The item's id"), ThreadQuery, PageQuery),
    responses((status = 200, description = "A page of comments.", body = Paged<Comment>)),
)]
#[get("/v1/spaces/{space}/content/{id}/comments")]
#[tracing::instrument(skip_all)]
pub async fn list_comments(
    call: Call,
    path: Path<(String, String)>,
    page: Query<PageQuery>,
    thread: Query<ThreadQuery>,
    _fresh: Fresh<(
        read_model::Engagement,
        read_model::Content,
        read_model::Entitlements,
    )>,
) -> Result<Json<Paged<Comment>>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let parent = thread.parent_id.as_deref();
    let rows =
        service::comments::thread(&call.state, &call.auth, &space, &id, parent, page.slice()?);
    let rows = rows.await?;
    Ok(Json(rows.into()))
}

/// Edit a comment
///
/// The author changes their comment's body, while they can still read the item and are not
/// muted. Anyone else is refused with `forbidden`; a hidden, removed or deleted comment cannot
/// be edited (`invalid_transition`).
#[utoipa::path(
    tag = "engagement",
    params(("comment" = uuid::Uuid, Path, description = "The comment's id")),
    request_body = EditComment,
    responses((status = 200, description = "The comment after the edit.", body = Comment)),
)]
#[patch("/v1/spaces/{space}/comments/{comment}")]
#[tracing::instrument(skip_all)]
pub async fn edit_comment(
    call: Call,
    path: Path<(String, String)>,
    body: Json<EditComment>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(
        &space,
        Intent::MemberWrite,
        &body,
        async |state, auth, space| {
            service::comments::edit(state, auth, space, &id, body.0.clone()).await
        },
    )
    .await
}

/// Delete a comment
///
/// The author deletes their comment; it keeps its place in the thread, without a body.
/// Deleting again changes nothing. Anyone else is refused with `forbidden` (creators hide or
/// remove instead).
#[utoipa::path(
    tag = "engagement",
    params(("comment" = uuid::Uuid, Path, description = "The comment's id")),
    responses((status = 204, description = "The comment is deleted.")),
)]
#[delete("/v1/spaces/{space}/comments/{comment}")]
#[tracing::instrument(skip_all)]
pub async fn delete_comment(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(
        &space,
        Intent::MemberWrite,
        &(),
        async |state, auth, space| service::comments::delete(state, auth, space, &id).await,
    )
    .await
}

async fn moderate(
    call: Call,
    path: Path<(String, String)>,
    body: Moderation,
    command: impl FnOnce(Option<String>) -> CommentCommand,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(&space, Intent::Write, &body, async |state, auth, space| {
        let command = command(body.reason.clone());
        service::comments::moderate(state, auth, space, &id, command).await
    })
    .await
}

/// Hide a comment
///
/// A creator hides a comment: only its author and the creator see it from now on, and it no
/// longer counts. The reason is kept with the event (and the key that acted, as its actor).
/// Hiding a hidden comment changes nothing.
#[utoipa::path(
    tag = "moderation",
    params(("comment" = uuid::Uuid, Path, description = "The comment's id")),
    request_body = Moderation,
    responses((status = 200, description = "The hidden comment.", body = Comment)),
)]
#[post("/v1/spaces/{space}/comments/{comment}/hide")]
#[tracing::instrument(skip_all)]
pub async fn hide_comment(
    call: Call,
    path: Path<(String, String)>,
    body: Json<Moderation>,
) -> Result<HttpResponse, ApiError> {
    let command = |reason| CommentCommand::Hide { reason };
    moderate(call, path, body.0, command).await
}

/// Remove a comment
///
/// A creator removes a comment: its body is shown to nobody, it keeps its place in the thread
/// and no longer counts. Removing a removed comment changes nothing.
#[utoipa::path(
    tag = "moderation",
    params(("comment" = uuid::Uuid, Path, description = "The comment's id")),
    request_body = Moderation,
    responses((status = 200, description = "The removed comment.", body = Comment)),
)]
#[post("/v1/spaces/{space}/comments/{comment}/remove")]
#[tracing::instrument(skip_all)]
pub async fn remove_comment(
    call: Call,
    path: Path<(String, String)>,
    body: Json<Moderation>,
) -> Result<HttpResponse, ApiError> {
    let command = |reason| CommentCommand::Remove { reason };
    moderate(call, path, body.0, command).await
}
