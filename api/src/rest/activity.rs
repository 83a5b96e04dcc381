//! A member's engagement history and the training features: their activity log, their activity
//! features, and the space's member × item interaction matrix.

use super::call::Call;
use crate::consistency::{Fresh, read_model};
use crate::dto::{Activity, ActivityFeatures, Interaction, InteractionQuery};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::service;
use crate::space::Intent;
use actix_web::get;
use actix_web::web::{Json, Path, Query};

/// List a member's activity
///
/// What a member did (viewed, liked, unliked, shared, commented, completed, purchased), newest
/// first, a page at a time. A member session reads its own; a key any member of its space.
#[utoipa::path(
    tag = "engagement",
    params(("member" = uuid::Uuid, Path, description = "The member's id"), PageQuery),
    responses((status = 200, description = "A page of activity.", body = Paged<Activity>)),
)]
#[get("/v1/spaces/{space}/members/{member}/activity")]
#[tracing::instrument(skip_all)]
pub async fn list_member_activity(
    call: Call,
    path: Path<(String, String)>,
    page: Query<PageQuery>,
    _fresh: Fresh<(read_model::MemberRow, read_model::Interactions)>,
) -> Result<Json<Paged<Activity>>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    let rows = service::activity::activity(&call.state, &call.auth, &space, &member, page.slice()?);
    let rows = rows.await?;
    Ok(Json(rows.into()))
}

/// Get a member's activity features
///
/// Per-member features for churn and recommendation models, computed now: actions, active
/// days, days since the last action and actions per week (over the last 28 days), and how many
/// items the member viewed, liked, commented on, completed and bought.
#[utoipa::path(
    tag = "engagement",
    params(("member" = uuid::Uuid, Path, description = "The member's id"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The features.", body = ActivityFeatures)),
)]
#[get("/v1/spaces/{space}/members/{member}/features")]
#[tracing::instrument(skip_all)]
pub async fn get_member_features(
    call: Call,
    path: Path<(String, String)>,
    _fresh: Fresh<(read_model::MemberRow, read_model::Interactions)>,
) -> Result<Json<ActivityFeatures>, ApiError> {
    let (space, member) = path.into_inner();
    let space = call.space(&space, Intent::MemberRead).await?;
    Ok(Json(
        service::activity::features(&call.state, &call.auth, &space, &member).await?,
    ))
}

/// List interactions
///
/// The space's member × item interaction matrix, by member then item, a page at a time: views
/// (days), like, shares, comments, completion and purchase, with times. Training data for
/// recommendations; for keys.
#[utoipa::path(
    tag = "engagement",
    params(InteractionQuery, PageQuery),
    responses((status = 200, description = "A page of interactions.", body = Paged<Interaction>)),
)]
#[get("/v1/spaces/{space}/interactions")]
#[tracing::instrument(skip_all)]
pub async fn list_interactions(
    call: Call,
    path: Path<String>,
    page: Query<PageQuery>,
    filter: Query<InteractionQuery>,
    _fresh: Fresh<read_model::Interactions>,
) -> Result<Json<Paged<Interaction>>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    let member = filter.member_id.as_deref();
    let rows = service::activity::interactions(&call.state, &space, member, page.slice()?).await?;
    Ok(Json(rows.into()))
}
