//! Members: adding one (personal data sealed with a key of their own), joining a free tier,
//! removal, and erasure of personal data by deleting that key. Removal and erasure also delete
//! the member's credentials and revoke their sessions (see [`super::identity`]).

use super::{load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{CreateMember, Member as MemberDto, Membership};
use crate::error::ApiError;
use crate::plan::{Outcome, Planned, metadata};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::external_id::ExternalId;
use lyceum_domain::ids::{MemberId, TierId};
use lyceum_domain::membership::member::{MAX_DISPLAY_NAME, Member, MemberCommand, TierRef};
use lyceum_domain::membership::referral::ReferralCode;
use lyceum_domain::membership::tier::Tier;
use lyceum_domain::values::{Email, bounded_text};
use lyceum_store::command::append_for;
use lyceum_store::external_ids::{self, ExternalIdWrite};
use lyceum_store::{SideWrite, vault};
use std::sync::Arc;
use uuid::Uuid;

/// Plans `POST /v1/spaces/{space}/members`.
pub async fn add(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    input: CreateMember,
) -> Result<Planned<MemberDto>, ApiError> {
    let email = Email::parse(&input.email)?;
    let display_name = bounded_text("display_name", &input.display_name, MAX_DISPLAY_NAME)?;
    let external_id = input
        .external_id
        .as_deref()
        .map(ExternalId::parse)
        .transpose()?;
    let id = MemberId::new();
    let secret = vault::new_secret()?;
    let events = Member::default().decide(MemberCommand::Add {
        space_id: space.id,
        email: vault::seal(&secret, id.0, email.as_str())?,
        display_name: vault::seal(&secret, id.0, &display_name)?,
        external_id: external_id
            .as_ref()
            .map(|external| vault::seal(&secret, id.0, external.as_str()))
            .transpose()?,
    })?;
    let key = vault::InsertKey {
        member_id: id.0,
        space_id: space.id.0,
        secret,
    };
    let referral_code = ReferralCode::of(id);
    let code = lyceum_store::referrals::reserve_code(space.id.0, referral_code.as_str(), id.0);
    let mut side_writes: Vec<Arc<dyn SideWrite>> = vec![Arc::new(key), Arc::new(code)];
    if let Some(external) = &external_id {
        side_writes.push(Arc::new(ExternalIdWrite::Claim {
            space_id: space.id.0,
            kind: external_ids::Kind::Member,
            external_id: external.to_string(),
            target_id: id.0,
        }));
    }
    let append = append_for::<Member>(
        id.0,
        0,
        &events,
        metadata(auth, Some(space.id)),
        side_writes,
    )?;
    let output = MemberDto {
        id: id.0,
        space_id: space.id.0,
        email: Some(email.as_str().to_owned()),
        display_name: Some(display_name),
        status: "active".into(),
        erased: false,
        tier_ids: vec![],
        referral_code: referral_code.to_string(),
        points: 0,
        level: lyceum_projections::spaces::terms::space_levels(&state.db, &space.id.to_string())
            .await?
            .map(|rules| lyceum_projections::spaces::terms::level_for(&rules, 0).into()),
        created_at: append.occurred().to_owned(),
        updated_at: append.occurred().to_owned(),
        external_id: external_id.map(String::from),
    };
    Ok(Planned::new(Outcome::Created, output, append))
}

/// Plans `POST /v1/spaces/{space}/members/{member}/join`.
pub async fn join(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
    tier_id: Uuid,
) -> Result<Planned<Membership>, ApiError> {
    let member_id = parse_id(member_id, "member")?;
    let member = load_in_space::<Member>(&state.db, space.id, member_id).await?;
    let tier = super::load_referenced::<Tier>(&state.db, space.id, tier_id, "tier_id")
        .await?
        .state
        .defined
        .ok_or_else(|| super::unknown_reference::<Tier>("tier_id"))?;
    let events = member.state.decide(MemberCommand::JoinTier {
        tier: TierRef {
            id: TierId(tier_id),
            space_id: space.id,
            kind: tier.kind,
            archived: tier.archived,
        },
    })?;
    let append = super::append_in::<Member>(auth, space, member_id, member.version, &events)?;
    let output = Membership {
        member_id,
        tier_id,
        joined_at: append.occurred().to_owned(),
    };
    Ok(Planned::new(Outcome::Created, output, append))
}

/// Plans `DELETE /v1/spaces/{space}/members/{member}`.
pub async fn remove(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
) -> Result<Planned<()>, ApiError> {
    let member_id = parse_id(member_id, "member")?;
    let member = load_in_space::<Member>(&state.db, space.id, member_id).await?;
    let events = member.state.decide(MemberCommand::Remove)?;
    // A removed member can no longer sign in: their sessions end with the removal.
    let append = append_for::<Member>(
        member_id,
        member.version,
        &events,
        metadata(auth, Some(space.id)),
        super::identity::end_identity(member_id).into(),
    )?;
    Ok(Planned::new(Outcome::Done, (), append))
}

/// Plans `DELETE /v1/spaces/{space}/members/{member}/personal-data`. Deleting the member's key
/// in the same transaction as the event makes every sealed copy unreadable. Repeating it
/// changes nothing.
pub async fn erase(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: &str,
) -> Result<Planned<()>, ApiError> {
    let member_id = parse_id(member_id, "member")?;
    let member = load_in_space::<Member>(&state.db, space.id, member_id).await?;
    let events = member.state.decide(MemberCommand::ErasePersonalData)?;
    // The credentials hold a hash of the email, so they go with the key, and every session
    // ends with them.
    let side_writes = if events.is_empty() {
        vec![]
    } else {
        let mut writes: Vec<Arc<dyn SideWrite>> = vec![
            Arc::new(vault::DeleteKey { member_id }),
            Arc::new(ExternalIdWrite::Release {
                target_id: member_id,
            }),
        ];
        writes.extend(super::identity::end_identity(member_id));
        writes
    };
    let append = append_for::<Member>(
        member_id,
        member.version,
        &events,
        metadata(auth, Some(space.id)),
        side_writes,
    )?;
    Ok(Planned::maybe(Outcome::Done, (), append, member.position))
}
