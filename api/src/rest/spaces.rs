//! `/v1/spaces`: create a space, read it, change its settings.

use super::call::Call;
use crate::auth::Auth;
use crate::consistency::{Fresh, read_model};
use crate::dto::{CreateSpace, Space, UpdateSpace};
use crate::error::ApiError;
use crate::space::Intent;
use crate::state::AppState;
use crate::{service, write};
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};

/// Create a space
///
/// Creates a creator's space: the tenant that owns tiers, members and content. Admin keys only.
/// The slug must be unique across the installation; it can be used in place of the id in every
/// `{space}` path segment.
#[utoipa::path(
    tag = "spaces",
    request_body = CreateSpace,
    responses((status = 201, description = "The space was created.", body = Space)),
)]
#[post("/v1/spaces")]
#[tracing::instrument(skip_all)]
pub async fn create_space(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CreateSpace>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    write::respond(
        &state,
        &req,
        &auth,
        &body,
        service::spaces::create(&auth, body.clone()),
    )
    .await
}

/// Get a space
///
/// Returns the space's current settings from the read model.
#[utoipa::path(
    tag = "spaces",
    params(("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The space.", body = Space)),
)]
#[get("/v1/spaces/{space}")]
#[tracing::instrument(skip_all)]
pub async fn get_space(
    call: Call,
    path: Path<String>,
    _fresh: Fresh<read_model::Spaces>,
) -> Result<Json<Space>, ApiError> {
    let space = call.space(&path, Intent::Read).await?;
    let space = service::reads::space(&call.state, space.id.0)
        .await?
        .ok_or_else(|| ApiError::not_found("space"))?;
    Ok(Json(space))
}

/// Change a space's settings
///
/// Changes the name and/or description. Fields left out keep their value; sending the current
/// value changes nothing and records no event.
#[utoipa::path(
    tag = "spaces",
    request_body = UpdateSpace,
    responses((status = 200, description = "The space after the change.", body = Space)),
)]
#[patch("/v1/spaces/{space}")]
#[tracing::instrument(skip_all)]
pub async fn update_space(
    call: Call,
    path: Path<String>,
    body: Json<UpdateSpace>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::spaces::update(state, auth, space, body.0.clone()).await
    })
    .await
}
