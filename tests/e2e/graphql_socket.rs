//! The GraphQL websocket (`graphql-transport-ws`) refuses a `connection_init` as the protocol
//! says: closed with 4401 without credentials, 4403 with credentials that are not valid, and
//! 4401 for a `subscribe` before `connection_init`. A key sent on the upgrade request serves
//! when `connection_init` carries none. Subscription documents are held to the same limits as
//! queries.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

on_both_backends!(
    sockets_without_valid_credentials_are_closed,
    the_upgrade_header_authenticates_a_subscription,
);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens a `graphql-transport-ws` socket, with `authorization` on the upgrade request if given.
async fn open(app: &TestApp, authorization: Option<&str>) -> Socket {
    let mut request = format!("{}/graphql", app.base.replace("http", "ws"))
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    if let Some(authorization) = authorization {
        headers.insert("Authorization", authorization.parse().unwrap());
    }
    let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some("graphql-transport-ws")
    );
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// What the server sends next, other than pings: a protocol message, or how it closed.
#[derive(Debug, PartialEq)]
enum Heard {
    Message(Value),
    Closed(u16, String),
    Nothing,
}

async fn next(socket: &mut Socket) -> Heard {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, socket.next()).await {
        match message {
            Message::Text(text) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] != "ping" {
                    return Heard::Message(value);
                }
            }
            Message::Close(Some(frame)) => {
                return Heard::Closed(frame.code.into(), frame.reason.to_string());
            }
            Message::Close(None) => return Heard::Closed(1005, String::new()),
            _ => {}
        }
    }
    Heard::Nothing
}

/// The close code after sending `messages` on a socket opened with `authorization`.
async fn closed_with(app: &TestApp, authorization: Option<&str>, messages: &[Value]) -> u16 {
    let mut socket = open(app, authorization).await;
    for message in messages {
        send(&mut socket, message.clone()).await;
    }
    match next(&mut socket).await {
        Heard::Closed(code, _) => code,
        other => panic!("the socket was not closed: {other:?}"),
    }
}

async fn sockets_without_valid_credentials_are_closed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let init = |payload: Value| json!({"type": "connection_init", "payload": payload});
    let bare = || json!({"type": "connection_init"});
    assert_eq!(closed_with(&app, None, &[bare()]).await, 4401);
    assert_eq!(closed_with(&app, None, &[init(json!({}))]).await, 4401);
    let wrong = init(json!({"Authorization": "Bearer lyc_sk_not_a_key"}));
    assert_eq!(closed_with(&app, None, &[wrong]).await, 4403);
    let malformed = init(json!({"Authorization": "lyc_sk_not_a_key"}));
    assert_eq!(closed_with(&app, None, &[malformed]).await, 4403);
    assert_eq!(
        closed_with(&app, Some("Bearer lyc_sk_not_a_key"), &[bare()]).await,
        4403
    );
    // The payload's credentials come first: a good upgrade header does not save a bad payload.
    let admin = format!("Bearer {}", app.admin);
    let wrong = init(json!({"Authorization": "Bearer lyc_sk_not_a_key"}));
    assert_eq!(closed_with(&app, Some(&admin), &[wrong]).await, 4403);
    // A subscription before `connection_init`.
    let early = json!({"id": "1", "type": "subscribe",
        "payload": {"query": "subscription { events { eventType } }"}});
    assert_eq!(closed_with(&app, Some(&admin), &[early]).await, 4401);
    app.finish().await;
}

async fn the_upgrade_header_authenticates_a_subscription(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, creator) = app.space("upgrade").await;
    let mut socket = open(&app, Some(&format!("Bearer {creator}"))).await;
    send(&mut socket, json!({"type": "connection_init"})).await;
    assert_eq!(
        next(&mut socket).await,
        Heard::Message(json!({"type": "connection_ack"}))
    );

    // A subscription document is held to the limits of a query.
    let many = format!(
        "subscription {{ events {{ {} }} }}",
        "eventType ".repeat(1_001)
    );
    send(
        &mut socket,
        json!({"id": "big", "type": "subscribe", "payload": {"query": many}}),
    )
    .await;
    let Heard::Message(refused) = next(&mut socket).await else {
        panic!("no answer to the subscription");
    };
    assert_eq!(refused["id"], "big", "{refused}");
    let errors = &refused["payload"]["errors"];
    assert_eq!(
        errors[0]["extensions"]["code"], "query_too_complex",
        "{refused}"
    );

    send(
        &mut socket,
        json!({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { events(types: [\"TierDefined\"]) { eventType payload } }"}}),
    )
    .await;
    // The subscription starts some time after the message; write until its first event comes.
    let mut round = 0;
    let event = loop {
        round += 1;
        assert!(round <= 50, "no event arrived");
        app.post(
            &creator,
            "/v1/spaces/upgrade/tiers",
            json!({"name": format!("Tier {round}"), "kind": "free"}),
        )
        .await;
        let mut found = None;
        let deadline = tokio::time::Instant::now() + Duration::from_millis(500);
        while tokio::time::Instant::now() < deadline {
            let heard = tokio::time::timeout_at(deadline, next(&mut socket)).await;
            match heard {
                Ok(Heard::Message(value)) if value["type"] == "next" && value["id"] == "1" => {
                    found = Some(value);
                    break;
                }
                Ok(Heard::Message(_)) => {}
                Ok(other) => panic!("the socket ended: {other:?}"),
                Err(_) => break,
            }
        }
        if let Some(value) = found {
            break value;
        }
    };
    assert_eq!(
        event["payload"]["data"]["events"]["eventType"], "TierDefined",
        "{event}"
    );
    app.finish().await;
}
