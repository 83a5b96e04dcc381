//! The websocket at `GET /graphql` (`graphql-transport-ws`, and the older `graphql-ws`): the
//! socket itself (actix-ws) around async-graphql's protocol state machine, so that Lyceum picks
//! the close codes. A `connection_init` without credentials closes the socket with 4401, one
//! whose credentials are not valid with 4403, as graphql-transport-ws expects (async-graphql
//! alone closes both with 1002). The credentials are the init payload's `Authorization`, or
//! else the upgrade request's `Authorization` header. A socket that sends no `connection_init`
//! within [`INIT_TIMEOUT`] is closed with 4408; one that stops answering pings is dropped.
//! Messages are at most [`MAX_BODY`], like HTTP bodies.

use super::{Caller, LyceumSchema, caller_from, coded};
use crate::app::MAX_BODY;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::web::{self, Data};
use actix_web::{HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, ProtocolError};
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocket, WebSocketProtocols, WsMessage};
use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::BoxFuture;
use lyceum_domain::Code;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::time::Instant;

/// How long a socket may wait before its `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the server pings.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// How long a client may stay silent (no message, ping or pong) before it is dropped.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the socket learns of its `connection_init`, shared with the callback that checks it.
#[derive(Default)]
struct Init {
    received: AtomicBool,
    /// The close code of a refused `connection_init`.
    refused: OnceLock<u16>,
}

/// Upgrades the request to a websocket and serves it on a task of its own.
pub async fn subscribe(
    schema: Data<LyceumSchema>,
    state: Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let Some(protocol) = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|offered| {
            offered
                .split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        })
    else {
        return coded::response(
            Code::BadRequest,
            "offer the `graphql-transport-ws` websocket subprotocol",
        );
    };
    let (response, session, messages) =
        match actix_ws::handle_with_protocols(&req, payload, &ALL_WEBSOCKET_PROTOCOLS) {
            Ok(handled) => handled,
            Err(error) => {
                return coded::response(
                    Code::BadRequest,
                    &format!("the websocket handshake failed: {error}"),
                );
            }
        };
    let upgrade = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let messages = messages
        .max_frame_size(MAX_BODY)
        .aggregate_continuations()
        .max_continuation_size(MAX_BODY);
    let schema = LyceumSchema::clone(&schema);
    let state = state.get_ref().clone();
    actix_web::rt::spawn(serve(schema, state, protocol, upgrade, session, messages));
    response
}

/// Carries messages between the socket and the protocol until either ends.
async fn serve(
    schema: LyceumSchema,
    state: AppState,
    protocol: WebSocketProtocols,
    upgrade: Option<String>,
    mut session: actix_ws::Session,
    mut incoming: AggregatedMessageStream,
) {
    let init = Arc::new(Init::default());
    let (inbox, received) = mpsc::unbounded::<web::Bytes>();
    let mut graphql = WebSocket::new(schema, received, protocol)
        .on_connection_init(connection_init(state, upgrade, init.clone()));
    let deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(deadline);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut heard = Instant::now();
    let close = loop {
        tokio::select! {
            message = incoming.recv() => {
                heard = Instant::now();
                let bytes = match message {
                    Some(Ok(AggregatedMessage::Text(text))) => text.into_bytes(),
                    Some(Ok(AggregatedMessage::Binary(bytes))) => bytes,
                    Some(Ok(AggregatedMessage::Ping(bytes))) => {
                        if session.pong(&bytes).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    Some(Ok(AggregatedMessage::Pong(_))) => continue,
                    Some(Ok(AggregatedMessage::Close(reason))) => break reason,
                    Some(Err(error)) => break Some(protocol_error(&error)),
                    None => return,
                };
                if inbox.unbounded_send(bytes).is_err() {
                    break None;
                }
            }
            outgoing = graphql.next() => match outgoing {
                Some(WsMessage::Text(text)) => {
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                Some(WsMessage::Close(code, reason)) => break Some(CloseReason {
                    code: CloseCode::from(close_code(&init, code)),
                    description: Some(reason),
                }),
                None => break None,
            },
            () = &mut deadline, if !init.received.load(Ordering::Acquire) => break Some(CloseReason {
                code: CloseCode::Other(4408),
                description: Some("Connection initialisation timeout".into()),
            }),
            _ = heartbeat.tick() => {
                if heard.elapsed() > CLIENT_TIMEOUT || session.ping(b"").await.is_err() {
                    return;
                }
            }
        }
    };
    let _ = session.close(close).await;
}

/// The close code for async-graphql's `code`, as graphql-transport-ws names it: a refused
/// `connection_init` as refused, a `subscribe` before `connection_init` 4401, a message that
/// is not of the protocol 4400.
fn close_code(init: &Init, code: u16) -> u16 {
    if let Some(refused) = init.refused.get() {
        return *refused;
    }
    match code {
        1011 if !init.received.load(Ordering::Acquire) => 4401,
        1002 => 4400,
        other => other,
    }
}

fn protocol_error(error: &ProtocolError) -> CloseReason {
    let code = match error {
        ProtocolError::Overflow | ProtocolError::Io(_) => CloseCode::Size,
        _ => CloseCode::Protocol,
    };
    CloseReason {
        code,
        description: Some(error.to_string()),
    }
}

/// Checks the credentials of `connection_init`: its payload's `Authorization`, else the
/// upgrade request's.
fn connection_init(
    state: AppState,
    upgrade: Option<String>,
    init: Arc<Init>,
) -> impl FnOnce(serde_json::Value) -> BoxFuture<'static, async_graphql::Result<async_graphql::Data>>
+ Send
+ 'static {
    move |payload| {
        init.received.store(true, Ordering::Release);
        Box::pin(async move {
            let given = ["Authorization", "authorization"]
                .iter()
                .find_map(|key| payload.get(*key))
                .map(|value| value.as_str().unwrap_or_default().to_owned())
                .or(upgrade);
            let Some(credentials) = given else {
                return Err(refuse(
                    &init,
                    4401,
                    "Unauthorized: send `Authorization: Bearer <key>` in the payload",
                ));
            };
            match caller_from(&state, Some(&credentials)).await {
                Ok(auth) => {
                    let caller: Caller = Ok(auth);
                    let mut data = async_graphql::Data::default();
                    data.insert(caller);
                    Ok(data)
                }
                Err((Code::Unauthorized | Code::Forbidden, detail)) => {
                    Err(refuse(&init, 4403, &format!("Forbidden: {detail}")))
                }
                Err((_, detail)) => Err(refuse(&init, 1011, &detail)),
            }
        })
    }
}

fn refuse(init: &Init, code: u16, reason: &str) -> async_graphql::Error {
    let _ = init.refused.set(code);
    async_graphql::Error::new(coded::bounded(reason))
}
