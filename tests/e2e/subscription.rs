//! GraphQL subscriptions over `graphql-transport-ws`, fed by the bus: a client sees the events
//! of its space as they are delivered, and only those.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

on_both_backends!(subscription);

async fn subscription(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, alpha) = app.space("live-alpha").await;
    let (_, beta) = app.space("live-beta").await;
    let mut request = format!("{}/graphql", app.base.replace("http", "ws"))
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let send = |value: Value| Message::Text(value.to_string().into());
    socket
        .send(send(json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {alpha}")}})))
        .await
        .unwrap();
    let mut next = async || -> Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
                .await
                .expect("a message within 10 s")
                .expect("the socket stays open")
                .unwrap();
            if let Message::Text(text) = message {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] != "ping" {
                    return value;
                }
            }
        }
    };
    assert_eq!(next().await["type"], "connection_ack");
    socket
        .send(send(json!({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { events(types: [\"TierDefined\"]) { eventType aggregateType spaceId payload } }"
        }})))
        .await
        .unwrap();
    // The subscription starts at some point after this message; keep writing until its first
    // event arrives. Every round writes an event it must not see before the one it must.
    let mut round = 0;
    let message = loop {
        round += 1;
        assert!(round <= 50, "no event arrived");
        app.post(
            &beta,
            "/v1/spaces/live-beta/tiers",
            json!({"name": format!("Other {round}"), "kind": "free"}),
        )
        .await;
        app.post(
            &alpha,
            "/v1/spaces/live-alpha/members",
            json!({"email": format!("a{round}@example.org"), "display_name": "A"}),
        )
        .await;
        app.post(
            &alpha,
            "/v1/spaces/live-alpha/tiers",
            json!({"name": format!("Seen {round}"), "kind": "free"}),
        )
        .await;
        let deadline = tokio::time::Instant::now() + Duration::from_millis(500);
        let mut found = None;
        while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, socket.next()).await {
            if let Message::Text(text) = message {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] == "next" {
                    found = Some(value);
                    break;
                }
            }
        }
        if let Some(value) = found {
            break value;
        }
    };
    let event = &message["payload"]["data"]["events"];
    assert_eq!(event["eventType"], "TierDefined", "{message}");
    assert!(
        event["payload"]["name"]
            .as_str()
            .unwrap()
            .starts_with("Seen"),
        "only the subscriber's space, only the asked types: {message}"
    );
    app.finish().await;
}
