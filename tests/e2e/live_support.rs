//! A `graphql-transport-ws` client for subscription tests: connect with a bearer token,
//! subscribe, and read the messages that are not pings.

use crate::support::TestApp;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::VecDeque;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub struct Live {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Messages that arrived while waiting for a pong, in order.
    pending: VecDeque<(String, Value)>,
}

impl Live {
    /// Opens a connection authenticated with `token` and waits for the server's ack.
    pub async fn connect(app: &TestApp, token: &str) -> Self {
        let mut request = format!("{}/graphql", app.base.replace("http", "ws"))
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut live = Self {
            socket,
            pending: VecDeque::new(),
        };
        live.send(json!({"type": "connection_init",
            "payload": {"Authorization": format!("Bearer {token}")}}))
            .await;
        let ack = live.next_within(std::time::Duration::from_secs(10)).await;
        assert_eq!(
            ack.as_ref().map(|a| a["type"].clone()),
            Some(json!("connection_ack"))
        );
        live
    }

    async fn send(&mut self, value: Value) {
        self.socket
            .send(Message::Text(value.to_string().into()))
            .await
            .unwrap();
    }

    /// Starts subscription `id`, and returns once the server has read it: the protocol's ping
    /// is answered in order, so its pong comes after the subscription was taken in (a write
    /// made after this returns is one the subscription sees).
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({"id": id, "type": "subscribe",
            "payload": {"query": query, "variables": variables}}))
            .await;
        self.send(json!({"type": "ping"})).await;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while let Some((raw, value)) = self.read_until(deadline).await {
            if value["type"] == "pong" {
                return;
            }
            self.pending.push_back((raw, value));
        }
        panic!("no pong after subscribing");
    }

    /// The next message other than a ping from the socket, until `deadline`.
    async fn read_until(&mut self, deadline: tokio::time::Instant) -> Option<(String, Value)> {
        while let Ok(Some(Ok(message))) =
            tokio::time::timeout_at(deadline, self.socket.next()).await
        {
            if let Message::Text(raw) = message {
                let value: Value = serde_json::from_str(&raw).unwrap();
                if value["type"] != "ping" {
                    return Some((raw.to_string(), value));
                }
            }
        }
        None
    }

    /// The next message other than a ping, as received (raw text, to check for leaks) and
    /// parsed; `None` if none came within `wait`.
    pub async fn next_raw_within(&mut self, wait: std::time::Duration) -> Option<(String, Value)> {
        if let Some(message) = self.pending.pop_front() {
            return Some(message);
        }
        self.read_until(tokio::time::Instant::now() + wait).await
    }

    /// The next message other than a ping; `None` if none came within `wait`.
    pub async fn next_within(&mut self, wait: std::time::Duration) -> Option<Value> {
        self.next_raw_within(wait).await.map(|(_, value)| value)
    }
}
