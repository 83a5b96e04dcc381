//! `/v1/spaces/{space}/keys`: issuing creator and auditor keys.

use super::call::Call;
use crate::dto::{CreateKey, IssuedKey};
use crate::error::ApiError;
use crate::service;
use crate::space::Intent;
use actix_web::web::{Json, Path};
use actix_web::{HttpResponse, post};

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
    call: Call,
    path: Path<String>,
    body: Json<CreateKey>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        service::keys::issue(state, auth, space, body.role).await
    })
    .await
}
