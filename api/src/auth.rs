//! Bearer-key authentication. A key is looked up by its SHA-256 in one indexed query; the role
//! its prefix names must match the stored role.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
pub use lyceum_store::keys::{Principal, Role};

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

/// The bearer secret from an `Authorization` header value, if well-formed.
pub fn bearer(value: Option<&str>) -> Result<&str, ApiError> {
    let value = value.ok_or_else(|| {
        ApiError::unauthorized("send an API key as `Authorization: Bearer <key>`")
    })?;
    let (scheme, secret) = value
        .split_once(' ')
        .ok_or_else(|| ApiError::unauthorized("the Authorization header must be `Bearer <key>`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || secret.trim().is_empty() {
        return Err(ApiError::unauthorized(
            "the Authorization header must be `Bearer <key>`",
        ));
    }
    Ok(secret.trim())
}

/// Resolves a bearer secret to its principal.
pub async fn authenticate(state: &AppState, secret: &str) -> Result<Principal, ApiError> {
    lyceum_store::keys::lookup(&state.db, secret)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the API key is not valid"))
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_owned));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
            let header = header
                .transpose()
                .map_err(|_| ApiError::unauthorized("the Authorization header is not text"))?;
            let secret = bearer(header.as_deref())?;
            Ok(Auth(authenticate(&state, secret).await?))
        })
    }
}

impl Auth {
    /// Only the operator's admin keys pass.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.0.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden("only an admin key may do this"))
        }
    }

    /// Admin and auditor keys may read the event history.
    pub fn require_history_reader(&self) -> Result<(), ApiError> {
        match self.0.role {
            Role::Admin | Role::Auditor => Ok(()),
            Role::Creator => Err(ApiError::forbidden(
                "the event history is read with an admin or auditor key",
            )),
        }
    }

    /// The actor recorded in event metadata.
    pub fn actor(&self) -> String {
        format!("key:{}", self.0.key_id)
    }
}
