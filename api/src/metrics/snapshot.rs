//! What one scrape reads from its server's database and process, recorded into a recorder of
//! the scrape's own: concurrent servers in one process (tests start many) never overwrite each
//! other's gauges, and a checkpoint that is gone is not reported from memory.

use super::read_side;
use lyceum_store::Db;
use metrics_exporter_prometheus::PrometheusBuilder;

pub const DATABASE_UP: &str = "lyceum_metrics_database_up";
pub const POOL_SIZE: &str = "lyceum_db_pool_connections";
pub const POOL_IDLE: &str = "lyceum_db_pool_idle_connections";
pub const POOL_IN_USE: &str = "lyceum_db_pool_in_use_connections";
pub const POOL_MAX: &str = "lyceum_db_pool_max_connections";

/// Reads the database and the process and renders what it found in the text format.
pub async fn render(db: &Db) -> String {
    let read = lyceum_store::standing::standings(db).await;
    let now = chrono::Utc::now();
    let recorder = PrometheusBuilder::new().build_recorder();
    metrics::with_local_recorder(&recorder, || {
        describe();
        let up = match &read {
            Ok((head, rows)) => {
                read_side::record(*head, &read_side::lags(*head, rows, now));
                1.0
            }
            Err(error) => {
                tracing::warn!(%error, "metrics could not read the checkpoints");
                0.0
            }
        };
        metrics::gauge!(DATABASE_UP).set(up);
        pools(db);
        process();
    });
    recorder.handle().render()
}

/// The use of each of the database's pools.
fn pools(db: &Db) {
    for (name, pool) in db.pools() {
        let size = pool.size();
        let idle = u32::try_from(pool.num_idle()).unwrap_or(size);
        let max = pool.options().get_max_connections();
        metrics::gauge!(POOL_SIZE, "pool" => name).set(size);
        metrics::gauge!(POOL_IDLE, "pool" => name).set(idle);
        metrics::gauge!(POOL_IN_USE, "pool" => name).set(size.saturating_sub(idle));
        metrics::gauge!(POOL_MAX, "pool" => name).set(max);
    }
}

/// The process's CPU, memory, file descriptors and threads.
fn process() {
    let collector = metrics_process::Collector::default();
    collector.describe();
    collector.collect();
}

fn describe() {
    read_side::describe();
    metrics::describe_gauge!(
        DATABASE_UP,
        "1 when this scrape could read the read models' checkpoints, else 0."
    );
    metrics::describe_gauge!(POOL_SIZE, "Open connections in a database pool.");
    metrics::describe_gauge!(POOL_IDLE, "Idle connections in a database pool.");
    metrics::describe_gauge!(POOL_IN_USE, "Connections of a database pool in use.");
    metrics::describe_gauge!(POOL_MAX, "The most connections a database pool opens.");
}
