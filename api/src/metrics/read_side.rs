//! How far each read model has got, read from the database at scrape time: every checkpoint,
//! the log's head, and when the first event after each checkpoint was recorded.
//! A read model split into partitions (`<projection>/<k>`) is reported per partition; one not
//! yet split reports its single checkpoint as partition `all`.

use chrono::{DateTime, Utc};
use lyceum_projections::Projection;
use lyceum_store::standing::Standing;

pub const CHECKPOINT: &str = "lyceum_projection_checkpoint";
pub const LAG_POSITIONS: &str = "lyceum_projection_lag_positions";
pub const LAG_SECONDS: &str = "lyceum_projection_lag_seconds";
pub const HEAD: &str = "lyceum_log_head_position";

/// The partition label of a read model's single, unsplit checkpoint.
pub const UNSPLIT: &str = "all";

/// How far one partition of a read model is behind the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Lag {
    pub projection: &'static str,
    pub partition: String,
    pub checkpoint: i64,
    /// Log head minus checkpoint.
    pub lag_positions: i64,
    /// How long the first event not yet applied has waited; 0 when caught up.
    pub lag_seconds: f64,
}

/// The read models' lags among `rows` (other consumers' checkpoints are left out). A
/// read model with partition checkpoints is reported by those alone: its older single
/// checkpoint stays behind once it is split.
pub fn lags(head: i64, rows: &[Standing], now: DateTime<Utc>) -> Vec<Lag> {
    let mut found = Vec::new();
    for projection in Projection::ALL {
        let name = projection.name();
        let mut partitions: Vec<(u16, &Standing)> = rows
            .iter()
            .filter_map(|row| {
                let partition = row.name.strip_prefix(name)?.strip_prefix('/')?;
                Some((partition.parse().ok()?, row))
            })
            .collect();
        partitions.sort_unstable_by_key(|(partition, _)| *partition);
        let labelled: Vec<(String, &Standing)> = if partitions.is_empty() {
            rows.iter()
                .filter(|row| row.name == name)
                .map(|row| (UNSPLIT.to_owned(), row))
                .collect()
        } else {
            partitions
                .into_iter()
                .map(|(partition, row)| (partition.to_string(), row))
                .collect()
        };
        found.extend(labelled.into_iter().map(|(partition, row)| Lag {
            projection: name,
            partition,
            checkpoint: row.position,
            lag_positions: (head - row.position).max(0),
            lag_seconds: waited(row, now),
        }));
    }
    found
}

/// Seconds since the first event after the checkpoint was recorded; 0 when there is none.
fn waited(row: &Standing, now: DateTime<Utc>) -> f64 {
    let Some(at) = row.next_recorded_at.as_deref() else {
        return 0.0;
    };
    match lyceum_store::time::parse(at) {
        Ok(at) => ((now - at).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6).max(0.0),
        Err(error) => {
            tracing::warn!(%error, checkpoint = %row.name, "unreadable recorded_at");
            0.0
        }
    }
}

/// Sets the read side's gauges on the current recorder.
pub fn record(head: i64, lags: &[Lag]) {
    metrics::gauge!(HEAD).set(head as f64);
    for lag in lags {
        let labels = [
            ("projection", lag.projection.to_owned()),
            ("partition", lag.partition.clone()),
        ];
        metrics::gauge!(CHECKPOINT, &labels).set(lag.checkpoint as f64);
        metrics::gauge!(LAG_POSITIONS, &labels).set(lag.lag_positions as f64);
        metrics::gauge!(LAG_SECONDS, &labels).set(lag.lag_seconds);
    }
}

/// The help text of each read-side gauge.
pub fn describe() {
    metrics::describe_gauge!(HEAD, "The highest position in the event log.");
    metrics::describe_gauge!(
        CHECKPOINT,
        "The last log position a read model's partition has applied."
    );
    metrics::describe_gauge!(
        LAG_POSITIONS,
        "The log head minus a read model partition's checkpoint."
    );
    metrics::describe_gauge!(
        LAG_SECONDS,
        "Seconds since the first event a read model partition has not applied was recorded; 0 when caught up."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, position: i64, next: Option<&str>) -> Standing {
        Standing {
            name: name.to_owned(),
            position,
            next_recorded_at: next.map(str::to_owned),
        }
    }

    fn now() -> DateTime<Utc> {
        lyceum_store::time::parse("2026-01-01T00:01:00.000000Z").unwrap_or_default()
    }

    #[test]
    fn a_caught_up_read_model_has_no_lag_and_a_behind_one_counts_from_its_next_event() {
        let rows = [
            row("spaces", 10, None),
            row("tiers", 7, Some("2026-01-01T00:00:30.500000Z")),
            row("relay", 3, Some("2026-01-01T00:00:00.000000Z")),
        ];
        let found = lags(10, &rows, now());
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].projection, "spaces");
        assert_eq!(found[0].partition, UNSPLIT);
        assert_eq!((found[0].lag_positions, found[0].lag_seconds), (0, 0.0));
        assert_eq!(found[1].projection, "tiers");
        assert_eq!(found[1].checkpoint, 7);
        assert_eq!(found[1].lag_positions, 3);
        assert!((found[1].lag_seconds - 29.5).abs() < 1e-9, "{found:?}");
    }

    #[test]
    fn partitions_replace_the_single_checkpoint_and_come_in_order() {
        let rows = [
            row("content", 2, None),
            row("content/1", 9, None),
            row("content/0", 5, Some("2026-01-01T00:00:59.000000Z")),
            row("content_extra/0", 1, None),
            row("contentx", 1, None),
        ];
        let found = lags(9, &rows, now());
        let seen: Vec<(&str, &str, i64, i64)> = found
            .iter()
            .map(|s| {
                (
                    s.projection,
                    s.partition.as_str(),
                    s.checkpoint,
                    s.lag_positions,
                )
            })
            .collect();
        assert_eq!(seen, [("content", "0", 5, 4), ("content", "1", 9, 0)]);
        assert!((found[0].lag_seconds - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_clock_behind_the_log_never_shows_a_negative_lag() {
        let rows = [row("spaces", 1, Some("2026-01-01T00:02:00.000000Z"))];
        assert_eq!(lags(2, &rows, now())[0].lag_seconds, 0.0);
    }
}
