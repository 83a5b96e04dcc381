//! `/v1/spaces/{space}/content/{id}/…`: a member's views, likes and shares of an item, and the
//! item's engagement counters.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{InteractionResult, ItemEngagement, ShareItem};
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, delete, get, post, put};
use chrono::{DateTime, Utc};
use lyceum_domain::engagement::interaction::Action;

async fn interact(
    call: Call,
    path: Path<(String, String)>,
    body: &impl serde::Serialize,
    action: impl FnOnce(DateTime<Utc>) -> Action,
) -> Result<HttpResponse, ApiError> {
    let (space, id) = path.into_inner();
    call.write(
        &space,
        Intent::MemberWrite,
        body,
        async |state, auth, space| {
            service::engagement::interact(state, auth, space, &id, action).await
        },
    )
    .await
}

/// Record a view
///
/// Records that the signed-in member opened an item (member sessions only). A view counts once
/// per member, item and UTC day: a second view on the same day answers `recorded: false` and
/// writes nothing. The member must be able to read the item (`forbidden` when it is locked for
/// them); at most 120 views a minute (`rate_limited`, with `Retry-After`).
#[utoipa::path(
    tag = "engagement",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The view, counted or not.", body = InteractionResult)),
)]
#[post("/v1/spaces/{space}/content/{id}/views")]
#[tracing::instrument(skip_all)]
pub async fn record_view(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    interact(call, path, &(), |now| Action::View {
        day: now.date_naive(),
        clicks: 1,
    })
    .await
}

/// Like an item
///
/// The signed-in member likes an item they can read. Liking an item already liked changes
/// nothing (`recorded: false`). At most 60 likes and unlikes a minute.
#[utoipa::path(
    tag = "engagement",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The item is liked.", body = InteractionResult)),
)]
#[put("/v1/spaces/{space}/content/{id}/like")]
#[tracing::instrument(skip_all)]
pub async fn like_item(call: Call, path: Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    interact(call, path, &(), |_| Action::Like).await
}

/// Unlike an item
///
/// The signed-in member takes back their like. Unliking an item not liked changes nothing
/// (`recorded: false`).
#[utoipa::path(
    tag = "engagement",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    responses((status = 200, description = "The item is not liked.", body = InteractionResult)),
)]
#[delete("/v1/spaces/{space}/content/{id}/like")]
#[tracing::instrument(skip_all)]
pub async fn unlike_item(
    call: Call,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    interact(call, path, &(), |_| Action::Unlike).await
}

/// Share an item
///
/// Records that the signed-in member shared an item they can read, and where. Every share
/// counts; at most 30 a minute.
#[utoipa::path(
    tag = "engagement",
    params(("id" = uuid::Uuid, Path, description = "The item's id")),
    request_body = ShareItem,
    responses((status = 200, description = "The share was recorded.", body = InteractionResult)),
)]
#[post("/v1/spaces/{space}/content/{id}/shares")]
#[tracing::instrument(skip_all)]
pub async fn share_item(
    call: Call,
    path: Path<(String, String)>,
    body: Json<ShareItem>,
) -> Result<HttpResponse, ApiError> {
    let channel = body.channel.into();
    let share = move |_| Action::Share { channel };
    interact(call, path, &body.0, share).await
}

/// Get an item's engagement
///
/// The item's counters: views (once per member and day), likes now, visible comments, shares
/// and completions. They equal what the events say, and a replay gives the same numbers. A
/// member session sees published items' counters (locked ones too) and whether it likes the
/// item.
#[utoipa::path(
    tag = "engagement",
    params(("id" = uuid::Uuid, Path, description = "The item's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The counters.", body = ItemEngagement)),
)]
#[get("/v1/spaces/{space}/content/{id}/engagement")]
#[tracing::instrument(skip_all)]
pub async fn get_engagement(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<(
        read_model::Content,
        read_model::Engagement,
        read_model::Interactions,
    )>,
) -> Result<Json<ItemEngagement>, ApiError> {
    let (space, id) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    Ok(Json(
        service::engagement::counters(&call.state, &call.auth, &space, &id).await?,
    ))
}
