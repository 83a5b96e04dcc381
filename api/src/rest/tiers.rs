//! `/v1/spaces/{space}/tiers`: defining and listing tiers.

use crate::auth::Auth;
use crate::consistency::Fresh;
use crate::dto::{CreateTier, Tier};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paged};
use crate::space::{Intent, resolve};
use crate::state::AppState;
use crate::{service, write};
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, post};

/// Define a tier
///
/// Defines a free or paid membership tier. A free tier has no prices and no trial; a paid tier
/// needs a monthly or yearly price (positive, in minor units of the space's currency) and may
/// offer up to 365 trial days.
#[utoipa::path(
    tag = "tiers",
    params(("space" = String, Path, description = "The space's id or slug")),
    request_body = CreateTier,
    responses((status = 201, description = "The tier was defined.", body = Tier,
        headers(("Lyceum-Position" = i64, description = "Global position of the write")))),
    security(("bearer" = []))
)]
#[post("/v1/spaces/{space}/tiers")]
#[tracing::instrument(skip_all)]
pub async fn create_tier(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<String>,
    body: Json<CreateTier>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &path, Intent::Write).await?;
        service::tiers::create(&state, &auth, &space, body.clone()).await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}

/// List tiers
///
/// Lists the space's tiers, oldest first, a page at a time.
#[utoipa::path(
    tag = "tiers",
    params(("space" = String, Path, description = "The space's id or slug"), PageQuery),
    responses((status = 200, description = "A page of tiers.", body = Paged<Tier>)),
    security(("bearer" = []))
)]
#[get("/v1/spaces/{space}/tiers")]
#[tracing::instrument(skip_all)]
pub async fn list_tiers(
    state: Data<AppState>,
    auth: Auth,
    path: Path<String>,
    query: Query<PageQuery>,
    _fresh: Fresh,
) -> Result<Json<Paged<Tier>>, ApiError> {
    let space = resolve(&state, &auth, &path, Intent::Read).await?;
    let page = lyceum_projections::queries::tiers(
        &state.db,
        &space.id.to_string(),
        query.after()?.as_deref(),
        query.limit()?,
    )
    .await?;
    Ok(Json(Paged::from_page(page, Tier::from)))
}
