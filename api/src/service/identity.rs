//! Member identity: sign-up (a member added exactly as [`super::members::add`] adds one, plus
//! credentials and a first session in the same transaction), sign-in, sessions a creator issues
//! for a frontend with its own login, and logout. Passwords are hashed and verified on the
//! blocking pool; a session token is shown once and stored only as its SHA-256, and the
//! idempotency record never holds it.

use super::load_in_space;
use crate::auth::{Auth, Principal, Role};
use crate::dto::Member as MemberDto;
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use chrono::Utc;
use lyceum_domain::Code;
use lyceum_domain::membership::member::Member;
use lyceum_domain::values::Email;
use lyceum_store::identity::{self, IssuedSession};
use lyceum_store::{Append, SideWrite};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use utoipa::ToSchema;
use uuid::Uuid;

/// The one answer to a failed sign-in, whether the email or the password was wrong.
const SIGN_IN_FAILED: &str = "the email or password is wrong";

/// `POST /v1/spaces/{space}/auth/sign-up`. Not `Serialize`, and its `Debug` hides the
/// password, so the password cannot reach a log line or an idempotency record by accident.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org", "display_name": "Ada", "password": "correct horse battery"}))]
pub struct SignUp {
    pub email: String,
    pub display_name: String,
    /// 8 to 128 characters.
    pub password: String,
}

/// `POST /v1/spaces/{space}/auth/sign-in`. Like [`SignUp`], never serialised or logged.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org", "password": "correct horse battery"}))]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

impl fmt::Debug for SignUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignUp")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for SignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignIn")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/spaces/{space}/member-sessions`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c"}))]
pub struct IssueMemberSession {
    pub member_id: Uuid,
}

/// A member session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "token": "lyc_ms_5f1c0e9a7b3d4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
    "expires_at": "2026-12-21T09:30:00.000000Z"
}))]
pub struct Session {
    /// Send as `Authorization: Bearer <token>`. Shown once: null when this answer is the
    /// replay of an idempotent request (sign in again for a new token).
    pub token: Option<String>,
    pub expires_at: String,
}

/// What sign-up answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "member": {
        "id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c", "space_id": "0192f0c4-3b1a-7c22-9d0e-5a6b7c8d9e0f",
        "email": "ada@example.org", "display_name": "Ada", "status": "active", "erased": false,
        "tier_ids": [], "created_at": "2026-11-21T09:30:00.000000Z",
        "updated_at": "2026-11-21T09:30:00.000000Z"
    },
    "session": {
        "token": "lyc_ms_5f1c0e9a7b3d4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
        "expires_at": "2026-12-21T09:30:00.000000Z"
    }
}))]
pub struct SignedUp {
    pub member: MemberDto,
    pub session: Session,
}

/// What sign-in and a creator-issued session answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(example = json!({
    "member_id": "0192f0c4-6e4d-7f55-8031-8d9e0f1a2b3c",
    "session": {
        "token": "lyc_ms_5f1c0e9a7b3d4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
        "expires_at": "2026-12-21T09:30:00.000000Z"
    }
}))]
pub struct MemberSession {
    pub member_id: Uuid,
    pub session: Session,
}

/// The caller of a route that needs no key: anonymous, in `space`. Its idempotency records are
/// kept per space.
pub fn anonymous(space: &SpaceRef) -> Auth {
    Auth(Principal {
        key_id: space.id.0,
        role: Role::Member,
        space_id: Some(space.id.0),
        member_id: None,
    })
}

/// The fields of a sign-up that identify it for idempotency. The password is left out: a fast
/// hash of it must never be stored.
pub fn sign_up_fingerprint(input: &SignUp) -> serde_json::Value {
    serde_json::json!({"email": input.email, "display_name": input.display_name})
}

fn validation(detail: impl Into<String>) -> ApiError {
    ApiError::new(Code::ValidationFailed, detail)
}

/// Plans `POST /v1/spaces/{space}/auth/sign-up`.
pub async fn sign_up(
    state: &AppState,
    space: &SpaceRef,
    input: SignUp,
) -> Result<Planned<SignedUp>, ApiError> {
    identity::check_password(&input.password).map_err(validation)?;
    let email = Email::parse(&input.email)?;
    if identity::credentials_by_email(&state.db, space.id.0, email.as_str())
        .await?
        .is_some()
    {
        return Err(ApiError::from(lyceum_store::StoreError::EmailTaken));
    }
    let create = crate::dto::CreateMember {
        email: input.email,
        display_name: input.display_name,
        external_id: None,
    };
    let Planned {
        output: member,
        append,
        ..
    } = super::members::add(state, &anonymous(space), space, create).await?;
    let mut append =
        append.ok_or_else(|| ApiError::internal(anyhow::anyhow!("sign-up planned no append")))?;
    let password_hash = identity::hash_password(input.password).await?;
    let session = IssuedSession::generate(member.id, space.id.0, Utc::now())?;
    // The member signed themselves up.
    append.metadata.actor = format!("member:{}", member.id);
    let credentials =
        identity::credentials_write(member.id, space.id.0, email.as_str(), password_hash);
    append.side_writes.push(Arc::new(credentials));
    append.side_writes.push(Arc::new(session.side_write()));
    let mut output = SignedUp {
        member,
        session: Session {
            token: None,
            expires_at: session.expires_at.clone(),
        },
    };
    let replay_body = serde_json::to_value(&output).map_err(ApiError::internal)?;
    output.session.token = Some(session.token);
    let mut signed_up = Planned::new(Outcome::Created, output, append);
    signed_up.replay_body = Some(replay_body);
    Ok(signed_up)
}

/// Checks a sign-in's email and password: the member's id, or 401 with the same message and
/// about the same cost whichever was wrong.
pub async fn check_sign_in(
    state: &AppState,
    space: &SpaceRef,
    input: &SignIn,
) -> Result<Uuid, ApiError> {
    let credentials = match Email::parse(&input.email) {
        Ok(email) => identity::credentials_by_email(&state.db, space.id.0, email.as_str()).await?,
        Err(_) => None,
    };
    let (member, stored) = match credentials {
        Some(c) => (Some(c.member_id), Some(c.password_hash)),
        None => (None, None),
    };
    let matches = identity::verify_password(input.password.clone(), stored).await?;
    match member {
        Some(member) if matches => Ok(member),
        _ => Err(ApiError::unauthorized(SIGN_IN_FAILED)),
    }
}

/// Plans a new session for `member_id`: a row, no event.
pub fn session_for(
    auth: &Auth,
    space: &SpaceRef,
    member_id: Uuid,
    status: Outcome,
) -> Result<Planned<MemberSession>, ApiError> {
    let session = IssuedSession::generate(member_id, space.id.0, Utc::now())?;
    let append = Append {
        aggregate_type: <Member as lyceum_domain::Aggregate>::TYPE,
        aggregate_id: member_id,
        expected_version: 0,
        events: vec![],
        metadata: metadata(auth, Some(space.id)),
        side_writes: vec![Arc::new(session.side_write())],
        recorded_at: lyceum_store::time::now(),
        occurred_at: None,
    };
    let mut output = MemberSession {
        member_id,
        session: Session {
            token: None,
            expires_at: session.expires_at.clone(),
        },
    };
    let replay_body = serde_json::to_value(&output).map_err(ApiError::internal)?;
    output.session.token = Some(session.token);
    let mut planned = Planned::new(status, output, append);
    planned.replay_body = Some(replay_body);
    Ok(planned)
}

/// Plans `POST /v1/spaces/{space}/member-sessions`: a session for a current member of the
/// space, for a frontend that signs its users in itself.
pub async fn issue(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: IssueMemberSession,
) -> Result<Planned<MemberSession>, ApiError> {
    let member = load_in_space::<Member>(&state.db, space.id, input.member_id).await?;
    let current = member.state.state.as_ref().is_some_and(|m| !m.removed);
    if !current {
        return Err(ApiError::new(
            Code::InvalidTransition,
            "the member was removed from the space",
        ));
    }
    session_for(auth, space, input.member_id, Outcome::Created)
}

/// Plans `DELETE /v1/auth/session`: revokes the session whose token authenticated the request.
pub fn sign_out(auth: &Auth, token: &str) -> Result<Planned<()>, ApiError> {
    let (member_id, space_id) = auth.require_member()?;
    let append = Append {
        aggregate_type: <Member as lyceum_domain::Aggregate>::TYPE,
        aggregate_id: member_id,
        expected_version: 0,
        events: vec![],
        metadata: metadata(auth, Some(lyceum_domain::ids::SpaceId(space_id))),
        side_writes: vec![Arc::new(identity::RevokeSession {
            token_hash: lyceum_store::keys::hash(token),
        })],
        recorded_at: lyceum_store::time::now(),
        occurred_at: None,
    };
    Ok(Planned::new(Outcome::Done, (), append))
}

/// The side writes that end a member's sign-in for good: erasure and removal.
pub fn end_identity(member_id: Uuid) -> [Arc<dyn SideWrite>; 2] {
    [
        Arc::new(identity::RevokeSessions { member_id }),
        Arc::new(identity::DeleteCredentials { member_id }),
    ]
}
