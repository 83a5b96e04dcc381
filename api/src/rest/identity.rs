//! Member identity for headless frontends: sign-up and sign-in (no API key: a browser calls
//! them), sessions a creator issues for a frontend with its own login, logout, and the
//! signed-in member. Member session tokens are `lyc_ms_…`.

use super::call::Call;
use crate::auth::{Auth, bearer};
use crate::consistency::{Fresh, read_model};
use crate::dto::Member;
use crate::error::ApiError;
use crate::plan::Outcome;
use crate::service::identity::{
    self as identity, IssueMemberSession, MemberSession, SignIn, SignUp, SignedUp,
};
use crate::space::{Intent, resolve_public};
use crate::state::AppState;
use crate::write;
use actix_web::http::header;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, post};
use serde_json::json;

/// Sign up
///
/// Creates a member of the space with an email and a password, and signs them in. Needs no API
/// key: a frontend calls it on the member's behalf. The email and display name are sealed like
/// those of any member; the password (8 to 128 characters) is stored only as an argon2id hash.
/// An email can sign up once per space (`email_taken`). The session token is returned once; a
/// replay of the same idempotent request (same email and display name) returns `token: null`.
#[utoipa::path(
    tag = "identity",
    request_body = SignUp,
    responses((status = 201, description = "The member was created and signed in.", body = SignedUp))
)]
#[post("/v1/spaces/{space}/auth/sign-up")]
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    state: Data<AppState>,
    req: HttpRequest,
    path: Path<String>,
    body: Json<SignUp>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let space = resolve_public(&state, &path).await?;
    // Checked before the idempotency claim, which does not cover the password.
    lyceum_store::identity::check_password(&body.password)
        .map_err(|detail| ApiError::new(lyceum_domain::Code::ValidationFailed, detail))?;
    let auth = identity::anonymous(&space);
    let fingerprint = identity::sign_up_fingerprint(&body);
    let plan = identity::sign_up(&state, &space, body);
    write::respond(&state, &req, &auth, &fingerprint, plan).await
}

/// Sign in
///
/// Checks a member's email and password and starts a session of 30 days. Needs no API key. A
/// wrong email and a wrong password get the same `unauthorized` answer. The token is returned
/// once; a replay of the same idempotent request returns `token: null`.
#[utoipa::path(
    tag = "identity",
    request_body = SignIn,
    responses((status = 200, description = "Signed in.", body = MemberSession))
)]
#[post("/v1/spaces/{space}/auth/sign-in")]
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: Data<AppState>,
    req: HttpRequest,
    path: Path<String>,
    body: Json<SignIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let space = resolve_public(&state, &path).await?;
    // Before the idempotency claim: only the password's holder can reach a stored answer, and
    // the record never holds (a hash of) the password.
    let member = identity::check_sign_in(&state, &space, &body).await?;
    let auth = identity::anonymous(&space);
    let plan = async { identity::session_for(&auth, &space, member, Outcome::Changed) };
    write::respond(&state, &req, &auth, &json!({"email": body.email}), plan).await
}

/// Start a session for a member
///
/// Starts a 30-day session for a member of the space, for a frontend that signs its users in
/// itself. Admin or creator keys. The token is returned once; a replay of the same idempotent
/// request returns `token: null`.
#[utoipa::path(
    tag = "identity",
    request_body = IssueMemberSession,
    responses((status = 201, description = "The session was started.", body = MemberSession)),
)]
#[post("/v1/spaces/{space}/member-sessions")]
#[tracing::instrument(skip_all)]
pub async fn create_member_session(
    call: Call,
    path: Path<String>,
    body: Json<IssueMemberSession>,
) -> Result<HttpResponse, ApiError> {
    call.write(&path, Intent::Write, &body, async |state, auth, space| {
        identity::issue(state, auth, space, body.0.clone()).await
    })
    .await
}

/// Sign out
///
/// Ends the session whose token authenticates the request, at once. Member sessions only.
#[utoipa::path(
    tag = "identity",
    responses((status = 204, description = "The session has ended.")),
)]
#[delete("/v1/auth/session")]
#[tracing::instrument(skip_all)]
pub async fn sign_out(
    state: Data<AppState>,
    req: HttpRequest,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let token = bearer(header)?.to_owned();
    let plan = async { identity::sign_out(&auth, &token) };
    write::respond(&state, &req, &auth, &(), plan).await
}

/// The signed-in member
///
/// Returns the member whose session authenticates the request. Member sessions only.
#[utoipa::path(
    tag = "identity",
    params(("min_position" = Option<i64>, Query, description = "Wait until the read models reach this position")),
    responses((status = 200, description = "The member.", body = Member)),
)]
#[get("/v1/auth/me")]
#[tracing::instrument(skip_all)]
pub async fn me(
    call: Call,
    _fresh: Fresh<read_model::MemberRow>,
) -> Result<Json<Member>, ApiError> {
    let (member, space) = call.auth.require_member()?;
    Ok(Json(
        crate::service::reads::member(&call.state, space, member).await?,
    ))
}
