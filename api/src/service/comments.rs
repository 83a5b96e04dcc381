//! Comments: members post, reply, edit and delete their own; moderators hide and remove. The
//! body is sealed with the author's key before it reaches the log, and opened with it for the
//! answer.

use super::engagement::engageable;
use super::reads::{find_member, map};
use super::{decide_loaded, load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{Comment as CommentDto, CreateComment, EditComment};
use crate::error::ApiError;
use crate::limits::Limit;
use crate::pagination::Slice;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::content::Content;
use lyceum_domain::engagement::comment::{
    Comment, CommentCommand, CommentEvent, CommentStatus, CommentText, ParentRef,
};
use lyceum_domain::ids::{CommentId, MemberId};
use lyceum_domain::values::Sealed;
use lyceum_projections::engagement::queries::{self, CommentRow, Thread};
use lyceum_projections::page::Page;
use lyceum_store::command::Loaded;
use lyceum_store::vault;
use uuid::Uuid;

/// The refusal of a comment by a member whose key is erased.
fn erased() -> ApiError {
    ApiError::forbidden("the member's personal data was erased")
}

/// The author's key, read from the writer (a key stored a moment ago is there).
async fn author_key(state: &AppState, member: MemberId) -> Result<String, ApiError> {
    let mut conn = state
        .db
        .writer()
        .acquire()
        .await
        .map_err(lyceum_store::StoreError::from)?;
    vault::secret_for(&mut conn, member.0)
        .await?
        .ok_or_else(erased)
}

/// Checks and seals a body with the author's key.
async fn seal(state: &AppState, member: MemberId, body: &str) -> Result<Sealed, ApiError> {
    let text = CommentText::parse(body)?;
    let key = author_key(state, member).await?;
    Ok(vault::seal(&key, member.0, text.as_str())?)
}

/// What a comment's answer needs besides its history.
struct Shown {
    /// The body, opened (`None` once the author's key is erased, or for a comment without one).
    text: Option<String>,
    author_name: Option<String>,
    replies: i64,
}

/// The comment as its author or a moderator sees it, from its history; the body is opened with
/// the author's key, and the replies and author's name come from the read models.
async fn view(
    state: &AppState,
    history: &[(CommentEvent, String)],
) -> Result<CommentDto, ApiError> {
    let comment = Comment::from_history(history.iter().map(|(e, _)| e));
    let current = comment
        .state
        .ok_or_else(|| ApiError::not_found("comment"))?;
    let text = match last_body(history).filter(|_| visible_body(current.status)) {
        Some(sealed) => vault::open_for(&state.db, current.member_id.0, sealed).await?,
        None => None,
    };
    let (space_id, id) = (current.space_id.to_string(), current.id.to_string());
    let row = queries::comment(&state.db, &space_id, &id).await?;
    // A comment just written is not in the read model yet: its author's name comes from the
    // members read model then.
    let author_name = match &row {
        Some(row) => row.author_name.clone(),
        None => find_member(state, Some(current.space_id.0), current.member_id.0)
            .await?
            .and_then(|m| m.display_name),
    };
    let replies = row.as_ref().map_or(0, |r| r.replies);
    answer(
        history,
        Shown {
            text,
            author_name,
            replies,
        },
    )
}

/// Whether a comment in this status shows its body.
fn visible_body(status: CommentStatus) -> bool {
    matches!(status, CommentStatus::Visible | CommentStatus::Hidden)
}

/// The body the history last gave the comment, sealed.
fn last_body(history: &[(CommentEvent, String)]) -> Option<&Sealed> {
    history.iter().rev().find_map(|(event, _)| match event {
        CommentEvent::CommentPosted { body, .. } | CommentEvent::CommentEdited { body, .. } => {
            Some(body)
        }
        _ => None,
    })
}

/// The comment as its history and `shown` have it.
fn answer(history: &[(CommentEvent, String)], shown: Shown) -> Result<CommentDto, ApiError> {
    let comment = Comment::from_history(history.iter().map(|(e, _)| e));
    let (Some(current), Some((_, created_at)), Some((_, updated_at))) =
        (comment.state, history.first(), history.last())
    else {
        return Err(ApiError::not_found("comment"));
    };
    let mut parent_id = None;
    let mut edited_at = None;
    let mut moderation_reason = None;
    for (event, at) in history {
        match event {
            CommentEvent::CommentPosted {
                parent_id: parent, ..
            } => {
                parent_id = parent.map(|p| p.0);
            }
            CommentEvent::CommentEdited { .. } => edited_at = Some(at.clone()),
            CommentEvent::CommentHidden { reason, .. }
            | CommentEvent::CommentRemoved { reason, .. } => moderation_reason = reason.clone(),
            _ => {}
        }
    }
    let shows_body = visible_body(current.status);
    let text = shown.text.filter(|_| shows_body);
    Ok(CommentDto {
        id: current.id.0,
        content_id: current.content_id.0,
        parent_id,
        member_id: current.member_id.0,
        author_name: shown.author_name,
        erased: shows_body && text.is_none(),
        body: text,
        status: current.status.as_str().to_owned(),
        replies: shown.replies,
        created_at: created_at.clone(),
        edited_at,
        updated_at: updated_at.clone(),
        moderation_reason,
    })
}

/// The item whose thread the caller may read: a member session must be able to read the item
/// itself (404 unknown, 403 locked); a key reads any item of the space.
pub async fn readable(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
) -> Result<Uuid, ApiError> {
    match auth.member_id() {
        Some(_) => Ok(engageable(state, auth, space, content_id)
            .await?
            .content_id
            .0),
        None => {
            let id = parse_id(content_id, "content")?;
            load_in_space::<Content>(&state.db, space.id, id).await?;
            Ok(id)
        }
    }
}

/// Whether `viewer` (a member, or `None` for a key) sees this comment in a thread: visible
/// comments to all, hidden ones to their author and keys, deleted and removed ones as
/// placeholders without a body.
pub fn shown_to(row: &CommentRow, viewer: Option<Uuid>) -> bool {
    row.status != "hidden" || viewer.is_none_or(|m| m == row.member_id)
}

/// One level of an item's thread, oldest first: a member session must be able to read the
/// item and sees hidden comments only if it wrote them; a key reads any item of the space.
pub async fn thread(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
    parent_id: Option<&str>,
    page: Slice,
) -> Result<Page<CommentDto>, ApiError> {
    let content_id = readable(state, auth, space, content_id).await?;
    let parent = parent_id
        .map(|p| parse_id(p, "parent"))
        .transpose()?
        .map(|p| p.to_string());
    let viewer = auth.member_id().map(|m| m.to_string());
    let thread = Thread {
        space_id: &space.id.to_string(),
        content_id: &content_id.to_string(),
        parent_id: parent.as_deref(),
        viewer: viewer.as_deref(),
    };
    let page = queries::comments(&state.db, thread, page.after(), page.limit).await?;
    Ok(map(page, CommentDto::from))
}

/// Plans `POST /v1/spaces/{space}/content/{id}/comments`: a comment, or a reply to one on the
/// same item, by the signed-in member.
pub async fn post(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
    input: CreateComment,
) -> Result<Planned<CommentDto>, ApiError> {
    let engagement = engageable(state, auth, space, content_id).await?;
    let now = state.clock.now();
    state
        .limits
        .check(engagement.member_id.0, Limit::Comment, now)
        .await?;
    let parent = match input.parent_id {
        Some(id) => {
            let parent = load_in_space::<Comment>(&state.db, space.id, id)
                .await
                .map_err(|e| match e.code {
                    lyceum_domain::Code::NotFound => ApiError::not_found("parent comment"),
                    _ => e,
                })?;
            parent.state.state.map(|p| ParentRef {
                id: p.id,
                content_id: p.content_id,
                open: matches!(p.status, CommentStatus::Visible | CommentStatus::Hidden),
            })
        }
        None => None,
    };
    // The author's key, read once, seals the body and opens their name for the answer.
    let text = CommentText::parse(&input.body)?;
    let key = author_key(state, engagement.member_id).await?;
    let author = engagement.member_id.0;
    let body = vault::seal(&key, author, text.as_str())?;
    let author_name = engagement
        .display_name
        .as_ref()
        .and_then(|name| vault::open(&key, author, name));
    let id = CommentId::new();
    let events = Comment::default().decide(CommentCommand::Post {
        comment_id: id,
        space_id: space.id,
        content_id: engagement.content_id,
        parent,
        member_id: engagement.member_id,
        body,
        author: engagement.standing,
        now,
    })?;
    let append = super::append_in::<Comment>(auth, space, id.0, 0, &events)?;
    let history: Vec<_> = events
        .into_iter()
        .map(|e| (e, append.occurred().to_owned()))
        .collect();
    // Built from what the command holds: a new comment has no replies and is not in the read
    // models yet.
    let shown = Shown {
        text: Some(text.as_str().to_owned()),
        author_name,
        replies: 0,
    };
    let output = answer(&history, shown)?;
    Ok(Planned::new(Outcome::Created, output, append))
}

/// Loads a comment of the space, with its id: 404 for anything else.
async fn comment(
    state: &AppState,
    space: &SpaceRef,
    id: &str,
) -> Result<(Uuid, Loaded<Comment>), ApiError> {
    let id = parse_id(id, "comment")?;
    Ok((id, load_in_space::<Comment>(&state.db, space.id, id).await?))
}

/// Plans `PATCH /v1/spaces/{space}/comments/{comment}`: the author edits, while they still may
/// read the item and are not muted.
pub async fn edit(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    comment_id: &str,
    input: EditComment,
) -> Result<Planned<CommentDto>, ApiError> {
    let (id, loaded) = comment(state, space, comment_id).await?;
    let current = loaded
        .state
        .state
        .clone()
        .ok_or_else(|| ApiError::not_found("comment"))?;
    let engagement = engageable(state, auth, space, &current.content_id.to_string()).await?;
    let now = state.clock.now();
    state
        .limits
        .check(engagement.member_id.0, Limit::Comment, now)
        .await?;
    let body = seal(state, engagement.member_id, &input.body).await?;
    let command = CommentCommand::Edit {
        by: engagement.member_id,
        body,
        author: engagement.standing,
        now,
    };
    let decision = decide_loaded(auth, space, id, loaded, command)?;
    let output = view(state, &decision.history).await?;
    Ok(decision.planned(output))
}

/// Plans `DELETE /v1/spaces/{space}/comments/{comment}`: only the author deletes (also after
/// losing access to the item). Deleting again changes nothing.
pub async fn delete(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    comment_id: &str,
) -> Result<Planned<()>, ApiError> {
    let (member, _) = auth.require_member()?;
    let (id, loaded) = comment(state, space, comment_id).await?;
    let command = CommentCommand::Delete {
        by: MemberId(member),
    };
    let mut planned = decide_loaded(auth, space, id, loaded, command)?.planned(());
    planned.outcome = Outcome::Done;
    Ok(planned)
}

/// Plans a moderator's `hide` or `remove` of a comment.
pub async fn moderate(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    comment_id: &str,
    command: CommentCommand,
) -> Result<Planned<CommentDto>, ApiError> {
    let (id, loaded) = comment(state, space, comment_id).await?;
    let decision = decide_loaded(auth, space, id, loaded, command)?;
    let output = view(state, &decision.history).await?;
    Ok(decision.planned(output))
}
