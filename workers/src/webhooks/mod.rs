//! Outgoing webhooks: the fan-out loop that turns the log into deliveries exactly once (see
//! [`lyceum_store::webhooks::fan_out`]) and the sender that POSTs due deliveries, signed
//! `Lyceum-Signature: t=<unix>,v1=<hex>` (HMAC-SHA256 over `t.body`, with a second `v1` for the
//! previous secret while a rotation overlaps), retrying with backoff and recording every
//! attempt. A delivery never carries a content body (see [`lyceum_domain::redaction`]). Both
//! loops tail the log in either mode: the log is the source of truth, so they need
//! no broker, and several processes may run them (the checkpoint and `SKIP LOCKED` keep them
//! apart).

pub mod backoff;
pub mod guard;

use crate::error::WorkerError;
use crate::feed::Nudge;
use crate::pause::{Backoff, or_shutdown};
use chrono::{DateTime, Utc};
use lyceum_domain::payment::stripe::signature::sign;
use lyceum_store::webhooks::{Attempt, Claimed, claim_due, fan_out, record_attempt};
use lyceum_store::{Db, time};
use std::future::Future;
use std::time::{Duration, SystemTime};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Lyceum-Signature";
/// The header carrying the event's id, for receivers to de-duplicate.
pub const EVENT_ID_HEADER: &str = "Lyceum-Event-Id";
/// How long one attempt may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery is reserved for its sender.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// Deliveries claimed and sent concurrently per step.
const BATCH: i64 = 16;
/// Events per fan-out transaction.
const FAN_OUT_BATCH: i64 = 500;
/// How often the loops look when nobody nudges them.
const IDLE: Duration = Duration::from_millis(250);

/// Sends due deliveries.
#[derive(Clone, Debug)]
pub struct Sender {
    db: Db,
    allow_private: bool,
}

impl Sender {
    /// `allow_private` lets webhooks reach private and loopback addresses (operator's choice).
    pub fn new(db: Db, allow_private: bool) -> Self {
        Self { db, allow_private }
    }

    /// One step: claims deliveries due at `now`, sends them concurrently, and records each
    /// attempt; retries are scheduled from `now`. Returns how many attempts were made.
    pub async fn deliver_due(&self, now: SystemTime) -> Result<usize, WorkerError> {
        let now: DateTime<Utc> = now.into();
        let claimed = claim_due(
            &self.db,
            &time::format(now),
            &time::format(now + LEASE),
            BATCH,
        )
        .await?;
        let attempts = claimed.iter().map(|delivery| self.attempt(delivery, now));
        let outcomes = futures::future::join_all(attempts).await;
        for (delivery, attempt) in claimed.iter().zip(&outcomes) {
            record_attempt(&self.db, delivery, attempt).await?;
        }
        Ok(outcomes.len())
    }

    async fn attempt(&self, delivery: &Claimed, now: DateTime<Utc>) -> Attempt {
        let sent = self.send(delivery).await;
        let delivered = matches!(sent, Ok(code) if (200..300).contains(&code));
        let (status_code, error) = match sent {
            Ok(code) if delivered => (Some(code), None),
            Ok(code) => (Some(code), Some(format!("the endpoint answered {code}"))),
            Err(error) => (None, Some(error)),
        };
        let retry_at = if delivered {
            None
        } else {
            let queued = time::parse(&delivery.created_at).unwrap_or(now);
            backoff::next_attempt(delivery.attempts + 1, queued, now, backoff::random_jitter())
                .map(time::format)
        };
        Attempt {
            at: time::format(now),
            status_code,
            error,
            retry_at,
            delivered,
        }
    }

    /// POSTs one delivery; the HTTP status, or why there was none.
    async fn send(&self, delivery: &Claimed) -> Result<u16, String> {
        let target = guard::check(&delivery.url, self.allow_private)
            .await
            .map_err(|e| e.to_string())?;
        let mut event = delivery.event.clone();
        event.payload = lyceum_domain::redaction::redact(event.payload);
        let body = serde_json::to_vec(&event).map_err(|e| e.to_string())?;
        let mut client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none());
        for (host, addr) in &target.pinned {
            client = client.resolve(host, *addr);
        }
        let client = client.build().map_err(|e| e.to_string())?;
        let response = client
            .post(target.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_ID_HEADER, delivery.event.event_id.to_string())
            // The wall clock, not the injected one: receivers check `t` against their own.
            .header(
                SIGNATURE_HEADER,
                signature(delivery, &body, Utc::now().timestamp()),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| format!("{e}"))?;
        Ok(response.status().as_u16())
    }
}

/// `t=<unix>,v1=<new>[,v1=<previous>]`.
fn signature(delivery: &Claimed, body: &[u8], timestamp: i64) -> String {
    let mut header = sign(&delivery.secret, timestamp, body);
    if let Some(previous) = &delivery.previous_secret {
        let old = sign(previous, timestamp, body);
        if let Some((_, tag)) = old.split_once(',') {
            header.push(',');
            header.push_str(tag);
        }
    }
    header
}

/// Queues deliveries for new events until `shutdown`, waking `sender` when it queued some.
pub async fn run_fan_out(
    db: Db,
    nudge: Nudge,
    wake_sender: Nudge,
    shutdown: impl Future,
) -> Result<(), WorkerError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Backoff::new();
    loop {
        let pause = match fan_out(&db, FAN_OUT_BATCH).await {
            Ok(queued) => {
                if queued > 0 {
                    wake_sender.nudge();
                }
                backoff.reset();
                IDLE
            }
            Err(error) => {
                tracing::warn!(%error, "webhook fan-out failed");
                backoff.next_delay()
            }
        };
        if or_shutdown(nudge.wait(pause), &mut shutdown).await {
            return Ok(());
        }
    }
}

/// Sends due deliveries until `shutdown`.
pub async fn run_sender(
    sender: Sender,
    nudge: Nudge,
    shutdown: impl Future,
) -> Result<(), WorkerError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Backoff::new();
    loop {
        let pause = match sender.deliver_due(SystemTime::now()).await {
            // A full batch: there may be more due at once.
            Ok(sent) if sent as i64 >= BATCH => Duration::ZERO,
            Ok(_) => {
                backoff.reset();
                IDLE
            }
            Err(error) => {
                tracing::warn!(%error, "webhook delivery failed");
                backoff.next_delay()
            }
        };
        if or_shutdown(nudge.wait(pause), &mut shutdown).await {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lyceum_domain::payment::stripe::signature::verify_signature;

    fn claimed(previous: Option<&str>) -> Result<Claimed, WorkerError> {
        let append = lyceum_store::testing::space_created("hooks")?;
        Ok(Claimed {
            id: uuid::Uuid::nil(),
            attempts: 0,
            created_at: time::now(),
            url: "http://127.0.0.1/hook".into(),
            secret: "whsec_new".into(),
            previous_secret: previous.map(str::to_owned),
            event: lyceum_store::StoredEvent {
                position: 1,
                event_id: uuid::Uuid::nil(),
                aggregate_type: append.aggregate_type.into(),
                aggregate_id: append.aggregate_id,
                version: 1,
                event_type: "SpaceCreated".into(),
                event_version: 1,
                payload: serde_json::json!({}),
                space_id: None,
                actor: "system".into(),
                correlation_id: uuid::Uuid::nil(),
                causation_id: None,
                request_id: "r".into(),
                occurred_at: append.recorded_at.clone(),
                recorded_at: append.recorded_at,
            },
        })
    }

    #[test]
    fn a_rotation_overlap_signs_with_both_secrets() -> Result<(), WorkerError> {
        let body = b"{}";
        let header = signature(&claimed(Some("whsec_old"))?, body, 1_700_000_000);
        assert_eq!(header.matches("v1=").count(), 2);
        for secret in ["whsec_new", "whsec_old"] {
            assert!(verify_signature(&header, body, &[secret], 1_700_000_000, 300).is_ok());
        }
        let single = signature(&claimed(None)?, body, 1_700_000_000);
        assert_eq!(single.matches("v1=").count(), 1);
        assert!(verify_signature(&single, body, &["whsec_old"], 1_700_000_000, 300).is_err());
        Ok(())
    }
}

#[cfg(test)]
mod tls_tests {
    /// The TLS stack (rustls on ring) initialises, so https endpoints can be reached: a request to
    /// a closed port fails with a connection error, not a panic about a missing crypto provider.
    #[tokio::test]
    async fn an_https_client_can_be_built_and_used() {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(2))
            .build();
        assert!(client.is_ok());
        let sent = client
            .unwrap_or_else(|e| panic!("{e}"))
            .post("https://127.0.0.1:1/hook")
            .send()
            .await;
        assert!(sent.is_err_and(|e| e.is_connect()));
    }
}
