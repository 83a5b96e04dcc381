//! Members engaging with items: the access check every engagement passes (a published item of
//! the space that the member's entitlements admit), views, likes and shares, and an item's
//! counters.

use super::{load_in_space, parse_id};
use crate::auth::Auth;
use crate::dto::{InteractionResult, ItemEngagement};
use crate::error::ApiError;
use crate::limits::Limit;
use crate::plan::{Outcome, Planned};
use crate::space::SpaceRef;
use crate::state::AppState;
use lyceum_domain::Aggregate;
use lyceum_domain::content::{Access, Content, ContentState, ContentStatus, Reader};
use lyceum_domain::engagement::interaction::{Action, Interaction, InteractionCommand};
use lyceum_domain::engagement::{Standing, pair_id};
use lyceum_domain::ids::{ContentId, MemberId, TierId};
use lyceum_domain::membership::member::{Member, MemberEvent};
use lyceum_domain::values::Sealed;
use lyceum_projections::content::queries::content_item;
use lyceum_projections::engagement::queries::item_stats;
use lyceum_projections::interactions::queries::interaction;
use lyceum_store::command::load;

/// A member session and an item it may engage with.
pub struct Engagement {
    pub member_id: MemberId,
    pub content_id: ContentId,
    pub item: ContentState,
    /// Whether the member may post now (muted or banned).
    pub standing: Standing,
    /// The member's display name, sealed with their key, as their stream has it.
    pub display_name: Option<Sealed>,
}

/// A published item of the space, as the log has it: 404 for anything else (unknown, another
/// space's, a draft).
pub async fn published(
    state: &AppState,
    space: &SpaceRef,
    content_id: &str,
) -> Result<(ContentId, ContentState), ApiError> {
    let id = parse_id(content_id, "content")?;
    let loaded = load_in_space::<Content>(&state.db, space.id, id).await?;
    match loaded.state.state {
        Some(item) if item.status == ContentStatus::Published => Ok((ContentId(id), item)),
        _ => Err(ApiError::not_found("content")),
    }
}

/// The course or column `part` belongs to, as its stream has it now: the read model names the
/// container, and the container's own parts list confirms it.
async fn container(
    state: &AppState,
    space: &SpaceRef,
    part: ContentId,
) -> Result<Option<(ContentId, ContentState)>, ApiError> {
    let row = content_item(&state.db, Some(&space.id.to_string()), &part.to_string()).await?;
    let Some(parent) = row.and_then(|r| r.parent_id) else {
        return Ok(None);
    };
    let loaded = load_in_space::<Content>(&state.db, space.id, parent).await?;
    Ok(loaded
        .state
        .state
        .filter(|c| c.status == ContentStatus::Published && c.parts.contains(&part))
        .map(|c| (ContentId(parent), c)))
}

/// Checks that the caller is a member session of `space` whose entitlements admit the
/// published item `content_id` (directly, or through the published course or column it is part
/// of): 404 if there is no such item, 403 if it is locked for them.
///
/// Membership and free tiers come from the member's own stream, so a member who signed up or
/// joined a tier a moment ago may engage at once; subscriptions and purchases come from the
/// read models, so a tier or item bought a moment ago may still be locked until they catch up.
pub async fn engageable(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
) -> Result<Engagement, ApiError> {
    let (member, _) = auth.require_member()?;
    let (content_id, item) = published(state, space, content_id).await?;
    let loaded = load_in_space::<Member>(&state.db, space.id, member).await?;
    let display_name = loaded.history.iter().find_map(|(event, _)| match event {
        MemberEvent::MemberAdded { display_name, .. } => Some(display_name.clone()),
        _ => None,
    });
    let record = loaded
        .state
        .state
        .ok_or_else(|| ApiError::not_found("member"))?;
    let access = lyceum_projections::members::access::member_access(
        &state.db,
        &space.id.to_string(),
        &member.to_string(),
        state.clock.now(),
    )
    .await?;
    let mut tier_ids: Vec<TierId> = access
        .tier_ids
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    tier_ids.extend(record.tiers.iter().copied());
    let admits = |policy: &Access, id: ContentId| {
        policy.admits(Reader {
            is_member: !record.removed,
            tier_ids: &tier_ids,
            owns_item: access.purchased_content_ids.contains(&id.to_string()),
        })
    };
    let admitted = admits(&item.access, content_id)
        || match container(state, space, content_id).await? {
            Some((id, course)) => admits(&course.access, id),
            None => false,
        };
    if !admitted {
        return Err(ApiError::forbidden(
            "this item is locked for you: engaging with it needs the access that reading it does",
        ));
    }
    Ok(Engagement {
        member_id: MemberId(member),
        content_id,
        item,
        standing: record.standing(),
        display_name,
    })
}

/// The action's name in the answer, and the rate limit it counts against.
fn name_and_limit(action: Action) -> (&'static str, Limit) {
    match action {
        Action::View { .. } => ("view", Limit::View),
        Action::Like => ("like", Limit::Like),
        Action::Unlike => ("unlike", Limit::Like),
        Action::Share { .. } => ("share", Limit::Share),
    }
}

/// Plans a view, like, unlike or share of an item by the signed-in member. `action` gets the
/// clock's time, for a view's day.
pub async fn interact(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
    action: impl FnOnce(chrono::DateTime<chrono::Utc>) -> Action,
) -> Result<Planned<InteractionResult>, ApiError> {
    let engagement = engageable(state, auth, space, content_id).await?;
    let now = state.clock.now();
    let action = action(now);
    let (_, limit) = name_and_limit(action);
    state
        .limits
        .check(engagement.member_id.0, limit, now)
        .await?;
    decide_interaction(
        state,
        auth,
        space,
        engagement.member_id,
        engagement.content_id,
        action,
    )
    .await
}

/// A member and a published item of one space, checked as the log has them, whose views an
/// import records: made only by [`importable`], so each pair is checked once, not per view.
#[derive(Debug, Clone, Copy)]
pub struct ImportablePair {
    member_id: MemberId,
    content_id: ContentId,
}

/// Checks that `member_id` and the published item `content_id` are the space's.
pub async fn importable(
    state: &AppState,
    space: &SpaceRef,
    member_id: MemberId,
    content_id: ContentId,
) -> Result<ImportablePair, ApiError> {
    load_in_space::<Member>(&state.db, space.id, member_id.0).await?;
    published(state, space, &content_id.to_string()).await?;
    Ok(ImportablePair {
        member_id,
        content_id,
    })
}

/// Plans a view that another platform recorded, for an import. The caller is the importer, not
/// the member's session, and neither the member's access then nor their quota now is checked:
/// the view happened there, and the import only records it.
pub async fn imported_view(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    pair: ImportablePair,
    view: Action,
) -> Result<Planned<InteractionResult>, ApiError> {
    decide_interaction(state, auth, space, pair.member_id, pair.content_id, view).await
}

/// Decides `action` on the member's interaction with the item, and plans its append.
async fn decide_interaction(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    member_id: MemberId,
    content_id: ContentId,
    action: Action,
) -> Result<Planned<InteractionResult>, ApiError> {
    let (name, _) = name_and_limit(action);
    let stream = pair_id(Interaction::TYPE, member_id, content_id);
    let loaded = load::<Interaction>(&state.db, stream).await?;
    let events = loaded.state.decide(InteractionCommand {
        member_id,
        content_id,
        action,
    })?;
    let mut after = loaded.state;
    for event in &events {
        after.apply(event);
    }
    let output = InteractionResult {
        content_id: content_id.0,
        member_id: member_id.0,
        action: name.to_owned(),
        recorded: !events.is_empty(),
        liked: after.liked,
    };
    let append = super::append_in::<Interaction>(auth, space, stream, loaded.version, &events)?;
    Ok(Planned::maybe(
        Outcome::Changed,
        output,
        append,
        loaded.position,
    ))
}

/// An item's counters, for any caller of the space: the catalog shows locked items too, so
/// their counters are not secret. A member session also learns whether it likes the item.
pub async fn counters(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    content_id: &str,
) -> Result<ItemEngagement, ApiError> {
    let id = parse_id(content_id, "content")?;
    let item = id.to_string();
    content_item(&state.db, Some(&space.id.to_string()), &item)
        .await?
        .filter(|row| auth.member_id().is_none() || row.status == "published")
        .ok_or_else(|| ApiError::not_found("content"))?;
    let stats = item_stats(&state.db, &item).await?;
    let liked = match auth.member_id() {
        Some(member) => Some(
            interaction(&state.db, &member.to_string(), &item)
                .await?
                .is_some_and(|i| i.liked),
        ),
        None => None,
    };
    Ok(ItemEngagement::new(id, stats, liked))
}
