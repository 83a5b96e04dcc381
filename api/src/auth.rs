//! Bearer authentication. A key is looked up by its SHA-256 in one indexed query; the role
//! its prefix names must match the stored role. A member session token (`lyc_ms_…`) is looked
//! up the same way and resolves to a [`Role::Member`] principal: a member may use only the
//! routes made for members (see [`Auth::require_member`]); [`crate::space::resolve`] refuses it
//! everything else.

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
    if secret.starts_with(lyceum_store::identity::SESSION_PREFIX) {
        return lyceum_store::identity::lookup_session(&state.db, secret)
            .await?
            .ok_or_else(|| ApiError::unauthorized("the session is not valid or has ended"));
    }
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
            Role::Creator | Role::Member => Err(ApiError::forbidden(
                "the event history is read with an admin or auditor key",
            )),
        }
    }

    /// Only a member session passes: `(member id, space id)`.
    pub fn require_member(&self) -> Result<(uuid::Uuid, uuid::Uuid), ApiError> {
        match (self.0.role, self.0.member_id, self.0.space_id) {
            (Role::Member, Some(member), Some(space)) => Ok((member, space)),
            _ => Err(ApiError::forbidden(
                "only a member session (`lyc_ms_…`) may do this",
            )),
        }
    }

    /// The member a member session acts for; `None` for a key. (A member session without a
    /// member owns nothing, so it gets the nil id, which no member has.)
    pub fn member_id(&self) -> Option<uuid::Uuid> {
        (self.0.role == Role::Member).then(|| self.0.member_id.unwrap_or_default())
    }

    /// The actor recorded in event metadata.
    pub fn actor(&self) -> String {
        match (self.0.role, self.0.member_id) {
            (Role::Member, Some(member)) => format!("member:{member}"),
            (Role::Member, None) => "anonymous".into(),
            _ => format!("key:{}", self.0.key_id),
        }
    }
}
