//! The membership reads both surfaces serve, as wire types and scoped to one space: spaces,
//! tiers, members and their entitlements, subscriptions, orders and referrals. REST handlers
//! and GraphQL resolvers call these, so what a caller may read is decided here once.

use crate::dto::{Entitlements, Member, Order, Referral, Space, Subscription, Tier};
use crate::error::ApiError;
use crate::pagination::Slice;
use crate::state::AppState;
use lyceum_domain::external_id::ExternalId;
use lyceum_projections::members::access::member_entitlements;
use lyceum_projections::page::Page;
use lyceum_projections::{ledger, members, orders, spaces, subscriptions, tiers};
use uuid::Uuid;

/// A space's tiers, oldest first.
pub async fn tiers(state: &AppState, space: Uuid, page: Slice) -> Result<Page<Tier>, ApiError> {
    let page =
        tiers::queries::tiers(&state.db, &space.to_string(), page.after(), page.limit).await?;
    Ok(map(page, Tier::from))
}

/// One tier of the space, archived or not.
pub async fn tier(state: &AppState, space: Uuid, id: Uuid) -> Result<Tier, ApiError> {
    let row = tiers::queries::tier(&state.db, &space.to_string(), &id.to_string()).await?;
    Ok(Tier::from(row.ok_or_else(|| ApiError::not_found("tier"))?))
}

/// A space by id; `None` once it is gone from the read model.
pub async fn space(state: &AppState, space: Uuid) -> Result<Option<Space>, ApiError> {
    let row = spaces::queries::space(&state.db, &space.to_string()).await?;
    Ok(row.map(Space::from))
}

/// A space's members, oldest first, or the one with `external_id`.
pub async fn members(
    state: &AppState,
    space: Uuid,
    external_id: Option<String>,
    page: Slice,
) -> Result<Page<Member>, ApiError> {
    // An empty value filters nothing, as for every list's filters.
    let external_id = external_id
        .as_deref()
        .filter(|e| !e.is_empty())
        .map(ExternalId::parse)
        .transpose()?;
    let page = members::queries::members(
        &state.db,
        &space.to_string(),
        external_id.as_ref().map(ExternalId::as_str),
        page.after(),
        page.limit,
    )
    .await?;
    Ok(map(page, Member::from))
}

/// A member by id, in `space` or (for an admin, `None`) in any space.
pub async fn find_member(
    state: &AppState,
    space: Option<Uuid>,
    id: Uuid,
) -> Result<Option<Member>, ApiError> {
    let space = space.map(|s| s.to_string());
    let row = members::queries::member(&state.db, space.as_deref(), &id.to_string()).await?;
    Ok(row.map(Member::from))
}

/// A member of the space; 404 otherwise.
pub async fn member(state: &AppState, space: Uuid, id: Uuid) -> Result<Member, ApiError> {
    find_member(state, Some(space), id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))
}

/// What a member of the space may access right now, in one read; 404 for a member the space
/// does not have (not an empty set of entitlements).
pub async fn entitlements(
    state: &AppState,
    space: Uuid,
    member_id: Uuid,
) -> Result<Entitlements, ApiError> {
    let access = member_entitlements(
        &state.db,
        &space.to_string(),
        &member_id.to_string(),
        state.clock.now(),
    )
    .await?
    .ok_or_else(|| ApiError::not_found("member"))?;
    let ids = |ids: &[String]| {
        ids.iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect()
    };
    Ok(Entitlements {
        member_id,
        is_member: access.is_member,
        tier_ids: ids(&access.tier_ids),
        purchased_content_ids: ids(&access.purchased_content_ids),
    })
}

/// A member's subscriptions, oldest first.
pub async fn subscriptions(
    state: &AppState,
    space: Uuid,
    member: Uuid,
    page: Slice,
) -> Result<Page<Subscription>, ApiError> {
    let (space, member) = (space.to_string(), member.to_string());
    let page =
        subscriptions::queries::subscriptions(&state.db, &space, &member, page.after(), page.limit)
            .await?;
    Ok(map(page, Subscription::from))
}

/// One subscription of the space.
pub async fn subscription(
    state: &AppState,
    space: Uuid,
    id: Uuid,
) -> Result<Subscription, ApiError> {
    let row = subscriptions::queries::subscription(&state.db, &space.to_string(), &id.to_string())
        .await?;
    Ok(Subscription::from(
        row.ok_or_else(|| ApiError::not_found("subscription"))?,
    ))
}

/// A member's orders, oldest first.
pub async fn orders(
    state: &AppState,
    space: Uuid,
    member: Uuid,
    page: Slice,
) -> Result<Page<Order>, ApiError> {
    let (space, member) = (space.to_string(), member.to_string());
    let page =
        orders::queries::orders(&state.db, &space, &member, page.after(), page.limit).await?;
    Ok(map(page, Order::from))
}

/// One order of the space.
pub async fn order(state: &AppState, space: Uuid, id: Uuid) -> Result<Order, ApiError> {
    let row = orders::queries::order(&state.db, &space.to_string(), &id.to_string()).await?;
    Ok(Order::from(
        row.ok_or_else(|| ApiError::not_found("order"))?,
    ))
}

/// The subscriptions started with a member's referral code, oldest first; 404 for a member
/// not in the space.
pub async fn referrals(
    state: &AppState,
    space: Uuid,
    member_id: Uuid,
    page: Slice,
) -> Result<Page<Referral>, ApiError> {
    member(state, space, member_id).await?;
    let (space, member_id) = (space.to_string(), member_id.to_string());
    let page =
        ledger::referrals::referrals(&state.db, &space, &member_id, page.after(), page.limit)
            .await?;
    Ok(map(page, Referral::from))
}

/// A page of rows as a page of wire types, with the same cursor.
pub fn map<R, T>(page: Page<R>, f: impl Fn(R) -> T) -> Page<T> {
    Page {
        items: page.items.into_iter().map(f).collect(),
        next: page.next,
    }
}
