//! GraphQL subscriptions, fed by the bus through the process's live feed.

use super::error::caller;
use super::types::Event;
use crate::auth::Role;
use crate::state::AppState;
use async_graphql::{Context, Subscription as GqlSubscription};
use futures::{Stream, StreamExt, stream};
use tokio::sync::broadcast::error::RecvError;

pub struct Subscription;

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
        let receiver = state.feed.subscribe();
        let types = types.unwrap_or_default();
        let events = stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => return Some((event, receiver)),
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a subscription fell behind the live feed");
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        Ok(events.filter_map(move |event| {
            let visible = auth.0.role == Role::Admin
                || (event.space_id.is_some() && event.space_id == auth.0.space_id);
            let wanted = types.is_empty() || types.contains(&event.event_type);
            let out = (visible && wanted).then(|| Event::from(event.as_ref()));
            async move { out }
        }))
    }
}
