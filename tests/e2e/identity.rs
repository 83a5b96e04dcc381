//! Member identity for headless frontends: sign-up and sign-in without a key, member session
//! tokens that read only their own member, logout, creator-issued sessions, and erasure and
//! removal ending every session at once. Bad input writes nothing.

use crate::on_both_backends;
use crate::support::{Backend, Reply, TestApp, reply};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(identity, identity_bad_input);

impl TestApp {
    async fn anonymous(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, None, path, Some(body)).await
    }

    async fn sign_in(&self, space: &str, email: &str, password: &str) -> Reply {
        self.anonymous(
            &format!("/v1/spaces/{space}/auth/sign-in"),
            json!({"email": email, "password": password}),
        )
        .await
    }

    async fn credentials_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM member_credentials")
            .fetch_one(self.db.reader())
            .await
            .expect("count credentials")
    }
}

fn token(reply: &Reply) -> String {
    let token = reply.body["session"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {reply:?}"))
        .to_owned();
    assert!(token.starts_with("lyc_ms_"), "{token}");
    token
}

async fn identity(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, creator) = app.space("club").await;
    let (_, other_creator) = app.space("elsewhere").await;

    // Sign-up needs no key, answers the member and a session, and keeps the password out of
    // the log.
    let signed_up = app
        .anonymous(
            "/v1/spaces/club/auth/sign-up",
            json!({"email": " Ada@Example.org", "display_name": "Ada", "password": "correct horse"}),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    let position = signed_up.position();
    let member_id = signed_up.body["member"]["id"].as_str().unwrap().to_owned();
    assert_eq!(signed_up.body["member"]["email"], "ada@example.org");
    assert!(signed_up.body["session"]["expires_at"].is_string());
    let first = token(&signed_up);
    let feed = app.get(&app.admin, "/v1/events").await.body.to_string();
    assert!(feed.contains("MemberAdded"));
    assert!(!feed.contains("correct horse") && !feed.contains(&first[7..]));
    let added = app
        .get(&app.admin, &format!("/v1/streams/member/{member_id}"))
        .await;
    assert_eq!(added.body[0]["actor"], format!("member:{member_id}"));

    // The token reads its own member, over REST and GraphQL.
    let me = app
        .get(&first, &format!("/v1/auth/me?min_position={position}"))
        .await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["id"], member_id.as_str());
    assert_eq!(me.body["display_name"], "Ada");
    let viewer = app
        .graphql(&first, "{ viewer { id email } }", json!({}))
        .await;
    assert_eq!(
        viewer["data"]["viewer"]["id"],
        member_id.as_str(),
        "{viewer}"
    );
    let viewer = app.graphql(&creator, "{ viewer { id } }", json!({})).await;
    assert_eq!(viewer["data"]["viewer"], Value::Null, "{viewer}");
    let space = app
        .graphql(&first, "{ space(slug: \"club\") { name } }", json!({}))
        .await;
    assert_eq!(
        space["errors"][0]["extensions"]["code"], "forbidden",
        "{space}"
    );
    app.get(&creator, "/v1/auth/me")
        .await
        .assert_problem(403, "forbidden");

    // Sign-in: a wrong password and an unknown email get the same answer.
    let wrong = app.sign_in("club", "ada@example.org", "wrong horse").await;
    wrong.assert_problem(401, "unauthorized");
    let unknown = app
        .sign_in("club", "bob@example.org", "correct horse")
        .await;
    unknown.assert_problem(401, "unauthorized");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    app.sign_in("elsewhere", "ada@example.org", "correct horse")
        .await
        .assert_problem(401, "unauthorized");
    let signed_in = app
        .sign_in("club", "ADA@example.org", "correct horse")
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert_eq!(signed_in.body["member_id"], member_id.as_str());
    let second = token(&signed_in);
    assert_eq!(app.get(&second, "/v1/auth/me").await.status, 200);

    // One sign-up per email and space; another space is another namespace.
    app.anonymous(
        "/v1/spaces/club/auth/sign-up",
        json!({"email": "ADA@example.org", "display_name": "Ada again", "password": "another horse"}),
    )
    .await
    .assert_problem(409, "email_taken");
    let elsewhere = app
        .anonymous(
            "/v1/spaces/elsewhere/auth/sign-up",
            json!({"email": "ada@example.org", "display_name": "Ada", "password": "correct horse"}),
        )
        .await;
    assert_eq!(elsewhere.status, 201, "{elsewhere:?}");
    let other_member = elsewhere.body["member"]["id"].as_str().unwrap().to_owned();

    // A creator starts a session for its own members only; a member may not.
    let issued = app
        .post(
            &creator,
            "/v1/spaces/club/member-sessions",
            json!({"member_id": member_id}),
        )
        .await;
    assert_eq!(issued.status, 201, "{issued:?}");
    let third = token(&issued);
    assert_eq!(
        app.get(&third, "/v1/auth/me").await.body["id"],
        member_id.as_str()
    );
    app.post(
        &other_creator,
        "/v1/spaces/elsewhere/member-sessions",
        json!({"member_id": member_id}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &first,
        "/v1/spaces/club/member-sessions",
        json!({"member_id": member_id}),
    )
    .await
    .assert_problem(403, "forbidden");

    // A member token reads nothing else: another space is 404, creator routes are 403.
    app.get(
        &first,
        &format!("/v1/spaces/elsewhere/members/{other_member}"),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&first, &format!("/v1/spaces/club/members/{member_id}"))
        .await
        .assert_problem(403, "forbidden");
    app.get(&first, "/v1/spaces/club/members")
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &first,
        "/v1/spaces/club/tiers",
        json!({"name": "Mine", "kind": "free"}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get(&first, "/v1/events")
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &first,
        "/v1/spaces",
        json!({"slug": "mine", "name": "Mine", "currency": "EUR"}),
    )
    .await
    .assert_problem(403, "forbidden");

    // Logout ends that session at once, and only that one.
    let out = app.delete(&second, "/v1/auth/session").await;
    assert_eq!(out.status, 204, "{out:?}");
    app.get(&second, "/v1/auth/me")
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(app.get(&first, "/v1/auth/me").await.status, 200);
    app.delete(&creator, "/v1/auth/session")
        .await
        .assert_problem(403, "forbidden");

    // An expired session is refused like a revoked one.
    let expiring = app
        .post(
            &creator,
            "/v1/spaces/club/member-sessions",
            json!({"member_id": member_id}),
        )
        .await;
    let expiring = token(&expiring);
    assert_eq!(app.get(&expiring, "/v1/auth/me").await.status, 200);
    sqlx::query("UPDATE member_sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind("2000-01-01T00:00:00.000000Z")
        .bind(lyceum_store::keys::hash(&expiring))
        .execute(app.db.writer())
        .await
        .unwrap();
    app.get(&expiring, "/v1/auth/me")
        .await
        .assert_problem(401, "unauthorized");

    // Erasure ends every session and the password with it; the email is free again.
    let erased = app
        .delete(
            &creator,
            &format!("/v1/spaces/club/members/{member_id}/personal-data"),
        )
        .await;
    assert_eq!(erased.status, 204, "{erased:?}");
    for token in [&first, &third] {
        app.get(token, "/v1/auth/me")
            .await
            .assert_problem(401, "unauthorized");
    }
    app.sign_in("club", "ada@example.org", "correct horse")
        .await
        .assert_problem(401, "unauthorized");
    let again = app
        .anonymous(
            "/v1/spaces/club/auth/sign-up",
            json!({"email": "ada@example.org", "display_name": "Ada", "password": "a new horse"}),
        )
        .await;
    assert_eq!(again.status, 201, "{again:?}");
    assert_ne!(again.body["member"]["id"], member_id.as_str());

    // Removal ends the sessions too.
    let removed_token = token(&again);
    let removed_id = again.body["member"]["id"].as_str().unwrap().to_owned();
    let removed = app
        .delete(&creator, &format!("/v1/spaces/club/members/{removed_id}"))
        .await;
    assert_eq!(removed.status, 204, "{removed:?}");
    app.get(&removed_token, "/v1/auth/me")
        .await
        .assert_problem(401, "unauthorized");
    app.sign_in("club", "ada@example.org", "a new horse")
        .await
        .assert_problem(401, "unauthorized");
    app.post(
        &creator,
        "/v1/spaces/club/member-sessions",
        json!({"member_id": removed_id}),
    )
    .await
    .assert_problem(409, "invalid_transition");

    // A retried sign-up is answered from the idempotency record, without the token.
    let retry = |body: Value| {
        reply(
            app.http
                .post(format!("{}/v1/spaces/club/auth/sign-up", app.base))
                .header("Idempotency-Key", "sign-up-grace")
                .json(&body),
        )
    };
    let grace =
        json!({"email": "grace@example.org", "display_name": "Grace", "password": "hopper hopper"});
    let original = retry(grace.clone()).await;
    assert_eq!(original.status, 201, "{original:?}");
    token(&original);
    let replayed = retry(grace).await;
    assert_eq!(replayed.status, 201, "{replayed:?}");
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(replayed.body["member"]["id"], original.body["member"]["id"]);
    assert_eq!(replayed.body["session"]["token"], Value::Null);
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT body FROM idempotency WHERE body IS NOT NULL")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored
            .iter()
            .all(|body| !body.contains("lyc_ms_") && !body.contains("hopper")),
        "a session token or a password reached the idempotency records"
    );

    app.finish().await;
}

async fn identity_bad_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, creator) = app.space("strict").await;
    let events = app.event_count().await;
    let credentials = app.credentials_count().await;
    let raw = |path: &str, body: &'static [u8]| {
        reply(
            app.http
                .post(format!("{}{path}", app.base))
                .header("content-type", "application/json")
                .body(body),
        )
    };
    let sign_up = "/v1/spaces/strict/auth/sign-up";
    for password in ["short", &"x".repeat(129)] {
        app.anonymous(
            sign_up,
            json!({"email": "ada@example.org", "display_name": "Ada", "password": password}),
        )
        .await
        .assert_problem(422, "validation_failed");
    }
    app.anonymous(
        sign_up,
        json!({"email": "not an email", "display_name": "Ada", "password": "long enough"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.anonymous(
        sign_up,
        json!({"email": "ada@example.org", "display_name": " ", "password": "long enough"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    raw(sign_up, b"{not json")
        .await
        .assert_problem(400, "bad_request");
    raw(
        sign_up,
        br#"{"email":"a@b.org","display_name":"A","password":"long enough","role":"creator"}"#,
    )
    .await
    .assert_problem(400, "bad_request");
    raw(
        "/v1/spaces/strict/auth/sign-in",
        br#"{"email":"a@b.org","password":"long enough","remember":true}"#,
    )
    .await
    .assert_problem(400, "bad_request");
    app.anonymous(
        "/v1/spaces/nowhere/auth/sign-up",
        json!({"email": "ada@example.org", "display_name": "Ada", "password": "long enough"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &creator,
        "/v1/spaces/strict/member-sessions",
        json!({"member_id": "nope"}),
    )
    .await
    .assert_problem(400, "bad_request");
    app.post(
        &creator,
        "/v1/spaces/strict/member-sessions",
        json!({"member_id": uuid::Uuid::now_v7()}),
    )
    .await
    .assert_problem(404, "not_found");
    app.get("lyc_ms_0000", "/v1/auth/me")
        .await
        .assert_problem(401, "unauthorized");
    app.call(Method::GET, None, "/v1/auth/me", None)
        .await
        .assert_problem(401, "unauthorized");

    assert_eq!(app.event_count().await, events, "bad input wrote events");
    assert_eq!(app.credentials_count().await, credentials);
    app.finish().await;
}
