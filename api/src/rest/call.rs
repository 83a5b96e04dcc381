//! What a REST handler starts from: the state, the request and the verified caller, extracted
//! together, and the one way a handler runs a write in the space its path names.

use crate::auth::Auth;
use crate::error::ApiError;
use crate::plan::Planned;
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
use crate::write;
use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use futures::future::LocalBoxFuture;
use serde::Serialize;

/// The state, the request and its caller. Extracting it authenticates the caller, so a
/// handler that takes it refuses an unknown key before reading its path or body.
pub struct Call {
    pub state: Data<AppState>,
    pub req: HttpRequest,
    pub auth: Auth,
}

impl FromRequest for Call {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = Auth::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let auth = auth.await?;
            let state = req.app_data::<Data<AppState>>().cloned();
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
            Ok(Call { state, req, auth })
        })
    }
}

impl Call {
    /// The space `space` names (an id or a slug), if the caller may use it for `intent`.
    pub async fn space(&self, space: &str, intent: Intent) -> Result<SpaceRef, ApiError> {
        resolve(&self.state, &self.auth, space, intent).await
    }

    /// Runs a write in the space `space` names (an id or a slug), resolved for `intent`:
    /// `plan` decides it, and the write pipeline claims the `Idempotency-Key`, appends and
    /// answers. `body` is what the key's fingerprint covers.
    pub async fn write<T: Serialize>(
        &self,
        space: &str,
        intent: Intent,
        body: &impl Serialize,
        plan: impl AsyncFnOnce(&AppState, &Auth, &SpaceRef) -> Result<Planned<T>, ApiError>,
    ) -> Result<HttpResponse, ApiError> {
        let planned = async {
            let space = self.space(space, intent).await?;
            plan(&self.state, &self.auth, &space).await
        };
        write::respond(&self.state, &self.req, &self.auth, body, planned).await
    }
}
