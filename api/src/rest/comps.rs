//! Comped and gifted memberships: a creator gives a member a paid tier without payment, until
//! a set time.

use crate::auth::Auth;
use crate::dto::{CreateComp, Subscription};
use crate::error::ApiError;
use crate::space::{Intent, resolve};
use crate::state::AppState;
use crate::{service, write};
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, post};

/// Comp a membership
///
/// Gives the member a paid tier without payment until `until`, as a `comp` (from the creator)
/// or a `gift` (paid for by someone else). It is an `active` subscription with `comp_until`
/// set: it grants the tier in the member's entitlements, is never billed, and expires at
/// `until`. It can be canceled earlier like any subscription. Archived and free tiers are
/// refused.
#[utoipa::path(
    tag = "subscriptions",
    params(("member" = uuid::Uuid, Path, description = "The member's id")),
    request_body = CreateComp,
    responses((status = 201, description = "The comped membership.", body = Subscription)),
)]
#[post("/v1/spaces/{space}/members/{member}/comps")]
#[tracing::instrument(skip_all)]
pub async fn comp_membership(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: Path<(String, String)>,
    body: Json<CreateComp>,
) -> Result<HttpResponse, ApiError> {
    let (space, member) = path.into_inner();
    let body = body.into_inner();
    let plan = async {
        let space = resolve(&state, &auth, &space, Intent::Write).await?;
        service::subscriptions::comp(&state, &auth, &space, &member, body.clone()).await
    };
    write::respond(&state, &req, &auth, &body, plan).await
}
