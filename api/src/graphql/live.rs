//! The live feed over GraphQL: the `Subscription` root (websocket operations under
//! `graphql-transport-ws`), fed by the bus through the process's live feed. Not to be confused
//! with subscriptions to paid tiers (`membership.rs`).

use super::error::{OrGql, any_caller, caller};
use crate::auth::{Auth, Role};
use crate::consistency::{ReadModels, read_model, wait_for};
use crate::dto::{Comment, ContentItem, Event};
use crate::service::catalog::{view, viewer};
use crate::service::comments;
use crate::space::{Intent, SpaceRef, resolve};
use crate::state::AppState;
use async_graphql::{Context, ID, Subscription as GqlSubscription};
use futures::{Stream, StreamExt};
use lyceum_domain::engagement::comment::CommentEvent;
use lyceum_projections::engagement::queries;
use std::future::Future;

pub struct Subscription;

/// The live feed as a stream; a subscriber that falls behind reads what it missed from the log.
fn live(state: &AppState) -> impl Stream<Item = std::sync::Arc<lyceum_store::StoredEvent>> + use<> {
    state.feed.listen(state.db.clone())
}

/// A just-published item as `auth` may see it, once the read models show it; `None` if it is
/// gone by then or the wait timed out.
async fn published(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    event: &lyceum_store::StoredEvent,
) -> Option<ContentItem> {
    let reads = <(read_model::Content, read_model::Entitlements)>::projections();
    wait_for(state, &reads, event.position).await.ok()?;
    let row = lyceum_projections::content::queries::content_item(
        &state.db,
        Some(&space.id.to_string()),
        &event.aggregate_id.to_string(),
    )
    .await
    .ok()??;
    let viewer = viewer(state, auth, space.id).await.ok()?;
    Some(view(row, &viewer))
}

/// A just-posted comment as `auth` may see it, once the read models show it: `None` if the
/// subscriber may no longer read the item (their access lapsed), or the comment was hidden
/// from them or is gone by then.
async fn posted(
    state: &AppState,
    auth: &Auth,
    space: &SpaceRef,
    event: &lyceum_store::StoredEvent,
) -> Option<Comment> {
    let CommentEvent::CommentPosted {
        comment_id,
        content_id,
        ..
    } = event.decode::<CommentEvent>().ok()?
    else {
        return None;
    };
    let reads = <(
        read_model::Engagement,
        read_model::Content,
        read_model::Entitlements,
    )>::projections();
    wait_for(state, &reads, event.position).await.ok()?;
    comments::readable(state, auth, space, &content_id.to_string())
        .await
        .ok()?;
    let row = queries::comment(&state.db, &space.id.to_string(), &comment_id.to_string())
        .await
        .ok()??;
    comments::shown_to(&row, auth.member_id()).then(|| Comment::from(row))
}

/// Who subscribed, and to which space.
type Subscriber = (AppState, Auth, SpaceRef);

/// The live events of the subscriber's space of `event_type` that `keep` accepts, each shown
/// as `show` finds the subscriber may see it (`None`: nothing is sent for it).
fn pushed<T, K, S, Fut>(
    subscriber: Subscriber,
    event_type: &'static str,
    keep: K,
    show: S,
) -> impl Stream<Item = T> + use<T, K, S, Fut>
where
    K: Fn(&lyceum_store::StoredEvent) -> bool + Send + 'static,
    S: Fn(Subscriber, std::sync::Arc<lyceum_store::StoredEvent>) -> Fut + Send + 'static,
    Fut: Future<Output = Option<T>> + Send,
    T: Send,
{
    let space = subscriber.2.id.0;
    live(&subscriber.0)
        .filter(move |event| {
            let wanted =
                event.space_id == Some(space) && event.event_type == event_type && keep(event);
            async move { wanted }
        })
        .then(move |event| show(subscriber.clone(), event))
        .filter_map(|shown| async move { shown })
}

#[GqlSubscription]
impl Subscription {
    /// Events as they are published, optionally only of some types. Admin keys see every
    /// space; other keys see their own.
    async fn events(
        &self,
        ctx: &Context<'_>,
        types: Option<Vec<String>>,
    ) -> async_graphql::Result<impl Stream<Item = Event>> {
        let auth = caller(ctx)?.clone();
        let state = ctx.data::<AppState>()?;
        let types = types.unwrap_or_default();
        Ok(live(state).filter_map(move |event| {
            let visible = auth.0.role == Role::Admin
                || (event.space_id.is_some() && event.space_id == auth.0.space_id);
            let wanted = types.is_empty() || types.contains(&event.event_type);
            let out = (visible && wanted).then(|| Event::from(event.as_ref().clone()));
            async move { out }
        }))
    }

    /// Items as they are published in a space, as the subscriber may see them: a member
    /// session gets an item it may not open `locked`, with no body.
    async fn content_published(
        &self,
        ctx: &Context<'_>,
        space: String,
    ) -> async_graphql::Result<impl Stream<Item = ContentItem>> {
        let auth = any_caller(ctx)?.clone();
        let state = ctx.data::<AppState>()?.clone();
        let space = resolve(&state, &auth, &space, Intent::MemberRead)
            .await
            .or_gql()?;
        Ok(pushed(
            (state, auth, space),
            "ContentPublished",
            |_| true,
            |(state, auth, space), event| async move { published(&state, &auth, &space, &event).await },
        ))
    }

    /// Comments and replies as they are posted on an item. The subscriber must be able to read
    /// the item (a member session whose access does not cover it is refused, like the thread
    /// query), and is checked again for every comment, so one whose access lapses stops
    /// receiving them. Hidden comments reach only their author and keys.
    async fn comment_posted(
        &self,
        ctx: &Context<'_>,
        space: String,
        content_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = Comment>> {
        let auth = any_caller(ctx)?.clone();
        let state = ctx.data::<AppState>()?.clone();
        let space = resolve(&state, &auth, &space, Intent::MemberRead)
            .await
            .or_gql()?;
        let item = comments::readable(&state, &auth, &space, &content_id)
            .await
            .or_gql()?;
        let item = item.to_string();
        Ok(pushed(
            (state, auth, space),
            "CommentPosted",
            move |event| {
                event.payload.get("content_id").and_then(|c| c.as_str()) == Some(item.as_str())
            },
            |(state, auth, space), event| async move { posted(&state, &auth, &space, &event).await },
        ))
    }
}
