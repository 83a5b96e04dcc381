//! `/v1/spaces`: create a space, read it, change its settings.

use crate::auth::Auth;
use crate::consistency::Fresh;
use crate::dto::{CreateSpace, Space, UpdateSpace};
use crate::error::ApiError;
use crate::space::{Intent, resolve};
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
    responses((status = 201, description = "The space was created.", body = Space,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
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
    params(("space" = String, Path, description = "The space's id or slug"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The space.", body = Space)),
    security(("bearer" = []))
)]
#[get("/v1/spaces/{space}")]
#[tracing::instrument(skip_all)]
pub async fn get_space(
    state: Data<AppState>,
    auth: Auth,
    path: Path<String>,
    _fresh: Fresh,
) -> Result<Json<Space>, ApiError> {
    let space = resolve(&state, &auth, &path, Intent::Read).await?;
    let row = lyceum_projections::spaces::queries::space(&state.db, &space.id.to_string())
        .await?
        .ok_or_else(|| ApiError::not_found("space"))?;
    Ok(Json(Space::from(row)))
}

/// Change a space's settings
///
/// Changes the name and/or description. Fields left out keep their value; sending the current
/// value changes nothing and records no event.
#[utoipa::path(
    tag = "spaces",
    params(("space" = String, Path, description = "The space's id or slug")),
    request_body = UpdateSpace,
    responses((status = 200, description = "The space after the change.", body = Space,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[patch("/v1/spaces/{space}")]
#[tracing::instrument(skip_all)]
pub async fn update_space(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<String>,
    body: Json<UpdateSpace>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &path, Intent::Write).await?;
        service::spaces::update(&state, &auth, &space, body.clone()).await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}
