//! Test support: every test spawns the real application on a backend of its choice, with a
//! database of its own, exchange and queue names of its own, and port 0.

use lyceum::Config;
use lyceum::config::Secret;
use lyceum_store::Db;
use lyceum_store::clock::{Clock, SystemClock};
use lyceum_store::keys::{IssuedKey, Role, insert_admin};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

pub const AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite and the in-process bus.
    Embedded,
    /// Postgres and RabbitMQ.
    Production,
}

/// Generates one test per backend for each named scenario `async fn name(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn embedded() {
                super::$name($crate::support::Backend::Embedded).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres_rabbitmq() {
                super::$name($crate::support::Backend::Production).await
            }
        }
    )*};
}

/// A running application and an admin key for it.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// The API's own handle: its read count is the API's alone.
    pub api_db: Db,
    pub admin: String,
    pub config: Config,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    running: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    /// Whether finishing removes the database, exchanges and queues (not for a second node).
    owns_resources: bool,
}

/// An HTTP answer, with its body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Lyceum-Position` of a write.
    pub fn position(&self) -> i64 {
        self.header("lyceum-position")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no Lyceum-Position in {self:?}"))
    }

    /// Asserts a problem+json answer with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{self:?}"
        );
        assert_eq!(self.body["code"], code, "{self:?}");
        assert_eq!(self.body["status"], status, "{self:?}");
        for field in ["type", "title", "detail", "request_id"] {
            assert!(self.body[field].is_string(), "{field} missing in {self:?}");
        }
        assert_eq!(
            Some(self.body["request_id"].as_str().unwrap_or_default()),
            self.header("x-request-id")
        );
    }
}

pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with_clock(backend, Arc::new(SystemClock)).await
    }

    /// Spawns the application on a clock the test controls.
    pub async fn spawn_with_clock(backend: Backend, clock: Arc<dyn Clock>) -> Self {
        Self::spawn_configured(backend, clock, |_| {}).await
    }

    /// Spawns the application on `clock`, with `configure` applied to the test configuration
    /// (whose rate limits are out of reach, so only the tests about them meet them).
    pub async fn spawn_configured(
        backend: Backend,
        clock: Arc<dyn Clock>,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config {
            bind: "127.0.0.1:0".into(),
            http_workers: 1,
            allow_private_webhooks: true,
            amqp_prefix: unique("t"),
            rate_limit: u32::MAX,
            rate_limit_anonymous: u32::MAX,
            // One queue per read model keeps the shared broker's quorum queues (and its file
            // descriptors) as few as tests running side by side need; `workers.rs` splits them.
            partitions: 1,
            ..Config::default()
        };
        match backend {
            Backend::Embedded => {
                config.data_dir = std::env::temp_dir().join(unique("lyceum-test-"));
            }
            Backend::Production => {
                let url = lyceum_store::testing::fresh_postgres_url()
                    .await
                    .expect("Postgres must be running on 127.0.0.1:5432");
                config.database_url = Some(Secret::new(url));
                config.amqp_url = Some(Secret::new(AMQP_URL));
                // The audit key lives outside the database, in a directory of the test's own.
                config.data_dir = std::env::temp_dir().join(unique("lyceum-test-"));
            }
        }
        configure(&mut config);
        Self::start(config, clock, None).await
    }

    /// A second application (another API node, with its own state and port) on this one's
    /// database and broker names, on `clock`, sharing its admin key. Finishing it stops it and
    /// leaves the database, exchanges and queues to `self`.
    pub async fn node_beside(&self, clock: Arc<dyn Clock>) -> Self {
        Self::start(self.config.clone(), clock, Some(self.admin.clone())).await
    }

    /// Builds and runs the application; stores a new admin key unless given one.
    async fn start(config: Config, clock: Arc<dyn Clock>, admin: Option<String>) -> Self {
        let app = lyceum::Application::build_with_clock(&config, clock)
            .await
            .expect("the application starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let db = app.db().clone();
        let api_db = app.api_db().clone();
        let owns_resources = admin.is_none();
        let admin = match admin {
            Some(admin) => admin,
            None => {
                let key = IssuedKey::generate(Role::Admin, None).expect("a key");
                insert_admin(&db, &key)
                    .await
                    .expect("the admin key is stored");
                key.secret
            }
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Self {
            base,
            db,
            api_db,
            admin,
            config,
            http: client(),
            stop: Some(stop),
            running: Some(running),
            owns_resources,
        }
    }

    /// Stops the application and removes its database, exchanges and queues.
    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(running) = self.running.take() {
            let _ = tokio::time::timeout(Duration::from_secs(15), running).await;
        }
        if !self.owns_resources {
            return;
        }
        // Cleaning up is bounded: a broker or database that stops answering leaves resources
        // behind (`.ci/run` drops leftover databases) rather than hanging the suite.
        if let Some(url) = &self.config.amqp_url {
            let cleanup = async {
                if let Ok(connection) = lyceum_workers::amqp::connect(url.expose()).await {
                    if let Ok(channel) = connection.create_channel().await {
                        let topology =
                            lyceum_workers::Topology::new(self.config.amqp_prefix.clone())
                                .with_partitions(self.config.partitions);
                        let _ = topology.delete(&channel).await;
                    }
                    let _ = connection.close(200, "test done".into()).await;
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(30), cleanup).await;
        }
        if let Some(url) = &self.config.database_url {
            let _ =
                tokio::time::timeout(Duration::from_secs(30), drop_database(url.expose())).await;
        }
        let _ = std::fs::remove_dir_all(&self.config.data_dir);
    }

    pub async fn call(
        &self,
        method: Method,
        key: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        reply(request).await
    }

    pub async fn get(&self, key: &str, path: &str) -> Reply {
        self.call(Method::GET, Some(key), path, None).await
    }

    pub async fn post(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Method::POST, Some(key), path, Some(body)).await
    }

    pub async fn post_empty(&self, key: &str, path: &str) -> Reply {
        self.call(Method::POST, Some(key), path, None).await
    }

    pub async fn patch(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Method::PATCH, Some(key), path, Some(body)).await
    }

    pub async fn delete(&self, key: &str, path: &str) -> Reply {
        self.call(Method::DELETE, Some(key), path, None).await
    }

    /// Runs a GraphQL operation and returns the whole response.
    pub async fn graphql(&self, key: &str, query: &str, variables: Value) -> Value {
        let reply = self
            .call(
                Method::POST,
                Some(key),
                "/graphql",
                Some(json!({"query": query, "variables": variables})),
            )
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        reply.body
    }

    /// Creates a space and a creator key for it: `(space id, creator key)`.
    pub async fn space(&self, slug: &str) -> (String, String) {
        let created = self
            .post(
                &self.admin,
                "/v1/spaces",
                json!({"slug": slug, "name": format!("Space {slug}"), "currency": "EUR"}),
            )
            .await;
        assert_eq!(created.status, 201, "{created:?}");
        let id = created.body["id"].as_str().expect("an id").to_owned();
        let key = self
            .post(
                &self.admin,
                &format!("/v1/spaces/{slug}/keys"),
                json!({"role": "creator"}),
            )
            .await;
        assert_eq!(key.status, 201, "{key:?}");
        (id, key.body["key"].as_str().expect("a key").to_owned())
    }

    /// Defines a paid tier with a monthly price and trial days; returns its id.
    pub async fn paid_tier(
        &self,
        key: &str,
        space: &str,
        name: &str,
        monthly: i64,
        trial: u32,
    ) -> String {
        let tier = self
            .post(
                key,
                &format!("/v1/spaces/{space}/tiers"),
                json!({"name": name, "kind": "paid", "monthly_price_minor": monthly, "trial_days": trial}),
            )
            .await;
        assert_eq!(tier.status, 201, "{tier:?}");
        tier.body["id"].as_str().expect("an id").to_owned()
    }

    /// Signs a member up to a space: `(member id, session token)`.
    pub async fn sign_up(&self, space: &str, email: &str) -> (String, String) {
        let body =
            json!({"email": email, "display_name": "Member", "password": "a good long password"});
        let path = format!("/v1/spaces/{space}/auth/sign-up");
        let signed_up = self.call(Method::POST, None, &path, Some(body)).await;
        assert_eq!(signed_up.status, 201, "{signed_up:?}");
        (
            signed_up.body["member"]["id"]
                .as_str()
                .expect("an id")
                .to_owned(),
            signed_up.body["session"]["token"]
                .as_str()
                .expect("a token")
                .to_owned(),
        )
    }

    /// Polls `GET path` until `done` holds for its body, for at most 15 s (the scheduler passes
    /// every second, read models follow the relay); panics naming `what` on timeout.
    pub async fn until(
        &self,
        key: &str,
        path: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let reply = self.get(key, path).await;
            if reply.status == 200 && done(&reply.body) {
                return reply.body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}: {reply:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until every read model has applied the log up to `position`, for at most 15 s: a
    /// barrier before reads of several read models (a read's `min_position` waits only for the
    /// read models that read is served from). Woken as the application's checkpoints move.
    pub async fn caught_up(&self, position: i64) {
        let mut moved = self.db.watch_checkpoints();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            moved.borrow_and_update();
            let lowest = lyceum_projections::min_checkpoint(&self.db)
                .await
                .expect("the checkpoints are readable");
            if lowest >= position {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the read models did not reach {position}: the lowest is at {lowest}"
            );
            // A move made by another handle may not wake this one: look again now and then.
            let _ = tokio::time::timeout(Duration::from_millis(100), moved.changed()).await;
        }
    }

    /// Whether the application still runs, i.e. has not stopped on its own.
    pub fn is_running(&self) -> bool {
        self.running
            .as_ref()
            .is_some_and(|running| !running.is_finished())
    }

    /// Polls `/readyz` until `done` holds for its status and body, for at most `within`;
    /// panics naming `what` on timeout. Returns the body.
    pub async fn until_readiness(
        &self,
        within: Duration,
        what: &str,
        done: impl Fn(u16, &Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let reply = self.call(Method::GET, None, "/readyz", None).await;
            if done(reply.status, &reply.body) {
                return reply.body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}: {reply:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The events of one stream, oldest first.
    pub async fn stream(&self, aggregate: &str, id: &str) -> Vec<Value> {
        let stream = self
            .get(&self.admin, &format!("/v1/streams/{aggregate}/{id}"))
            .await;
        assert_eq!(stream.status, 200, "{stream:?}");
        stream.body.as_array().cloned().unwrap_or_default()
    }

    /// The events of `event_type` in one stream.
    pub async fn events_of(&self, aggregate: &str, id: &str, event_type: &str) -> Vec<Value> {
        self.stream(aggregate, id)
            .await
            .into_iter()
            .filter(|e| e["event_type"] == event_type)
            .collect()
    }

    /// How many events the log holds.
    pub async fn event_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(self.db.reader())
            .await
            .expect("count events")
    }
}

/// The HTTP client of a test. Idle connections are dropped well before the server's 5 s
/// keep-alive ends them: a request sent on a connection the server is closing just then fails
/// with an incomplete message, which says nothing about the server. A request that gets no
/// answer in two minutes fails its test instead of hanging the suite.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(120))
        .build()
        .expect("an HTTP client")
}

/// Sends a request and parses the answer.
pub async fn reply(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn drop_database(url: &str) {
    use sqlx::{Connection, Executor};
    let Some((server, name)) = url.rsplit_once('/') else {
        return;
    };
    if let Ok(mut admin) = sqlx::AnyConnection::connect(&format!("{server}/postgres")).await {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
        let _ = admin.close().await;
    }
}
