//! Issuing a space's creator or auditor key. The secret is in the response once; the log
//! records only the key's id, role and prefix, and the idempotency record never holds it.

use crate::auth::Auth;
use crate::dto::{IssuedKey as IssuedKeyDto, KeyRoleDto};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::ids::KeyId;
use lyceum_domain::space::{KeyRole, Space, SpaceCommand};
use lyceum_store::command::{append_for, load};
use lyceum_store::keys::{IssuedKey, Role};
use std::sync::Arc;

/// Plans `POST /v1/spaces/{space}/keys`.
pub async fn issue(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    role: KeyRoleDto,
) -> Result<Planned<IssuedKeyDto>, ApiError> {
    let (store_role, domain_role) = match role {
        KeyRoleDto::Creator => (Role::Creator, KeyRole::Creator),
        KeyRoleDto::Auditor => (Role::Auditor, KeyRole::Auditor),
    };
    let key = IssuedKey::generate(store_role, Some(space.id.0))?;
    let loaded = load::<Space>(&state.db, space.id.0).await?;
    let events = loaded.state.decide(SpaceCommand::IssueKey {
        key_id: KeyId(key.id),
        role: domain_role,
        prefix: key.prefix.clone(),
    })?;
    let append = append_for::<Space>(
        space.id.0,
        loaded.version,
        &events,
        metadata(auth, Some(space.id)),
        vec![Arc::new(key.side_write())],
    )?;
    let mut output = IssuedKeyDto {
        id: key.id,
        role,
        space_id: space.id.0,
        prefix: key.prefix.clone(),
        key: None,
    };
    let replay_body = serde_json::to_value(&output).map_err(ApiError::internal)?;
    output.key = Some(key.secret);
    let mut planned = Planned::new(Outcome::Created, output, append);
    planned.replay_body = Some(replay_body);
    Ok(planned)
}
