//! GraphQL over HTTP refuses what would cost much, quickly and with a code: bodies over 1 MiB
//! (before they are read), documents that select too many fields, nest too deep or read
//! `__schema` more than once, batches and bodies that are not JSON; and every error message is
//! short. The standard introspection query still succeeds.
//!
//! The server runs in this process, so the process's resident memory is the server's: the
//! tests that measure it hold [`MEASURING`], and take their baseline after a first request.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use reqwest::Method;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

on_both_backends!(
    huge_bodies_are_refused_before_they_are_read,
    field_bombs_are_refused_before_they_run,
    introspection_is_open_and_bounded,
    deep_and_cyclic_documents_are_refused_with_codes,
    errors_are_short_and_coded,
    batches_and_bodies_that_are_not_json_get_graphql_errors,
);

/// Held by the tests that measure the process's memory, so that they do not measure each other.
static MEASURING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Growth of the process's resident memory a refused request may cause.
const MAX_GROWTH_KB: i64 = 10 * 1024;

/// The process's resident memory, in kB.
fn rss_kb() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// An HTTP answer read off the socket.
struct Raw {
    status: u16,
    head: String,
    body: Value,
    elapsed: Duration,
}

/// Sends `head`, then the body `chunks` yields, on a connection of its own, reading the answer
/// while it writes: the server may answer (and close) before the body is all sent.
async fn raw(
    app: &TestApp,
    head: String,
    chunks: impl Iterator<Item = Vec<u8>> + Send + 'static,
) -> Raw {
    let started = Instant::now();
    let stream = TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        if writer.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for chunk in chunks {
            if writer.write_all(&chunk).await.is_err() {
                return;
            }
        }
        // Keep the connection open: the server closes it when it has answered.
        std::future::pending::<()>().await;
    });
    let mut answer = Vec::new();
    let mut buffer = vec![0; 16 * 1024];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !complete(&answer) {
        match tokio::time::timeout_at(deadline, reader.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(read)) => answer.extend_from_slice(&buffer[..read]),
            Err(_) => panic!("no answer within 10 s"),
        }
    }
    let elapsed = started.elapsed();
    writing.abort();
    let text = String::from_utf8_lossy(&answer).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head[9..12].parse().unwrap();
    Raw {
        status,
        head: head.to_ascii_lowercase(),
        body: serde_json::from_str(body).unwrap_or(Value::String(body.to_owned())),
        elapsed,
    }
}

/// Whether `answer` holds a whole HTTP answer with a `Content-Length`.
fn complete(answer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(answer).to_ascii_lowercase();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|length| length.trim().parse::<usize>().ok())
        .is_some_and(|length| body.len() >= length)
}

fn head(app: &TestApp, length: Option<usize>) -> String {
    let framing = length.map_or("Transfer-Encoding: chunked".to_owned(), |length| {
        format!("Content-Length: {length}")
    });
    format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n",
        app.base.trim_start_matches("http://")
    )
}

/// The body `{"query": "{ a0: __typename a1: __typename … }"}` with `count` aliases, made as it
/// is sent, in chunked transfer encoding.
fn aliases(count: usize) -> impl Iterator<Item = Vec<u8>> + Send + 'static {
    let start = std::iter::once(br#"{"query": "{ "#.to_vec());
    let middle = (0..count).step_by(10_000).map(move |from| {
        let mut part = String::new();
        for i in from..(from + 10_000).min(count) {
            write!(part, "a{i}: __typename ").unwrap();
        }
        part.into_bytes()
    });
    let end = std::iter::once(br#"}"}"#.to_vec());
    start
        .chain(middle)
        .chain(end)
        .map(|data| {
            let mut chunk = format!("{:x}\r\n", data.len()).into_bytes();
            chunk.extend_from_slice(&data);
            chunk.extend_from_slice(b"\r\n");
            chunk
        })
        .chain(std::iter::once(b"0\r\n\r\n".to_vec()))
}

/// Asserts a refusal in the GraphQL error format, as `application/json`.
#[track_caller]
fn assert_refused(raw: &Raw, status: u16, code: &str) {
    assert_eq!(raw.status, status, "{}", raw.body);
    assert!(
        raw.head.contains("content-type: application/json"),
        "{}",
        raw.head
    );
    assert_eq!(
        raw.body["errors"][0]["extensions"]["code"], code,
        "{}",
        raw.body
    );
    assert!(raw.body["errors"][0]["message"].is_string(), "{}", raw.body);
}

/// Asserts the first error's code, and that its message is short.
#[track_caller]
fn assert_code(reply: &Value, code: &str) {
    assert_eq!(reply["errors"][0]["extensions"]["code"], code, "{reply}");
    let message = reply["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        !message.is_empty() && message.chars().count() <= 200,
        "{reply}"
    );
    assert!(reply["data"].is_null(), "refused before it ran: {reply}");
}

async fn huge_bodies_are_refused_before_they_are_read(backend: Backend) {
    let _measuring = MEASURING.lock().await;
    let app = TestApp::spawn(backend).await;
    app.graphql(&app.admin, "{ __typename }", json!({})).await;
    let before = rss_kb();

    // 60 MB declared: answered before a byte of the body is sent.
    let declared = raw(&app, head(&app, Some(60 << 20)), std::iter::empty()).await;
    assert_refused(&declared, 413, "payload_too_large");
    assert!(
        declared.elapsed < Duration::from_secs(1),
        "{:?}",
        declared.elapsed
    );

    // A million aliased `__typename`s (about 17 MB), streamed without a length: refused once
    // 1 MiB has arrived.
    let streamed = raw(&app, head(&app, None), aliases(1_000_000)).await;
    assert_refused(&streamed, 413, "payload_too_large");
    assert!(
        streamed.elapsed < Duration::from_secs(1),
        "{:?}",
        streamed.elapsed
    );

    let grown = rss_kb() - before;
    assert!(grown < MAX_GROWTH_KB, "resident memory grew by {grown} kB");
    // The server still answers.
    let after = app.graphql(&app.admin, "{ __typename }", json!({})).await;
    assert_eq!(after["data"]["__typename"], "Query", "{after}");
    app.finish().await;
}

async fn field_bombs_are_refused_before_they_run(backend: Backend) {
    let _measuring = MEASURING.lock().await;
    let app = TestApp::spawn(backend).await;
    app.graphql(&app.admin, "{ __typename }", json!({})).await;

    // 50,000 aliases fit in 1 MiB; they are refused before they are parsed. No key is needed
    // to be refused.
    let mut query = String::from("{ ");
    for i in 0..50_000 {
        write!(query, "a{i}: __typename ").unwrap();
    }
    query.push('}');
    let body = serde_json::to_vec(&json!({ "query": query })).unwrap();
    assert!(body.len() < 1 << 20);
    drop(query);
    let before = rss_kb();
    let bomb = raw(&app, head(&app, Some(body.len())), std::iter::once(body)).await;
    assert_eq!(bomb.status, 200);
    assert_code(&bomb.body, "query_too_complex");
    assert!(bomb.elapsed < Duration::from_secs(1), "{:?}", bomb.elapsed);
    let grown = rss_kb() - before;
    assert!(grown < MAX_GROWTH_KB, "resident memory grew by {grown} kB");

    // Past 1,000 fields, `__typename` and aliases included.
    let many = format!("{{ {} }}", "__typename ".repeat(1_001));
    let reply = app.graphql(&app.admin, &many, json!({})).await;
    assert_code(&reply, "query_too_complex");
    assert!(
        reply["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1000 fields")
    );

    // A fragment spread twice by each of 29 others: 2^29 fields from a few hundred bytes.
    let mut fragments = String::from("{ ...F0 }\n");
    for i in 0..29 {
        let next = i + 1;
        writeln!(
            fragments,
            "fragment F{i} on Query {{ ...F{next} ...F{next} }}"
        )
        .unwrap();
    }
    fragments.push_str("fragment F29 on Query { __typename }");
    let reply = app.graphql(&app.admin, &fragments, json!({})).await;
    assert_code(&reply, "query_too_complex");

    // Connections count `first` times their selection.
    let complex = "{ space(slug: \"nope\") { members(first: 100) { nodes { \
        subscriptions(first: 100) { nodes { id } } } } } }";
    let reply = app.graphql(&app.admin, complex, json!({})).await;
    assert_code(&reply, "query_too_complex");
    app.finish().await;
}

async fn introspection_is_open_and_bounded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // The query standard clients send, with no key: the SDL is public anyway.
    let query = include_str!("introspection.graphql");
    let reply = app
        .call(
            Method::POST,
            None,
            "/graphql",
            Some(json!({"query": query, "operationName": "IntrospectionQuery"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(reply.body["errors"].is_null(), "{}", reply.body["errors"]);
    let schema = &reply.body["data"]["__schema"];
    assert_eq!(schema["queryType"]["name"], "Query");
    assert_eq!(schema["subscriptionType"]["name"], "Subscription");
    let types = schema["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Space"), "{types:?}");

    // One `__schema` per request: 200 aliased ones (the 12.7 KB that made 5.8 MB) are refused.
    let many = format!(
        "{{ {} }}",
        (0..200)
            .map(|i| format!("s{i}: __schema {{ types {{ name fields {{ name }} }} }}"))
            .collect::<String>()
    );
    let reply = app.graphql(&app.admin, &many, json!({})).await;
    assert_code(&reply, "query_too_complex");
    let types = format!(
        "{{ {} }}",
        (0..11)
            .map(|i| format!("t{i}: __type(name: \"Space\") {{ name }} "))
            .collect::<String>()
    );
    let reply = app.graphql(&app.admin, &types, json!({})).await;
    assert_code(&reply, "query_too_complex");

    // Introspection may nest 15 levels, not 16.
    let deep = format!(
        "{{ __schema {{ types {{ fields {{ args {{ type {{ {}name{} }} }} }} }} }} }}",
        "ofType { ".repeat(10),
        " }".repeat(10)
    );
    let reply = app.graphql(&app.admin, &deep, json!({})).await;
    assert_code(&reply, "query_too_complex");
    app.finish().await;
}

async fn deep_and_cyclic_documents_are_refused_with_codes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, creator) = app.space("deep").await;
    // Ten levels pass the limits (and validation then finds no such fields); the eleventh is
    // refused before validation reads the names.
    let nested = |levels: usize| {
        format!(
            "{{ {}id{} }}",
            "a { ".repeat(levels - 1),
            " }".repeat(levels - 1)
        )
    };
    let reply = app.graphql(&creator, &nested(10), json!({})).await;
    assert_code(&reply, "validation_failed");
    let reply = app.graphql(&creator, &nested(11), json!({})).await;
    assert_code(&reply, "query_too_complex");
    assert!(
        reply["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep")
    );

    // Depth through fragments counts where they are spread.
    let mut chain = String::from("{ ...F0 }\n");
    for i in 0..10 {
        writeln!(chain, "fragment F{i} on Query {{ a {{ ...F{} }} }}", i + 1).unwrap();
    }
    chain.push_str("fragment F10 on Query { id }");
    let reply = app.graphql(&creator, &chain, json!({})).await;
    assert_code(&reply, "query_too_complex");

    // A fragment that spreads itself, directly or not, and one never used.
    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { viewer { id } ...A }";
    let reply = app.graphql(&creator, cycle, json!({})).await;
    assert_code(&reply, "validation_failed");
    assert!(
        reply["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("spreads itself")
    );
    let unused = "{ viewer { id } } fragment A on Query { viewer { id } }";
    let reply = app.graphql(&creator, unused, json!({})).await;
    assert_code(&reply, "validation_failed");

    // 5,000 levels are refused before they are parsed, in a short answer.
    let deepest = format!("{}{}", "{a".repeat(5_000), "}".repeat(5_000));
    let started = Instant::now();
    let reply = app
        .call(
            Method::POST,
            Some(&creator),
            "/graphql",
            Some(json!({ "query": deepest })),
        )
        .await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_code(&reply.body, "query_too_complex");
    assert!(reply.body.to_string().len() < 1_000, "{}", reply.body);
    app.finish().await;
}

async fn errors_are_short_and_coded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // A syntax error at the end of a 10 KB line: the parser would quote the whole line.
    let broken = format!("{{ {}!", "viewer ".repeat(1_500));
    let reply = app.graphql(&app.admin, &broken, json!({})).await;
    assert_code(&reply, "bad_request");
    assert!(reply.to_string().len() < 1_000, "{reply}");

    let reply = app.graphql(&app.admin, "{ noSuchField }", json!({})).await;
    assert_code(&reply, "validation_failed");
    let reply = app
        .call(
            Method::POST,
            Some(&app.admin),
            "/graphql",
            Some(json!({"query": "query A { viewer { id } } query B { viewer { id } }", "operationName": "C"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_code(&reply.body, "bad_request");
    // Resolver errors keep their own codes.
    let reply = app
        .call(
            Method::POST,
            None,
            "/graphql",
            Some(json!({"query": "{ space(slug: \"x\") { name } }"})),
        )
        .await;
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"], "unauthorized",
        "{reply:?}"
    );
    app.finish().await;
}

async fn batches_and_bodies_that_are_not_json_get_graphql_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let send = |body: &'static str, content_type: &'static str| {
        let request = app
            .http
            .post(format!("{}/graphql", app.base))
            .bearer_auth(&app.admin)
            .header("content-type", content_type)
            .body(body);
        crate::support::reply(request)
    };
    let cases = [
        (
            r#"[{"query": "{ __typename }"}]"#,
            "application/json",
            400,
            "bad_request",
            "batch",
        ),
        (
            r#"{"query": "#,
            "application/json",
            400,
            "bad_request",
            "not a valid",
        ),
        ("42", "application/json", 400, "bad_request", "JSON object"),
        (
            r#"{"variables": {}}"#,
            "application/json",
            400,
            "bad_request",
            "no `query`",
        ),
        (
            r#"{"query": "{ __typename }"}"#,
            "text/plain",
            415,
            "unsupported_media_type",
            "application/json",
        ),
    ];
    for (body, content_type, status, code, says) in cases {
        let reply = send(body, content_type).await;
        assert_eq!(reply.status, status, "{body}: {reply:?}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{reply:?}"
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["code"], code,
            "{reply:?}"
        );
        let message = reply.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
    }
    // A JSON body with a charset is fine.
    let reply = send(
        r#"{"query": "{ __typename }"}"#,
        "application/json; charset=utf-8",
    )
    .await;
    assert_eq!(reply.body["data"]["__typename"], "Query", "{reply:?}");
    app.finish().await;
}
