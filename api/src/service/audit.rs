//! The auditor's reads: the public key that signs checkpoints, the signed checkpoints, and
//! inclusion and consistency proofs over the sealed tree. Admin keys may ask about any event;
//! an auditor key only about its space's.

use crate::auth::{Auth, Role};
use crate::dto::audit::{AuditPublicKey, ConsistencyProof, InclusionProof, SignedCheckpoint};
use crate::error::ApiError;
use crate::state::AppState;
use lyceum_audit::Hash;
use lyceum_audit::checkpoint::public_key_from_hex;
use lyceum_audit::merkle::leaf_hash;
use lyceum_domain::Code;
use lyceum_store::chain::export::{Exporter, Range};
use lyceum_store::chain::sealed::{self, StoredCheckpoint};
use lyceum_store::chain::tree;

/// The key the checkpoints are signed with: this process's key file, or else the key of the
/// latest checkpoint. 404 before there is either.
pub async fn public_key(state: &AppState) -> Result<AuditPublicKey, ApiError> {
    let public_key = match &state.audit_public_key {
        Some(key) => key.clone(),
        None => {
            let mut conn = lyceum_store::chain::reader(&state.db).await?;
            sealed::latest(&mut conn)
                .await?
                .map(|checkpoint| checkpoint.public_key)
                .ok_or_else(|| ApiError::not_found("audit signing key"))?
        }
    };
    Ok(AuditPublicKey {
        algorithm: "ed25519".into(),
        public_key,
    })
}

/// The exporter of what `auth` may take away: the whole log or a range of it for an admin key;
/// its own space's events for an auditor key.
pub async fn exporter(
    state: &AppState,
    auth: &Auth,
    space_id: Option<uuid::Uuid>,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<Exporter, ApiError> {
    auth.require_history_reader()?;
    if from.into_iter().chain(to).any(|position| position < 1) {
        return Err(ApiError::bad_request("from and to are positions, from 1"));
    }
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(ApiError::new(
            Code::ValidationFailed,
            "to must not be below from",
        ));
    }
    let space_id = match auth.0.role {
        Role::Admin => space_id,
        _ => {
            let own = auth.0.space_id;
            if space_id.is_some() && space_id != own {
                return Err(ApiError::forbidden(
                    "an auditor key exports its own space's events only",
                ));
            }
            Some(own.ok_or_else(|| ApiError::forbidden("this key has no space"))?)
        }
    };
    let key = public_key(state).await?;
    let key = public_key_from_hex(&key.public_key)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("the audit public key: {e}")))?;
    let range = Range {
        space_id: space_id.map(|space| space.to_string()),
        from,
        to,
    };
    let now = lyceum_store::time::format(state.clock.now());
    Ok(Exporter::new(&state.db, range, &key, now).await?)
}

/// Up to `limit` checkpoints with a tree size above `after`, oldest first.
pub async fn checkpoints(
    state: &AppState,
    auth: &Auth,
    after: i64,
    limit: i64,
) -> Result<Vec<SignedCheckpoint>, ApiError> {
    auth.require_history_reader()?;
    let mut conn = lyceum_store::chain::reader(&state.db).await?;
    let page = sealed::page(&mut conn, after, limit).await?;
    Ok(page.into_iter().map(SignedCheckpoint::from).collect())
}

/// The proof that the event at `position` is in the tree of `tree_size` leaves (by default the
/// latest checkpoint's).
pub async fn inclusion(
    state: &AppState,
    auth: &Auth,
    position: i64,
    tree_size: Option<i64>,
) -> Result<InclusionProof, ApiError> {
    auth.require_history_reader()?;
    let mut conn = lyceum_store::chain::reader(&state.db).await?;
    let event = tree::event_at(&mut conn, position).await?;
    let Some((_, event_hash)) = event.filter(|(space_id, _)| visible(auth, space_id)) else {
        return Err(ApiError::not_found("event"));
    };
    let Some(leaf_index) = tree::leaf_index(&mut conn, position).await? else {
        return Err(ApiError::new(
            Code::NotFound,
            "the event is not sealed into the tree yet; ask again after the next checkpoint",
        ));
    };
    let sealed_size = tree::size(&mut conn).await?;
    let tree_size = match tree_size {
        Some(size) => size,
        None => sealed::latest(&mut conn)
            .await?
            .map(|checkpoint| checkpoint.tree_size)
            .ok_or_else(|| ApiError::new(Code::NotFound, "no checkpoint has been signed yet"))?,
    };
    let size = within(tree_size, sealed_size, "tree_size")?;
    if leaf_index >= size {
        return Err(ApiError::new(
            Code::ValidationFailed,
            format!(
                "the event is leaf {leaf_index}, outside a tree of {size} leaves: tree_size must \
                 be above {leaf_index}"
            ),
        ));
    }
    let proof = tree::inclusion_proof(&mut conn, leaf_index, size).await?;
    let root = tree::root(&mut conn, size).await?;
    let checkpoint = sealed::of_size(&mut conn, tree_size).await?;
    Ok(InclusionProof {
        position,
        leaf_index: i64::try_from(leaf_index).unwrap_or(i64::MAX),
        tree_size,
        event_hash: event_hash.to_hex(),
        leaf_hash: leaf_hash(&event_hash).to_hex(),
        root: root.to_hex(),
        proof: hexes(&proof),
        checkpoint: checkpoint.map(SignedCheckpoint::from),
    })
}

/// The proof that the tree of `to` leaves extends the tree of `from` leaves.
pub async fn consistency(
    state: &AppState,
    auth: &Auth,
    from: i64,
    to: i64,
) -> Result<ConsistencyProof, ApiError> {
    auth.require_history_reader()?;
    let mut conn = lyceum_store::chain::reader(&state.db).await?;
    let sealed_size = tree::size(&mut conn).await?;
    let new = within(to, sealed_size, "to")?;
    let old = within(from, sealed_size, "from")?;
    if old > new {
        return Err(ApiError::new(
            Code::ValidationFailed,
            "from must not be above to",
        ));
    }
    let proof = tree::consistency_proof(&mut conn, old, new).await?;
    Ok(ConsistencyProof {
        from,
        to,
        from_root: tree::root(&mut conn, old).await?.to_hex(),
        to_root: tree::root(&mut conn, new).await?.to_hex(),
        proof: hexes(&proof),
    })
}

/// Whether `auth` may see an event of `space_id`.
fn visible(auth: &Auth, space_id: &Option<String>) -> bool {
    match auth.0.role {
        Role::Admin => true,
        _ => match (auth.0.space_id, space_id) {
            (Some(own), Some(space)) => own.to_string() == *space,
            _ => false,
        },
    }
}

/// A tree size from 1 up to what is sealed.
fn within(size: i64, sealed: u64, name: &str) -> Result<u64, ApiError> {
    match u64::try_from(size) {
        Ok(size) if size >= 1 && size <= sealed => Ok(size),
        _ => Err(ApiError::new(
            Code::ValidationFailed,
            format!("{name} must be from 1 to the sealed tree's size, {sealed}"),
        )),
    }
}

fn hexes(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(Hash::to_hex).collect()
}

impl From<StoredCheckpoint> for SignedCheckpoint {
    fn from(stored: StoredCheckpoint) -> Self {
        SignedCheckpoint {
            tree_size: stored.tree_size,
            position: stored.position,
            root: stored.root,
            time: stored.time,
            signature: stored.signature,
            public_key: stored.public_key,
        }
    }
}
