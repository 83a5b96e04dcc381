//! `/v1/spaces/{space}/keys`: issuing creator and auditor keys.

use crate::auth::Auth;
use crate::dto::{CreateKey, IssuedKey};
use crate::error::ApiError;
use crate::space::{Intent, resolve};
use crate::state::AppState;
use crate::{service, write};
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, post};

/// Issue an API key for a space
///
/// Issues a creator key (`lyc_sk_…`, manages this space only) or an auditor key (`lyc_ak_…`,
/// reads this space and its event history). The secret is returned once and stored only as a
/// SHA-256; a replay of the same idempotent request returns `key: null`. Admin or creator keys.
#[utoipa::path(
    tag = "keys",
    request_body = CreateKey,
    responses((status = 201, description = "The key was issued.", body = IssuedKey)),
)]
#[post("/v1/spaces/{space}/keys")]
#[tracing::instrument(skip_all)]
pub async fn create_key(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<String>,
    body: Json<CreateKey>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &path, Intent::Write).await?;
        service::keys::issue(&state, &auth, &space, body.role).await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}
