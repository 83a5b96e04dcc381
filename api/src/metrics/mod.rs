//! Prometheus metrics at `/metrics`. What happens in the process (requests, events relayed and
//! applied) is counted on one process-wide recorder, installed once however many servers the
//! process starts; what the database says (read models' checkpoints and lag, pools) is read at
//! scrape time into a recorder of that scrape's own, so each server reports its own database.

pub mod endpoint;
pub mod http;
pub mod read_side;
pub mod snapshot;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// How often the process-wide recorder drains its histograms when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process-wide recorder's handle, installing the recorder on first use. Call it before
/// starting workers, so that no count is lost to the no-op recorder.
pub fn install() -> &'static PrometheusHandle {
    RECORDER.get_or_init(|| match builder().install_recorder() {
        Ok(handle) => {
            describe();
            let upkeep = handle.clone();
            let started = std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP);
                        upkeep.run_upkeep();
                    }
                });
            if let Err(error) = started {
                tracing::warn!(%error, "metrics upkeep thread not started");
            }
            handle
        }
        Err(error) => {
            // Another recorder is the process's: its counts are not ours to render.
            tracing::warn!(%error, "a metrics recorder was already installed");
            builder().build_recorder().handle()
        }
    })
}

fn builder() -> PrometheusBuilder {
    let builder = PrometheusBuilder::new();
    let matcher = Matcher::Full(http::DURATION.to_owned());
    match builder.set_buckets_for_metric(matcher, &http::BUCKETS) {
        Ok(builder) => builder,
        Err(error) => {
            tracing::warn!(%error, "latency buckets refused: latency is a summary");
            PrometheusBuilder::new()
        }
    }
}

/// The help text of the process-wide counters.
fn describe() {
    http::describe();
    metrics::describe_counter!(
        lyceum_projections::metrics::EVENTS_APPLIED,
        "Events a read model applied and committed."
    );
    metrics::describe_counter!(
        lyceum_workers::relay::PUBLISHED,
        "Events the relay published to the broker."
    );
    metrics::describe_counter!(
        lyceum_workers::relay::CONFIRMED,
        "Events the broker confirmed to the relay."
    );
}
