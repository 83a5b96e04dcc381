//! Engagement and moderation end to end: counters that equal the events (and again after a
//! rebuild), comment threads and erasure, mutes, bans, reports and rate limits, course
//! progress, and bad input on every route.

mod bad_input;
mod costs;
mod counters;
mod live;
mod moderation;
mod progress;
mod threads;

use crate::support::TestApp;
use serde_json::{Value, json};

/// A space with a creator key and published items.
pub struct Space {
    pub slug: String,
    pub key: String,
}

impl Space {
    pub async fn new(app: &TestApp, slug: &str) -> Self {
        let (_, key) = app.space(slug).await;
        Self {
            slug: slug.to_owned(),
            key,
        }
    }

    pub fn path(&self, rest: &str) -> String {
        format!("/v1/spaces/{}{rest}", self.slug)
    }

    /// Creates and publishes an item; returns its id.
    pub async fn publish(&self, app: &TestApp, kind: &str, access: Value) -> String {
        let created = app
            .post(
                &self.key,
                &self.path("/content"),
                json!({"kind": kind, "title": format!("A {kind}"), "body": "The whole text.",
                    "excerpt": "The start", "access": access}),
            )
            .await;
        assert_eq!(created.status, 201, "{created:?}");
        let id = created.body["id"].as_str().unwrap().to_owned();
        let published = app
            .post_empty(&self.key, &self.path(&format!("/content/{id}/publish")))
            .await;
        assert_eq!(published.status, 200, "{published:?}");
        id
    }

    /// Signs a member up: `(member id, session token)`.
    pub async fn member(&self, app: &TestApp, name: &str) -> (String, String) {
        app.sign_up(&self.slug, &format!("{name}@example.org"))
            .await
    }

    /// Waits until every read model reached `position`.
    pub async fn settle(&self, app: &TestApp, position: i64) {
        app.caught_up(position).await;
    }
}
